/* test_models.c: worker.c and every single-process model (serial, omp, pthreads, fork, events) over a
 * tiny fake kernel that records which items ran and where: for every schedule, several worker counts and
 * item counts, every item runs exactly once with its own bounds, the merged partial equals the serial
 * answer, and the static and cyclic schedules give each worker the items they promise. The record lives
 * in a shared anonymous mapping so that fork's worker processes write to it too. The MPI models are
 * covered the same way under mpirun by tests/mpi/mpi.bats (every schedule, exact counts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "job.h"
#include "kernels/kernel.h"
#include "kernels/word_partial.h"
#include "models/model.h"
#include "models/worker.h"

#define MAX_ITEMS 1000u
#define CHUNK 10u

/* What the fake kernel writes for every item it runs, visible across fork. */
typedef struct item_record {
    _Atomic uint32_t runs;
    _Atomic uint32_t bad_bounds;
} item_record;
static item_record *records;

/* The partial: words added together, so every model merges, packs and reduces it like count's. */
typedef struct fake_partial {
    uint64_t items, index_sum, index_square_sum, mixed_sum;
} fake_partial;

static uint64_t mix(uint64_t x) /* a splitmix64 step: a lost and a doubled item cannot cancel out */
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

static void fake_run_item(const job *j, const work_item *item, void *partial)
{
    work_item expected;
    job_item(j, item->index, &expected);
    if (item->index >= MAX_ITEMS)
        return;
    records[item->index].runs++;
    if (expected.lo != item->lo || expected.hi != item->hi)
        records[item->index].bad_bounds++;
    fake_partial *p = partial;
    p->items++;
    p->index_sum += item->index;
    p->index_square_sum += item->index * item->index;
    p->mixed_sum += mix(item->index);
}

static void fake_finish(const job *j, void *partial, result *r)
{
    (void)j;
    memset(r, 0, sizeof *r);
    r->value = ((fake_partial *)partial)->items;
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
    .summary = "records which items ran where",
    .default_n = 100,
    .unit = "items",
    .unit_one = "item",
    .work = fake_work,
    .partial_size = sizeof(fake_partial),
    .sum_words = 4,
    .default_chunk = fake_chunk,
    .init = word_partial_init,
    .run_item = fake_run_item,
    .merge = word_partial_merge,
    .pack = word_partial_pack,
    .unpack = word_partial_unpack,
    .finish = fake_finish,
};

