/* openmp.c: the `omp` model: OpenMP worksharing over the work items with the schedule honoured through
 * OpenMP's own runtime schedule (omp_set_schedule + schedule(runtime)), one partial per thread, and a
 * tree merge whose pairs at each level run on different threads. */
#include "models/openmp.h"

#include <omp.h>

#include <sched.h>
#include <stdlib.h>

#include "timer.h"
#include "xalloc.h"
#include "models/worker.h"

static void set_runtime_schedule(schedule_kind kind)
{
    switch (kind) {
    case SCHEDULE_STATIC: omp_set_schedule(omp_sched_static, 0); break;
    case SCHEDULE_CYCLIC: omp_set_schedule(omp_sched_static, 1); break;
    case SCHEDULE_DYNAMIC: omp_set_schedule(omp_sched_dynamic, 1); break;
    case SCHEDULE_GUIDED: omp_set_schedule(omp_sched_guided, 1); break;
    case SCHEDULE_BATCH: omp_set_schedule(omp_sched_static, 1); break; /* within one round */
    }
}

int openmp_run_items(const job *j, item_progression items, int threads, void **parts, trace_log *logs, int rank,
                     double t0)
{
    int team = 1;
    omp_set_dynamic(0);
    set_runtime_schedule(j->schedule);
#pragma omp parallel num_threads(threads)
    {
        int t = omp_get_thread_num();
#pragma omp single
        team = omp_get_num_threads();
        /* batch: rounds of one item per thread, the loop's implicit barrier ending each round */
        uint64_t round = j->schedule == SCHEDULE_BATCH ? (uint64_t)team : items.count;
        for (uint64_t start = 0; start < items.count; start += round) {
            uint64_t end = items.count - start < round ? items.count : start + round;
#pragma omp for schedule(runtime)
            for (uint64_t k = start; k < end; k++) {
                uint64_t index = items.first + k * items.stride;
                worker_run_item(j, index, parts[t], trace_slot(&logs[t], index), rank, t, t0);
            }
        }
    }
    return team;
}

/* The arrived batches of openmp_run_batches, a ring of at most `slots` (one per thread, and two more:
 * the master adds a batch only while fewer items than threads are held). Guarded by one critical
 * section. */
typedef struct batch_pool {
    uint64_t *first, *count;
    int slots, head, used;
    uint64_t items;
    bool ended;              /* the source has no more batches */
} batch_pool;

static bool pool_pop(batch_pool *p, uint64_t *index)
{
    if (p->used == 0)
        return false;
    *index = p->first[p->head]++;
    p->items--;
    if (--p->count[p->head] == 0) {
        p->head = (p->head + 1) % p->slots;
        p->used--;
    }
    return true;
}

/* The master thread: asks the source for batches until the pool holds an item per thread, waiting for
 * one only when the pool is empty (wait). */
static void pool_top_up(const batch_source *src, batch_pool *p, int threads, bool wait)
{
    for (;;) {
        bool need, empty;
#pragma omp critical(primes_batch_pool)
        {
            need = !p->ended && p->items < (uint64_t)threads && p->used < p->slots;
            empty = p->items == 0;
        }
        if (!need)
            return;
        uint64_t first = 0, count = 0;
        int got = src->next(src->ctx, wait && empty, &first, &count);
#pragma omp critical(primes_batch_pool)
        {
            if (got > 0 && count > 0) {
                int slot = (p->head + p->used) % p->slots;
                p->first[slot] = first;
                p->count[slot] = count;
                p->used++;
                p->items += count;
            } else if (got < 0) {
                p->ended = true;
            }
        }
        if (got == 0)
            return;
    }
}

