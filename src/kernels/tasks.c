/* tasks.c: the `tasks` kernel, the tutorials' experiments as lists of independent tasks of different sizes
 * (--workload): prime products by naive division, counting and summing loops, file writers, waits, and a
 * mix of them. One work item is one task. Each task leaves a few words in its own slot of the partial
 * (summed across workers), and finish checks every task against an independent value: products against
 * GMP's primorial, loops against their closed forms, files by size and a sample of lines read back, waits
 * by their measured length, the sieve's count against pi(x) by Lagarias-Miller-Odlyzko. --scale
 * multiplies every size (limits, iterations, lines, seconds); 1 is the tutorials' own. */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/counting.h"
#include "kernels/gmp_fingerprint.h"
#include "kernels/kernel.h"
#include "kernels/pi_exact.h"
#include "kernels/primes_each.h"
#include "kernels/product_tree.h"
#include "kernels/range_chunk.h"
#include "kernels/word_partial.h"
#include "kernels/tasks.h"
#include "xalloc.h"

#define WAIT_TOLERANCE_NS 1000   /* the events model hands waits over as doubles: 1 us of rounding */

typedef enum {
    TASK_PRODUCT,    /* the product of the primes below size, by naive division (the tutorial's is_prime) */
    TASK_COUNT,      /* count += 1, size times (the tutorial's count to 9^9) */
    TASK_SUM,        /* total += i for i below size (the tutorial's cpu_heavy) */
    TASK_WRITE,      /* size lines to a file */
    TASK_WRITE_SYNC, /* the same, fsync'ed before closing: the disk, not only the page cache */
    TASK_WAIT,       /* size seconds of waiting and nothing else */
    TASK_SIEVE       /* the primes below size, counted by the segmented sieve */
} task_kind;

static const char *const kind_names[] = {"product", "count", "sum", "file", "synced file", "wait", "sieve count"};
static const char *const kind_plurals[] = {"products", "counts", "sums", "files", "synced files", "waits",
                                           "sieve counts"};

typedef struct task_spec {
    task_kind kind;
    double size;
} task_spec;

typedef struct workload {
    const char *name;
    unsigned count;
    task_spec tasks[TASKS_MAX];
} workload;

#define NINE_POW_NINE 387420489.0   /* 9^9 */
#define EIGHT_POW_EIGHT 16777216.0  /* 8^8 */
#define BUSY_SUM 1e8                /* the timeline tutorial's cpu_heavy: range(10**8) */
#define REPEAT15(...) __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, \
    __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__

static const workload workloads[] = {
    {"products", 4, {{TASK_PRODUCT, 50328}, {TASK_PRODUCT, 22756}, {TASK_PRODUCT, 39371}, {TASK_PRODUCT, 44832}}},
    {"counting", 4, {{TASK_COUNT, NINE_POW_NINE}, {TASK_COUNT, NINE_POW_NINE}, {TASK_COUNT, NINE_POW_NINE},
                     {TASK_COUNT, NINE_POW_NINE}}},
    {"files", 4, {{TASK_WRITE, EIGHT_POW_EIGHT}, {TASK_WRITE, EIGHT_POW_EIGHT}, {TASK_WRITE, EIGHT_POW_EIGHT},
                  {TASK_WRITE, EIGHT_POW_EIGHT}}},
    {"files-sync", 4, {{TASK_WRITE_SYNC, EIGHT_POW_EIGHT}, {TASK_WRITE_SYNC, EIGHT_POW_EIGHT},
                       {TASK_WRITE_SYNC, EIGHT_POW_EIGHT}, {TASK_WRITE_SYNC, EIGHT_POW_EIGHT}}},
    {"waiting", 3, {{TASK_WAIT, 1}, {TASK_WAIT, 1}, {TASK_WAIT, 1}}},
    {"calls", 2, {{TASK_WAIT, 4}, {TASK_WAIT, 3}}},
    {"idle", 15, {REPEAT15({TASK_WAIT, 2})}},
    {"busy", 15, {REPEAT15({TASK_SUM, BUSY_SUM})}},
    {"mixed", 6, {{TASK_PRODUCT, 50328}, {TASK_COUNT, NINE_POW_NINE}, {TASK_SUM, BUSY_SUM},
                  {TASK_WRITE, EIGHT_POW_EIGHT}, {TASK_WAIT, 1}, {TASK_SIEVE, 1e9}}},
};