static int setup_records(void **state)
{
    (void)state;
    records = mmap(NULL, MAX_ITEMS * sizeof *records, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return records == MAP_FAILED ? -1 : 0;
}

static int teardown_records(void **state)
{
    (void)state;
    return munmap(records, MAX_ITEMS * sizeof *records);
}

static const schedule_kind schedules[] = {SCHEDULE_STATIC, SCHEDULE_CYCLIC, SCHEDULE_DYNAMIC, SCHEDULE_GUIDED,
                                          SCHEDULE_BATCH};
static const int worker_counts[] = {1, 2, 3, 7};
static const uint64_t item_counts[] = {1, 5, 64, MAX_ITEMS};

/* One run of the model: every item once, the right bounds, the serial answer, the promised workers. */
static void check_run(const model *m, schedule_kind schedule, int threads, uint64_t items)
{
    job j = {.kernel = &fake_kernel, .from = 0, .n = items * CHUNK, .schedule = schedule, .plan_workers = 1};
    job_set_chunk(&j, CHUNK);
    assert_int_equal(j.n_items, items);
    memset(records, 0, MAX_ITEMS * sizeof *records);
    fake_partial partial;
    fake_kernel.init(&j, &partial);
    model_options opt = {.threads = threads};
    run_stats stats = {0};
    int failed = m->run(&j, &opt, &partial, &stats);
    if (failed)
        fail_msg("%s, %s, %d workers, %llu items: %s", m->name, schedule_name(schedule), threads,
                 (unsigned long long)items, stats.error);

    fake_partial serial = {0};
    for (uint64_t i = 0; i < items; i++) {
        if (records[i].runs != 1 || records[i].bad_bounds != 0)
            fail_msg("%s, %s, %d workers, %llu items: item %llu ran %u times (%u with wrong bounds)", m->name,
                     schedule_name(schedule), threads, (unsigned long long)items, (unsigned long long)i,
                     (unsigned)records[i].runs, (unsigned)records[i].bad_bounds);
        serial.items++;
        serial.index_sum += i;
        serial.index_square_sum += i * i;
        serial.mixed_sum += mix(i);
    }
    assert_memory_equal(&partial, &serial, sizeof serial);

    /* who ran what: the trace has every item at its index, on a worker of the run */
    int workers = stats.ranks * stats.threads;
    assert_true(workers >= 1);
    assert_non_null(stats.items);
    assert_int_equal(stats.n_items, items);
    for (uint64_t i = 0; i < items; i++) {
        const trace_item *t = &stats.items[i];
        assert_int_equal(t->index, i);
        assert_int_equal(t->rank, 0);
        assert_in_range(t->thread, 0, workers - 1);
        assert_true(t->stop >= t->start);
        if (schedule == SCHEDULE_CYCLIC)
            assert_int_equal(t->thread, (int)(i % (uint64_t)workers));
    }
    if (schedule == SCHEDULE_STATIC)
        for (int w = 0; w < workers; w++) {
            uint64_t first, end;
            schedule_static_block(items, workers, w, &first, &end);
            for (uint64_t i = first; i < end; i++)
                if (stats.items[i].thread != w)
                    fail_msg("%s, static, %d workers: item %llu ran on worker %d, its block is worker %d's",
                             m->name, workers, (unsigned long long)i, stats.items[i].thread, w);
        }
    free(stats.items);
    free(stats.hosts);
}

static void check_model(const char *name)
{
    const model *m = model_find(name);
    assert_non_null(m);
    for (size_t s = 0; s < sizeof schedules / sizeof schedules[0]; s++)
        for (size_t w = 0; w < sizeof worker_counts / sizeof worker_counts[0]; w++)
            for (size_t n = 0; n < sizeof item_counts / sizeof item_counts[0]; n++)
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

/* Every single-process model the registry lists is one of the tests above. */
static void test_every_model_is_covered(void **state)
{
    (void)state;
    static const char *const covered[] = {"serial", "omp", "pthreads", "fork", "events"};
    for (const model *const *m = model_list(); *m; m++) {
        if ((*m)->uses_mpi)
            continue;
        bool found = false;
        for (size_t i = 0; i < sizeof covered / sizeof covered[0]; i++)
            found |= strcmp((*m)->name, covered[i]) == 0;
        if (!found)
            fail_msg("model %s is not covered by test_models.c: add it to the tests", (*m)->name);
    }
}

/* The static blocks tile the items, larger first, sizes differing by at most one. */
static void test_static_blocks(void **state)
{
    (void)state;
    for (uint64_t n = 0; n < 50; n++)
        for (int workers = 1; workers <= 9; workers++) {
            uint64_t next = 0, largest = 0, smallest = UINT64_MAX, previous = UINT64_MAX;
            for (int w = 0; w < workers; w++) {
                uint64_t first, end;
                schedule_static_block(n, workers, w, &first, &end);
                assert_int_equal(first, next);
                assert_true(end >= first);
                uint64_t size = end - first;
                assert_true(size <= previous);
                previous = size;
                largest = size > largest ? size : largest;
                smallest = size < smallest ? size : smallest;
                next = end;
            }
            assert_int_equal(next, n);
            assert_true(largest - smallest <= 1);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_static_blocks), cmocka_unit_test(test_serial),   cmocka_unit_test(test_omp),
        cmocka_unit_test(test_pthreads),      cmocka_unit_test(test_fork),     cmocka_unit_test(test_events),
        cmocka_unit_test(test_every_model_is_covered),
    };
    return cmocka_run_group_tests(tests, setup_records, teardown_records);
}
