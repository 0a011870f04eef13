/* test_models.c: owns the unit test of src/models/worker.c and of every single-process model (serial, omp,
 * pthreads, fork, events), run over a fake kernel defined here. The fake kernel records, in its partial
 * result, how many times each item ran and which OS thread ran it (its thread id: a fork worker's is its
 * process id), so the record comes back through each model's own merge (fork: packed in the child, sent
 * down its pipe, unpacked and merged by the parent; no shared memory). For every schedule, 1, 2, 3 and 7
 * workers and 1, 5, 64 and 1000 items it checks: every item ran exactly once, none out of range or with
 * bounds other than job_item's, the merged partial equals the serial answer, the model's trace names one
 * worker per OS thread, and static, cyclic and batch give each worker the items they document.
 * The MPI models (mpi, hybrid) need mpirun: tests/mpi/mpi.bats runs them against serial for every kernel,
 * method and schedule (tests/lib/matrix.bash). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "job.h"
#include "kernels/kernel.h"
#include "kernels/word_partial.h"
#include "models/model.h"
#include "models/worker.h"

#define MAX_ITEMS 1000u
#define CHUNK 10u
#define RANGE_FROM 3u /* inside the first chunk, as the driver allows: item 0 is [3, 10), the others whole */

/* The fake kernel's partial: words added together (kernel sum_words), so every model merges, packs and
 * reduces it as it does count's. */
typedef struct fake_partial {
    /* what the serial answer must equal */
    uint64_t items;   /* items run */
    uint64_t numbers; /* sum of hi - lo: the range once */
    uint64_t index_sum;
    uint64_t mixed_sum;       /* sum of mix(index): a lost item and a doubled one cannot cancel out */
    uint64_t out_of_range;    /* items whose index is not the job's or whose bounds are not job_item's */
    uint64_t runs[MAX_ITEMS]; /* times item i ran */
    /* where: differs from run to run */
    uint64_t runner[MAX_ITEMS]; /* the sum of the thread ids that ran item i (the id, when it ran once) */
} fake_partial;

#define FAKE_WORDS (sizeof(fake_partial) / sizeof(uint64_t))
#define ANSWER_BYTES offsetof(fake_partial, runner)
_Static_assert(sizeof(fake_partial) == FAKE_WORDS * sizeof(uint64_t), "the partial is whole words");

static uint64_t mix(uint64_t x) /* a splitmix64 step */
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

static uint64_t this_thread(void)
{
    return (uint64_t)gettid();
}

static void fake_run_item(const job *j, const work_item *item, void *partial)
{
    fake_partial *p = partial;
    work_item expected = {0};
    if (item->index < j->n_items)
        job_item(j, item->index, &expected);
    if (item->index >= j->n_items || item->index >= MAX_ITEMS || item->lo != expected.lo || item->hi != expected.hi ||
        item->lo < j->from || item->hi > j->n) {
        p->out_of_range++;
        return;
    }
    p->items++;
    p->numbers += item->hi - item->lo;
    p->index_sum += item->index;
    p->mixed_sum += mix(item->index);
    p->runs[item->index]++;
    p->runner[item->index] += this_thread();
}

static void fake_finish(const job *j, void *partial, result *r)
{
    (void)j;
    memset(r, 0, sizeof *r);
    r->value = ((fake_partial *)partial)->items;
    r->verify = VERIFY_NONE;
}

static uint64_t fake_chunk(const job *j)
{
    (void)j;
    return CHUNK;
}

static double fake_work(method_kind method, double n)
{
    (void)method;
    return n;
}

static const kernel fake_kernel = {
    .name = "fake",
    .summary = "records how often each item ran and on which thread",
    .default_n = 100,
    .unit = "items",
    .unit_one = "item",
    .work = fake_work,
    .partial_size = sizeof(fake_partial),
    .sum_words = FAKE_WORDS,
    .default_chunk = fake_chunk,
    .init = word_partial_init,
    .run_item = fake_run_item,
    .merge = word_partial_merge,
    .pack = word_partial_pack,
    .unpack = word_partial_unpack,
    .finish = fake_finish,
};

static const schedule_kind schedules[] = {SCHEDULE_STATIC, SCHEDULE_CYCLIC, SCHEDULE_DYNAMIC, SCHEDULE_GUIDED,
                                          SCHEDULE_BATCH};