#define WORKLOAD_NAMES "products counting files files-sync waiting calls idle busy mixed"

typedef struct tasks_partial {
    task_slot slot[TASKS_MAX];
} tasks_partial;

static const workload *workload_of(const job *j)
{
    for (size_t w = 0; w < sizeof workloads / sizeof workloads[0]; w++)
        if (j->workload && strcmp(workloads[w].name, j->workload) == 0)
            return &workloads[w];
    return &workloads[0];
}

/* A task's size at the job's scale: a whole number of items (at most 2^62), or seconds for a wait. */
static uint64_t scaled_count(const job *j, const task_spec *t)
{
    double v = nearbyint(t->size * j->scale);
    return v <= 0 ? 0 : v >= 0x1p62 ? UINT64_C(1) << 62 : (uint64_t)v;
}

static uint64_t scaled_wait_ns(const job *j, const task_spec *t)
{
    double ns = nearbyint(t->size * j->scale * 1e9);
    return ns <= 0 ? 0 : ns >= 0x1p62 ? UINT64_C(1) << 62 : (uint64_t)ns;
}

static const task_spec *task_of(const job *j, uint64_t index)
{
    const workload *w = workload_of(j);
    return &w->tasks[index < w->count ? index : 0];
}

static bool is_write(task_kind kind)
{
    return kind == TASK_WRITE || kind == TASK_WRITE_SYNC;
}

/* The number of tasks, after checking that the file system can take every file of the workload at once:
 * this is the one call every process makes before any task runs, so a run that cannot write its files
 * stops here with one line (status 3), before anything is timed or written. */
static uint64_t tasks_task_count(const job *j)
{
    const workload *w = workload_of(j);
    uint64_t bytes = 0;
    unsigned files = 0;
    for (unsigned i = 0; i < w->count; i++)
        if (is_write(w->tasks[i].kind)) {
            bytes += scaled_count(j, &w->tasks[i]) * TASKS_LINE_BYTES;
            files++;
        }
    char why[512];
    if (files > 0 && tasks_check_space(bytes, files, why, sizeof why) != 0)
        fatal_run_error(why);
    return w->count;
}

static uint64_t tasks_default_chunk(const job *j)
{
    (void)j;
    return 1;
}

/* Sleeps until now + ns on the monotonic clock and returns the nanoseconds that really passed (never
 * fewer than asked: the deadline is absolute, interruptions resume towards it). */
static uint64_t wait_ns(uint64_t ns)
{
    struct timespec start, deadline, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    deadline.tv_sec = start.tv_sec + (time_t)(ns / 1000000000u);
    deadline.tv_nsec = start.tv_nsec + (long)(ns % 1000000000u);
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) != 0)
        ;
    clock_gettime(CLOCK_MONOTONIC, &end);
    return (uint64_t)(end.tv_sec - start.tv_sec) * 1000000000u + (uint64_t)(end.tv_nsec - start.tv_nsec);
}

/* The words a product task leaves: low 64 bits, the value mod 2^61 - 1, and the bit length. */
static void product_words(const mpz_t x, uint64_t check[3])
{
    gmp_fingerprint print = gmp_fingerprint_of(x);
    check[0] = print.low64;
    check[1] = print.mod_m61;
    check[2] = print.bits;
}

static uint64_t sieve_count_below(uint64_t n)
{
    const uint64_t piece = RANGE_CHUNK_LARGEST;
    sieve_scratch *scratch = sieve_scratch_new();
    uint64_t count = 0;
    for (uint64_t lo = 0; lo < n; lo += piece)
        count += primes_count(scratch, METHOD_SIEVE, lo, n - lo < piece ? n : lo + piece);
    sieve_scratch_free(scratch);
    return count;
}

static void tasks_run_item(const job *j, const work_item *item, void *partial)
{
    task_slot *s = &((tasks_partial *)partial)->slot[item->index];
    const task_spec *t = task_of(j, item->index);
    s->done++;
    switch (t->kind) {
    case TASK_PRODUCT: {
        product_tree *tree = product_tree_new();
        primes_each(NULL, METHOD_NAIVE, 0, scaled_count(j, t), product_tree_add, tree);
        product_words(product_tree_value(tree), s->check);
        product_tree_free(tree);
        break;
    }
    case TASK_COUNT:
        s->check[0] = counting_loop(0, scaled_count(j, t));
        break;
    case TASK_SUM:
        s->check[0] = summing_loop(scaled_count(j, t));
        break;
    case TASK_WRITE:
    case TASK_WRITE_SYNC:
        tasks_write_file(item->index, scaled_count(j, t), t->kind == TASK_WRITE_SYNC, s);
        break;
    case TASK_WAIT:
        s->waited_ns += wait_ns(scaled_wait_ns(j, t));
        break;
    case TASK_SIEVE:
        s->check[0] = sieve_count_below(scaled_count(j, t));
        break;
    }
}

