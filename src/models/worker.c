/* worker.c: the pieces every model shares (item timing, schedule arithmetic, tree merges, partials). */
#include "models/worker.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "timer.h"
#include "xalloc.h"

trace_item *trace_slot(trace_log *log, uint64_t index)
{
    if (!log->sparse)
        return &log->items[index];
    if (log->count == log->cap) {
        log->cap = log->cap ? 2 * log->cap : 64;
        log->items = xrealloc(log->items, log->cap * sizeof *log->items, "trace records");
    }
    return &log->items[log->count++];
}

void worker_run_item(const job *j, uint64_t index, void *partial, trace_item *rec, int rank, int thread,
                     double t0)
{
    work_item item;
    job_item(j, index, &item);
    double start = timer_now();
    j->kernel->run_item(j, &item, partial);
    double stop = timer_now();
    progress_item_done();
    rec->index = index;
    rec->rank = rank;
    rec->thread = thread;
    rec->start = start - t0;
    rec->stop = stop - t0;
}

void schedule_static_block(uint64_t n_items, int workers, int w, uint64_t *first, uint64_t *end)
{
    uint64_t base = n_items / (uint64_t)workers, extra = n_items % (uint64_t)workers;
    uint64_t wu = (uint64_t)w;
    *first = wu * base + (wu < extra ? wu : extra);
    *end = *first + base + (wu < extra ? 1 : 0);
}

uint64_t schedule_guided_grab(uint64_t remaining, int workers)
{
    uint64_t grab = (remaining + 2 * (uint64_t)workers - 1) / (2 * (uint64_t)workers);
    return grab ? grab : 1;
}

uint64_t schedule_batch_rounds(uint64_t n_items, int workers)
{
    return (n_items + (uint64_t)workers - 1) / (uint64_t)workers;
}

void worker_run_schedule(const job *j, int workers, int id, const worker_sync *sync, void *partial,
                         trace_log *trace, int rank, int thread, double t0)
{
    switch (j->schedule) {
    case SCHEDULE_STATIC: {
        uint64_t first, end;
        schedule_static_block(j->n_items, workers, id, &first, &end);
        for (uint64_t i = first; i < end; i++)
            worker_run_item(j, i, partial, trace_slot(trace, i), rank, thread, t0);
        break;
    }
    case SCHEDULE_CYCLIC:
        for (uint64_t i = (uint64_t)id; i < j->n_items; i += (uint64_t)workers)
            worker_run_item(j, i, partial, trace_slot(trace, i), rank, thread, t0);
        break;
    case SCHEDULE_DYNAMIC:
    case SCHEDULE_GUIDED: {
        uint64_t first, count;
        while (sync->take(sync->take_ctx, &first, &count))
            for (uint64_t i = first; i < first + count; i++) {
                worker_run_item(j, i, partial, trace_slot(trace, i), rank, thread, t0);
                if (sync->between_items)
                    sync->between_items(sync->between_ctx);
            }
        break;
    }
    case SCHEDULE_BATCH:
        for (uint64_t round = 0; round < schedule_batch_rounds(j->n_items, workers); round++) {
            uint64_t i = round * (uint64_t)workers + (uint64_t)id;
            if (i < j->n_items)
                worker_run_item(j, i, partial, trace_slot(trace, i), rank, thread, t0);
            sync->barrier(sync->barrier_ctx);
        }
        break;
    }
}

bool atomic_counter_take(void *ctx, uint64_t *first, uint64_t *count)
{
    atomic_counter_ctx *c = ctx;
    uint64_t n = c->j->n_items;
    if (c->j->schedule == SCHEDULE_DYNAMIC) {
        *first = atomic_fetch_add(c->next, 1);
        *count = 1;
        return *first < n;
    }
    uint64_t seen = atomic_load(c->next);
    for (;;) {
        if (seen >= n)
            return false;
        uint64_t grab = schedule_guided_grab(n - seen, c->workers);
        if (atomic_compare_exchange_weak(c->next, &seen, seen + grab)) {
            *first = seen;
            *count = grab;
            return true;
        }
    }
}

void merge_pair(const job *j, void *into, void *from)
{
    j->kernel->merge(j, into, from);
    kernel_release(j, from);
    j->kernel->init(j, from);
}

void worker_settle(const job *j, void *partial)
{
    if (j->kernel->split && j->kernel->split->settle)
        j->kernel->split->settle(j, partial);
}

void single_worker_finish(const job *j, void *partial, run_stats *stats)
{
    double settle_start = timer_now();
    worker_settle(j, partial);
    double merge_start = timer_now();
    stats->settle_s = merge_start - settle_start;
    kernel_complete(j, partial);
    stats->merge_s = timer_now() - merge_start;
}

unsigned merge_split_count(const job *j, const void *into, const void *from, unsigned helpers)
{
    if (!j->kernel->split || helpers < 2)
        return 1;
    unsigned parts = j->kernel->split->parts(j, into, from);
    return parts < helpers ? parts : helpers;
}

void merge_split_finish(const job *j, void *into, void *from, void **outs, unsigned parts)
{
    j->kernel->split->join(j, into, from, outs, parts);
    kernel_release(j, from);
    j->kernel->init(j, from);
}

void partial_move(const job *j, void *dst, void *src)
{
    kernel_release(j, dst);
    memcpy(dst, src, j->kernel->partial_size);
    j->kernel->init(j, src);
}

void **partials_new(const job *j, int count)
{
    void **partials = xcalloc((size_t)count, sizeof *partials, "partials");
    for (int i = 0; i < count; i++) {
        partials[i] = xcalloc(1, j->kernel->partial_size, "partial result");
        j->kernel->init(j, partials[i]);
    }
    return partials;
}

void partials_free(const job *j, void **partials, int count)
{
    for (int i = 0; i < count; i++) {
        kernel_release(j, partials[i]);
        free(partials[i]);
    }
    free(partials);
}

void run_stats_prepare(const job *j, run_stats *stats, int ranks, int threads)
{
    stats->ranks = ranks;
    stats->threads = threads;
    stats->n_items = j->n_items;
    stats->items = xcalloc(j->n_items ? j->n_items : 1, sizeof *stats->items, "trace");
    stats->hosts = xcalloc((size_t)ranks, sizeof *stats->hosts, "host names");
    gethostname(stats->hosts[0], sizeof stats->hosts[0] - 1);
}