void openmp_run_batches(const job *j, const batch_source *src, int threads, void **parts, trace_log *logs,
                        int rank, double t0)
{
    batch_pool pool = {.slots = threads + 2};
    pool.first = xcalloc((size_t)pool.slots, sizeof *pool.first, "batch pool");
    pool.count = xcalloc((size_t)pool.slots, sizeof *pool.count, "batch pool");
    omp_set_dynamic(0);
#pragma omp parallel num_threads(threads)
    {
        int t = omp_get_thread_num();
        for (;;) {
            uint64_t index = 0;
            bool got, ended;
#pragma omp critical(primes_batch_pool)
            {
                got = pool_pop(&pool, &index);
                ended = !got && pool.ended;
            }
            if (got) {
                worker_run_item(j, index, parts[t], trace_slot(&logs[t], index), rank, t, t0);
                if (t == 0) {
                    if (src->between_items)
                        src->between_items(src->ctx);
                    pool_top_up(src, &pool, threads, false);
                }
            } else if (ended) {
                break;
            } else if (t == 0) {
                pool_top_up(src, &pool, threads, true);
            } else {
                sched_yield(); /* the master is asking for the next batch */
            }
        }
    }
    free(pool.first);
    free(pool.count);
}

void openmp_settle(const job *j, void **parts, int count)
{
#pragma omp parallel for schedule(static, 1) num_threads(count)
    for (int t = 0; t < count; t++)
        worker_settle(j, parts[t]);
}

void openmp_merge_tree(const job *j, void **parts, int count)
{
    unsigned *split = xcalloc((size_t)count, sizeof *split, "merge plan");
    void ***outs = xcalloc((size_t)count, sizeof *outs, "merge parts");
    int *task_pair = xcalloc((size_t)count, sizeof *task_pair, "merge tasks");
    int *task_part = xcalloc((size_t)count, sizeof *task_part, "merge tasks");
    for (int stride = 1; stride < count; stride *= 2) {
        int pairs = (count - stride + 2 * stride - 1) / (2 * stride);
        /* the threads idle at this level help split their pair's merge (the product's last multiplications):
         * at most count / pairs parts per pair, so there are never more tasks than threads */
        unsigned helpers = (unsigned)(count / pairs);
        int tasks = 0;
        for (int p = 0; p < pairs; p++) {
            int into = p * 2 * stride;
            split[p] = merge_split_count(j, parts[into], parts[into + stride], helpers);
            outs[p] = split[p] > 1 ? partials_new(j, (int)split[p]) : NULL;
            for (unsigned k = 0; k < split[p]; k++) {
                task_pair[tasks] = p;
                task_part[tasks++] = (int)k;
            }
        }
#pragma omp parallel for schedule(static, 1) num_threads(tasks)
        for (int t = 0; t < tasks; t++) {
            int p = task_pair[t], into = p * 2 * stride;
            if (split[p] > 1)
                j->kernel->split->part(j, parts[into], parts[into + stride], (unsigned)task_part[t], split[p],
                                      outs[p][task_part[t]]);
            else
                merge_pair(j, parts[into], parts[into + stride]);
        }
        for (int p = 0; p < pairs; p++)
            if (split[p] > 1) {
                int into = p * 2 * stride;
                merge_split_finish(j, parts[into], parts[into + stride], outs[p], split[p]);
                partials_free(j, outs[p], (int)split[p]);
            }
    }
    free(split);
    free(outs);
    free(task_pair);
    free(task_part);
}

static int omp_model_run(const job *j, const model_options *opt, void *partial, run_stats *stats)
{
    int threads = opt->threads;
    run_stats_prepare(j, stats, 1, threads);
    void **parts = partials_new(j, threads);
    double t0 = timer_now();
    item_progression all = {0, 1, j->n_items};
    trace_log *logs = xcalloc((size_t)threads, sizeof *logs, "trace logs");
    for (int t = 0; t < threads; t++)
        logs[t] = trace_log_dense(stats->items);
    int team = openmp_run_items(j, all, threads, parts, logs, 0, t0);
    free(logs);
    double settle_start = timer_now();
    openmp_settle(j, parts, team);
    double merge_start = timer_now();
    stats->settle_s = merge_start - settle_start;
    openmp_merge_tree(j, parts, team);
    kernel_complete(j, parts[0]);
    stats->merge_s = timer_now() - merge_start;
    stats->threads = team;
    partial_move(j, partial, parts[0]);
    partials_free(j, parts, threads);
    return 0;
}

const model model_omp = {
    .name = "omp",
    .summary = "OpenMP threads sharing the items (schedule(runtime) set from --schedule)",
    .uses_mpi = false,
    .default_for = MODEL_DEFAULT_THREADS,
    .unsimulated = "SMPI charges only the calling thread's CPU time, so the other threads' work would "
                   "cost nothing",
    .run = omp_model_run,
};