static double tasks_item_wait_s(const job *j, const work_item *item)
{
    const task_spec *t = task_of(j, item->index);
    return t->kind == TASK_WAIT ? (double)scaled_wait_ns(j, t) / 1e9 : 0;
}

static void tasks_item_waited(const job *j, const work_item *item, void *partial, double waited_s)
{
    (void)j;
    task_slot *s = &((tasks_partial *)partial)->slot[item->index];
    s->done++;
    s->waited_ns += waited_s > 0 ? (uint64_t)llround(waited_s * 1e9) : 0;
}

/* The independent value of a task's check words. */
static void expected_words(const job *j, const task_spec *t, uint64_t check[3])
{
    memset(check, 0, 3 * sizeof *check);
    uint64_t n = scaled_count(j, t);
    switch (t->kind) {
    case TASK_PRODUCT: {
        mpz_t primorial;
        mpz_init(primorial);
        mpz_primorial_ui(primorial, n > 0 ? (unsigned long)(n - 1) : 0);
        product_words(primorial, check);
        mpz_clear(primorial);
        break;
    }
    case TASK_COUNT:
        check[0] = n;
        break;
    case TASK_SUM:
        check[0] = (uint64_t)((unsigned __int128)n * (n ? n - 1 : 0) / 2);
        break;
    case TASK_WRITE:
    case TASK_WRITE_SYNC:
        check[0] = n * TASKS_LINE_BYTES;
        check[1] = n > 0 ? TASKS_FILE_SAMPLES : 0;
        check[2] = n;
        break;
    case TASK_WAIT:
        break;
    case TASK_SIEVE:
        check[0] = n > 0 ? pi_exact(n - 1 < PI_EXACT_MAX ? n - 1 : PI_EXACT_MAX) : 0;
        break;
    }
}

/* What was checked, for a workload whose every task passed: in full when the workload has one kind of
 * task, in short when it mixes several (the detail is one line of at most 191 characters). */
static const char *check_summary(task_kind kind, bool brief)
{
    switch (kind) {
    case TASK_PRODUCT: return brief ? "product = GMP primorial" : "equal to GMP's mpz_primorial_ui";
    case TASK_COUNT: return brief ? "count = n" : "equal to the closed form n";
    case TASK_SUM: return brief ? "sum = n(n-1)/2" : "equal to the closed form n(n-1)/2";
    case TASK_WRITE: return brief ? "file by size + 16 lines" : "checked by size and 16 lines read back";
    case TASK_WRITE_SYNC: return brief ? "synced file by size + 16 lines" : "checked by size and 16 lines read back";
    case TASK_WAIT: return brief ? "wait >= its length" : "each lasting at least its wait";
    case TASK_SIEVE: return brief ? "sieve = LMO pi(x)" : "equal to pi(x) by Lagarias-Miller-Odlyzko";
    }
    return "";
}