static const int worker_counts[] = {1, 2, 3, 7};
static const uint64_t item_counts[] = {1, 5, 64, MAX_ITEMS};
static const char *const single_process_models[] = {"serial", "omp", "pthreads", "fork", "events"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_WORKERS 7

/* The job as run_repetitions (main.c) builds it for `primes fake --from 3 -n N --schedule S -t W`: one
 * process (mpi_env_size() is 1), items sized by the kernel's default chunk for the run's workers. */
static job driver_job(schedule_kind schedule, int threads, uint64_t items)
{
    job j = {
        .kernel = &fake_kernel,
        .method = METHOD_SIEVE,
        .from = RANGE_FROM,
        .n = items * CHUNK,
        .schedule = schedule,
        .quiet = true,
    };
    j.plan_workers = 1 * (uint64_t)threads;
    job_set_chunk(&j, j.kernel->default_chunk(&j));
    assert_int_equal(j.n_items, items);
    return j;
}

/* The -t the driver passes: a one-thread model runs one (cli.c refuses more), except that events takes
 * -t as its round size under batch. */
static int driver_threads(const model *m, schedule_kind schedule, int threads)
{
    if (m->one_thread && !(m->threads_as_rounds && schedule == SCHEDULE_BATCH))
        return 1;
    return threads;
}

/* How many workers (trace threads) the model promises: one for a one-thread model. */
static int promised_workers(const model *m, int threads)
{
    return m->one_thread ? 1 : threads;
}

/* The worker that must run item i as the schedules are documented (job.h, worker.h), or -1 when the
 * schedule promises none (dynamic, guided). Static: contiguous blocks, sizes differing by at most one,
 * larger blocks first. Cyclic: i mod W. Batch: rounds of W items, one per worker, so again i mod W. */
static int documented_worker(schedule_kind schedule, uint64_t i, uint64_t n, int workers)
{
    uint64_t w = (uint64_t)workers;
    switch (schedule) {
    case SCHEDULE_STATIC: {
        uint64_t small = n / w, large = small + 1, large_blocks = n % w;
        if (i < large_blocks * large)
            return (int)(i / large);
        return (int)(large_blocks + (i - large_blocks * large) / small);
    }
    case SCHEDULE_CYCLIC:
    case SCHEDULE_BATCH: return (int)(i % w);
    case SCHEDULE_DYNAMIC:
    case SCHEDULE_GUIDED: break;
    }
    return -1;
}

/* The serial answer: every item once, in order, on this thread. */
static void serial_answer(const job *j, fake_partial *answer)
{
    fake_kernel.init(j, answer);
    for (uint64_t i = 0; i < j->n_items; i++) {
        work_item item;
        job_item(j, i, &item);
        fake_kernel.run_item(j, &item, answer);
    }
}

/* Every item of [0, n) ran exactly once and no other ran; fails naming the first that did not. */
static void check_each_item_once(const char *what, const fake_partial *p, uint64_t n)
{
    if (p->out_of_range)
        fail_msg("%s: %llu items out of range or with bounds other than job_item's", what,
                 (unsigned long long)p->out_of_range);
    for (uint64_t i = 0; i < MAX_ITEMS; i++) {
        uint64_t want = i < n ? 1 : 0;
        if (p->runs[i] != want)
            fail_msg("%s: item %llu ran %llu times (wanted %llu)", what, (unsigned long long)i,
                     (unsigned long long)p->runs[i], (unsigned long long)want);
    }
}

/* One run of model m, built as the driver builds it, with every check of the file's comment. */
static void check_run(const model *m, schedule_kind schedule, int asked_workers, uint64_t n)
{
    char what[128];
    snprintf(what, sizeof what, "%s, %s, %d workers, %llu items", m->name, schedule_name(schedule), asked_workers,
             (unsigned long long)n);
    int threads = driver_threads(m, schedule, asked_workers);
    job j = driver_job(schedule, threads, n);
    model_options opt = {.threads = threads};
    fake_partial *partial = malloc(sizeof *partial);
    assert_non_null(partial);
    fake_kernel.init(&j, partial);
    run_stats stats = {0};
    if (m->run(&j, &opt, partial, &stats) != 0)
        fail_msg("%s: the run failed: %s", what, stats.error);

    /* what ran: each item once, and the answer of a serial run */
    check_each_item_once(what, partial, n);
    fake_partial answer;
    serial_answer(&j, &answer);
    if (memcmp(partial, &answer, ANSWER_BYTES) != 0)
        fail_msg("%s: the merged partial differs from the serial answer", what);
    result res;
    fake_kernel.finish(&j, partial, &res);
    assert_int_equal(res.value, n);

    /* who ran it: the trace's worker for each item, one OS thread per worker */
    int workers = promised_workers(m, threads);
    if (stats.ranks != 1 || stats.threads != workers)
        fail_msg("%s: the run reports %d ranks x %d threads, wanted 1 x %d", what, stats.ranks, stats.threads, workers);
    assert_non_null(stats.items);
    assert_non_null(stats.hosts);
    assert_int_equal(stats.n_items, n);
    uint64_t thread_of_worker[MAX_WORKERS] = {0};
    for (uint64_t i = 0; i < n; i++) {
        const trace_item *t = &stats.items[i];
        if (t->index != i || t->rank != 0 || t->thread < 0 || t->thread >= workers || t->stop < t->start)
            fail_msg("%s: trace record %llu is item %llu on rank %d, worker %d, [%g, %g]", what, (unsigned long long)i,
                     (unsigned long long)t->index, t->rank, t->thread, t->start, t->stop);
        int want = documented_worker(schedule, i, n, workers);
        if (want >= 0 && t->thread != want)
            fail_msg("%s: item %llu ran on worker %d, the schedule gives it to worker %d", what, (unsigned long long)i,
                     t->thread, want);
        uint64_t ran_on = partial->runner[i];
        if (thread_of_worker[t->thread] == 0)
            thread_of_worker[t->thread] = ran_on;
        if (thread_of_worker[t->thread] != ran_on)
            fail_msg("%s: worker %d ran item %llu on thread %llu but earlier items on thread %llu", what, t->thread,
                     (unsigned long long)i, (unsigned long long)ran_on,
                     (unsigned long long)thread_of_worker[t->thread]);
    }
    for (int a = 0; a < workers; a++)
        for (int b = a + 1; b < workers; b++)
            if (thread_of_worker[a] && thread_of_worker[a] == thread_of_worker[b])
                fail_msg("%s: workers %d and %d both ran on thread %llu", what, a, b,
                         (unsigned long long)thread_of_worker[a]);
    /* the caller is worker 0 of a thread model (pthreads says so; OpenMP's master; serial, events), and no
     * worker of a model whose workers are processes */
    uint64_t caller = this_thread();
    for (int w = 0; w < workers; w++)
        if (m->forks_workers ? thread_of_worker[w] == caller
                             : w == 0 && thread_of_worker[0] && thread_of_worker[0] != caller)
            fail_msg("%s: worker %d ran on thread %llu, the caller is %llu", what, w,
                     (unsigned long long)thread_of_worker[w], (unsigned long long)caller);

    kernel_release(&j, partial);
    free(partial);
    free(stats.items);
    free(stats.hosts);
}

static void check_model(const char *name)
{
    const model *m = model_find(name);
    assert_non_null(m);
    assert_false(m->uses_mpi);
    for (size_t s = 0; s < COUNT(schedules); s++)
        for (size_t w = 0; w < COUNT(worker_counts); w++)
            for (size_t n = 0; n < COUNT(item_counts); n++)
                check_run(m, schedules[s], worker_counts[w], item_counts[n]);
}

static void test_serial(void **state)
{
    (void)state;
    check_model("serial");
}

static void test_omp(void **state)
{
    (void)state;
    check_model("omp");
}

static void test_pthreads(void **state)
{
    (void)state;
    check_model("pthreads");
}

static void test_fork(void **state)
{
    (void)state;
    check_model("fork");
}

static void test_events(void **state)
{
    (void)state;
    check_model("events");
}

/* Every single-process model the registry lists, and every schedule job.c names, is covered above. */
static void test_every_model_and_schedule_is_covered(void **state)
{
    (void)state;
    for (const model *const *m = model_list(); *m; m++) {
        if ((*m)->uses_mpi)
            continue;
        bool found = false;
        for (size_t i = 0; i < COUNT(single_process_models); i++)
            found |= strcmp((*m)->name, single_process_models[i]) == 0;
        if (!found)
            fail_msg("model %s is not covered by test_models.c: add a test_%s", (*m)->name, (*m)->name);
    }
    for (int kind = 0; kind < 32; kind++) {
        if (strcmp(schedule_name((schedule_kind)kind), "?") == 0)
            continue;
        bool found = false;
        for (size_t s = 0; s < COUNT(schedules); s++)
            found |= (int)schedules[s] == kind;
        if (!found)
            fail_msg("schedule %s is not covered by test_models.c", schedule_name((schedule_kind)kind));
    }
}

/* worker.c alone ------------------------------------------------------------------------------------ */

/* The static blocks are the documented ones: they tile the items, larger first, sizes differing by one. */
static void test_static_blocks(void **state)
{
    (void)state;
    for (uint64_t n = 0; n < 50; n++)
        for (int workers = 1; workers <= 9; workers++) {
            uint64_t next = 0;
            for (int w = 0; w < workers; w++) {
                uint64_t first, end;
                schedule_static_block(n, workers, w, &first, &end);
                assert_int_equal(first, next);
                assert_true(end >= first);
                for (uint64_t i = first; i < end; i++)
                    assert_int_equal(documented_worker(SCHEDULE_STATIC, i, n, workers), w);
                next = end;
            }
            assert_int_equal(next, n);
        }
}

/* The shared counter: dynamic hands out one item at a time, guided ceil(remaining / 2W) (at least one),
 * both in order, covering [0, n) and then nothing. */
static void test_counter_batches(void **state)
{
    (void)state;
    const uint64_t counts[] = {0, 1, 5, 64, MAX_ITEMS};
    for (size_t s = 0; s < 2; s++)
        for (size_t w = 0; w < COUNT(worker_counts); w++)
            for (size_t c = 0; c < COUNT(counts); c++) {
                job j = {.n_items = counts[c], .schedule = s == 0 ? SCHEDULE_DYNAMIC : SCHEDULE_GUIDED};
                uint64_t workers = (uint64_t)worker_counts[w];
                _Atomic uint64_t next = 0;
                atomic_counter_ctx ctx = {&j, worker_counts[w], &next};
                uint64_t covered = 0, first, count;
                while (atomic_counter_take(&ctx, &first, &count)) {
                    uint64_t remaining = j.n_items - covered;
                    uint64_t guided = remaining / (2 * workers) + (remaining % (2 * workers) != 0);
                    assert_int_equal(schedule_guided_grab(remaining, worker_counts[w]), guided);
                    assert_int_equal(first, covered);
                    assert_int_equal(count, j.schedule == SCHEDULE_DYNAMIC ? 1 : guided);
                    covered += count;
                    assert_true(covered <= j.n_items);
                }
                assert_int_equal(covered, j.n_items);
                assert_false(atomic_counter_take(&ctx, &first, &count));
            }
    assert_int_equal(schedule_guided_grab(0, 3), 1);
}

static int barrier_calls, between_calls;
static void count_barrier(void *ctx)
{
    (void)ctx;
    barrier_calls++;
}
static void count_between(void *ctx)
{
    (void)ctx;
    between_calls++;
}

/* worker_run_schedule for each worker in turn on this thread, one partial and one sparse log per worker:
 * each item once with its trace record, the documented owner, the batch schedule's barrier once a round
 * and the between_items hook once an item; then merge_pair's tree gives the serial answer. */
static void test_run_schedule_on_one_thread(void **state)
{
    (void)state;
    for (size_t s = 0; s < COUNT(schedules); s++)
        for (size_t w = 0; w < COUNT(worker_counts); w++)
            for (size_t c = 0; c < COUNT(item_counts); c++) {
                int workers = worker_counts[w];
                uint64_t n = item_counts[c];
                job j = driver_job(schedules[s], workers, n);
                char what[128];
                snprintf(what, sizeof what, "worker_run_schedule, %s, %d workers, %llu items",
                         schedule_name(j.schedule), workers, (unsigned long long)n);
                void **parts = partials_new(&j, workers);
                _Atomic uint64_t next = 0;
                atomic_counter_ctx counter = {&j, workers, &next};
                worker_sync sync = {atomic_counter_take, &counter, count_barrier, NULL, count_between, NULL};
                uint64_t total = 0;
                for (int id = 0; id < workers; id++) {
                    trace_log log = {.sparse = true};
                    barrier_calls = between_calls = 0;
                    worker_run_schedule(&j, workers, id, &sync, parts[id], &log, 5, id, 0.0);
                    const fake_partial *mine = parts[id];
                    assert_int_equal(log.count, mine->items);
                    for (uint64_t k = 0; k < log.count; k++) {
                        const trace_item *t = &log.items[k];
                        assert_int_equal(t->rank, 5);
                        assert_int_equal(t->thread, id);
                        assert_int_equal(mine->runs[t->index], 1);
                        int want = documented_worker(j.schedule, t->index, n, workers);
                        if (want >= 0 && want != id)
                            fail_msg("%s: item %llu ran on worker %d, the schedule gives it to worker %d", what,
                                     (unsigned long long)t->index, id, want);
                    }
                    int rounds = j.schedule == SCHEDULE_BATCH ? (int)schedule_batch_rounds(n, workers) : 0;
                    assert_int_equal(barrier_calls, rounds);
                    bool counted = j.schedule == SCHEDULE_DYNAMIC || j.schedule == SCHEDULE_GUIDED;
                    assert_int_equal(between_calls, counted ? (int)mine->items : 0);
                    total += mine->items;
                    free(log.items);
                }
                assert_int_equal(total, n);
                for (int stride = 1; stride < workers; stride *= 2)
                    for (int k = 0; k + stride < workers; k += 2 * stride) {
                        merge_pair(&j, parts[k], parts[k + stride]);
                        assert_int_equal(((fake_partial *)parts[k + stride])->items, 0); /* left empty */
                    }
                check_each_item_once(what, parts[0], n);
                fake_partial answer;
                serial_answer(&j, &answer);
                assert_memory_equal(parts[0], &answer, sizeof answer); /* one thread: runner too */
                partials_free(&j, parts, workers);
            }
}

/* A dense log's slot is the item's own; a sparse one appends, growing past its first 64 records. */
static void test_trace_slots(void **state)
{
    (void)state;
    trace_item items[10];
    trace_log dense = trace_log_dense(items);
    assert_ptr_equal(trace_slot(&dense, 7), &items[7]);
    trace_log sparse = {.sparse = true};
    for (uint64_t k = 0; k < 200; k++)
        trace_slot(&sparse, 1000 - k)->index = 1000 - k;
    assert_int_equal(sparse.count, 200);
    assert_true(sparse.cap >= 200);
    for (uint64_t k = 0; k < 200; k++)
        assert_int_equal(sparse.items[k].index, 1000 - k);
    free(sparse.items);
}

/* worker_run_item fills the item's record; partial_move hands a partial over and leaves the source empty;
 * run_stats_prepare sizes the trace and the hosts. */
static void test_item_record_and_partials(void **state)
{
    (void)state;
    job j = driver_job(SCHEDULE_STATIC, 1, 5);
    void **parts = partials_new(&j, 2);
    trace_item rec = {0};
    worker_run_item(&j, 0, parts[0], &rec, 3, 4, 0.0);
    assert_int_equal(rec.index, 0);
    assert_int_equal(rec.rank, 3);
    assert_int_equal(rec.thread, 4);
    assert_true(rec.stop >= rec.start && rec.start > 0);
    const fake_partial *first = parts[0];
    assert_int_equal(first->numbers, CHUNK); /* items count from the range's start (job.h) */
    partial_move(&j, parts[1], parts[0]);
    assert_int_equal(((fake_partial *)parts[1])->runs[0], 1);
    assert_int_equal(first->items, 0);
    partials_free(&j, parts, 2);

    run_stats stats = {0};
    run_stats_prepare(&j, &stats, 2, 3);
    assert_int_equal(stats.ranks, 2);
    assert_int_equal(stats.threads, 3);
    assert_int_equal(stats.n_items, 5);
    assert_non_null(stats.items);
    assert_int_equal(stats.items[4].index, 0); /* zeroed */
    assert_true(stats.hosts[0][0] != '\0');
    free(stats.items);
    free(stats.hosts);
}

int main(int argc, char **argv)
{
    (void)argc;
    /* libgomp's idle threads spin before they sleep, and on a loaded machine the 500 rounds of omp batch
     * over 1000 items then take seconds rather than milliseconds; libgomp reads its wait policy when it is
     * loaded, so it is set here and the test started again (a policy already set is kept). */
    if (!getenv("OMP_WAIT_POLICY") && setenv("OMP_WAIT_POLICY", "passive", 1) == 0)
        execv("/proc/self/exe", argv); /* on failure: carry on, only slower */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_static_blocks),
        cmocka_unit_test(test_counter_batches),
        cmocka_unit_test(test_trace_slots),
        cmocka_unit_test(test_item_record_and_partials),
        cmocka_unit_test(test_run_schedule_on_one_thread),
        cmocka_unit_test(test_serial),
        cmocka_unit_test(test_omp),
        cmocka_unit_test(test_pthreads),
        cmocka_unit_test(test_fork),
        cmocka_unit_test(test_events),
        cmocka_unit_test(test_every_model_and_schedule_is_covered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