/* One task's verdict: true when it passed; else why, in buf. */
static bool check_task(const job *j, uint64_t i, const task_slot *s, char *buf, size_t size)
{
    const task_spec *t = task_of(j, i);
    const char *kind = kind_names[t->kind];
    if (s->done != 1) {
        snprintf(buf, size, "task %" PRIu64 " (%s) ran %" PRIu64 " times, not once", i, kind, s->done);
        return false;
    }
    if (s->error) {
        snprintf(buf, size, "task %" PRIu64 " (%s) failed: %s (its file goes under $TMPDIR, else /tmp)", i, kind,
                 strerror((int)s->error));
        return false;
    }
    if (t->kind == TASK_WAIT) {
        uint64_t want = scaled_wait_ns(j, t);
        if (s->waited_ns + WAIT_TOLERANCE_NS < want) {
            snprintf(buf, size, "task %" PRIu64 " (wait) lasted %.6f s, less than its %.6f s", i,
                     (double)s->waited_ns / 1e9, (double)want / 1e9);
            return false;
        }
        return true;
    }
    uint64_t want[3];
    expected_words(j, t, want);
    if (memcmp(want, s->check, sizeof want) == 0)
        return true;
    if (is_write(t->kind))
        snprintf(buf, size,
                 "task %" PRIu64 " (%s): %" PRIu64 " bytes (expected %" PRIu64 "), %" PRIu64 " of %" PRIu64
                 " sampled lines equal to the text",
                 i, kind, s->check[0], want[0], s->check[1], want[1]);
    else if (t->kind == TASK_PRODUCT)
        snprintf(buf, size,
                 "task %" PRIu64 " (product below %" PRIu64 "): %" PRIu64 " bits, low64 %016" PRIx64
                 "; GMP's primorial %" PRIu64 " bits, low64 %016" PRIx64,
                 i, scaled_count(j, t), s->check[2], s->check[0], want[2], want[0]);
    else
        snprintf(buf, size, "task %" PRIu64 " (%s): %" PRIu64 ", expected %" PRIu64, i, kind, s->check[0], want[0]);
    return false;
}

static void tasks_finish(const job *j, void *partial, result *r)
{
    const tasks_partial *p = partial;
    const workload *w = workload_of(j);
    memset(r, 0, sizeof *r);
    r->verify = VERIFY_EXACT;
    r->verify_ok = true;
    uint64_t longest_wait = 0;
    for (uint64_t i = 0; i < w->count; i++) {
        const task_slot *s = &p->slot[i];
        r->value += s->done;
        if (w->tasks[i].kind == TASK_WAIT && s->waited_ns > longest_wait)
            longest_wait = s->waited_ns;
        if (r->verify_ok && !check_task(j, i, s, r->verify_detail, sizeof r->verify_detail))
            r->verify_ok = false;
    }
    if (!r->verify_ok)
        return;
    /* every task passed: say what was checked, kind by kind */
    unsigned kinds = 0;
    for (int kind = TASK_PRODUCT; kind <= TASK_SIEVE; kind++)
        for (unsigned i = 0; i < w->count; i++)
            if (w->tasks[i].kind == (task_kind)kind) {
                kinds++;
                break;
            }
    char *out = r->verify_detail;
    size_t size = sizeof r->verify_detail, len = 0;
    if (kinds > 1)
        len += (size_t)snprintf(out, size, "%u tasks each checked: ", w->count);
    for (int kind = TASK_PRODUCT; kind <= TASK_SIEVE && len < size; kind++) {
        unsigned count = 0;
        for (unsigned i = 0; i < w->count; i++)
            count += w->tasks[i].kind == (task_kind)kind;
        if (count == 0)
            continue;
        if (kinds > 1)
            len += (size_t)snprintf(out + len, size - len, "%s%s", out[len - 2] == ':' ? "" : ", ",
                                    check_summary((task_kind)kind, true));
        else
            len += (size_t)snprintf(out + len, size - len, "%u %s %s", count,
                                    count > 1 ? kind_plurals[kind] : kind_names[kind],
                                    check_summary((task_kind)kind, false));
        if (kind == TASK_WAIT && len < size)
            len += (size_t)snprintf(out + len, size - len, " (longest %.3f s)", (double)longest_wait / 1e9);
    }
}

static const kernel_task_list tasks_of_tutorials = {
    .count = tasks_task_count,
    .workloads = WORKLOAD_NAMES,
    .default_workload = "products",
    .item_wait_s = tasks_item_wait_s,
    .item_waited = tasks_item_waited,
};

/* every member of a task slot is a word added when partials merge */
static_assert(sizeof(tasks_partial) % sizeof(uint64_t) == 0, "a tasks partial is whole words");

const kernel kernel_tasks = {
    .name = "tasks",
    .summary = "the tutorials' workloads: lists of independent tasks (--workload, --scale)",
    .unit = "tasks done",
    .unit_one = "task done",
    .partial_size = sizeof(tasks_partial),
    .sum_words = sizeof(tasks_partial) / sizeof(uint64_t),
    .default_chunk = tasks_default_chunk,
    .init = word_partial_init,
    .run_item = tasks_run_item,
    .merge = word_partial_merge,
    .pack = word_partial_pack,
    .unpack = word_partial_unpack,
    .finish = tasks_finish,
    .tasks = &tasks_of_tutorials,
};
