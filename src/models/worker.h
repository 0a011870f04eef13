/* worker.h: what every model does the same way: run and time one item, split items by schedule, merge
 * partials as a tree, and set up the run's statistics. */
#ifndef PRIMES_WORKER_H
#define PRIMES_WORKER_H

#include <stdatomic.h>

#include "models/model.h"

/* Where a worker records the items it runs. Dense: one record per item of the job, at the item's index
 * (every shared-memory model, and MPI's rank 0, which reports them all). Sparse: only the items this
 * process ran, in the order run, for a process that sends its records to the one that reports (the other
 * MPI ranks, fork's workers), so its memory follows its own items, not the job's. A sparse log has one
 * writer. */
typedef struct trace_log {
    trace_item *items;
    uint64_t count, cap;       /* sparse: records held and room */
    bool sparse;
} trace_log;

static inline trace_log trace_log_dense(trace_item *items)
{
    return (trace_log){.items = items};
}
/* The record for item `index`: its slot (dense) or a new one at the end (sparse, grown as needed). */
trace_item *trace_slot(trace_log *log, uint64_t index);

/* Runs item `index` into `partial` and records it in rec (times relative to t0). */
void worker_run_item(const job *j, uint64_t index, void *partial, trace_item *rec, int rank, int thread,
                     double t0);

/* Items [*first, *end) of worker w of `workers` under the static schedule (contiguous, sizes differ by at
 * most one, larger blocks first). */
void schedule_static_block(uint64_t n_items, int workers, int w, uint64_t *first, uint64_t *end);

/* How many items a worker takes at once under the guided schedule, with `remaining` items left. */
uint64_t schedule_guided_grab(uint64_t remaining, int workers);

/* Hands out the next batch of items [*first, *first + *count) to a dynamic or guided worker; false when
 * none is left. Models supply one over their shared counter (atomic, shared memory, MPI window). */
typedef bool (*take_batch_fn)(void *ctx, uint64_t *first, uint64_t *count);

/* Waits until every worker has finished the current round (the batch schedule); models supply one. */
typedef void (*round_barrier_fn)(void *ctx);

/* How a worker meets the others: the shared counter (dynamic, guided) and the round barrier (batch). */
typedef struct worker_sync {
    take_batch_fn take;
    void *take_ctx;
    round_barrier_fn barrier;
    void *barrier_ctx;
    void (*between_items)(void *ctx);   /* optional: called after each dynamic or guided item */
    void *between_ctx;
} worker_sync;

/* Runs every item that worker `id` of `workers` gets under the job's schedule, into partial, recording
 * each item in trace as (rank, thread). */
void worker_run_schedule(const job *j, int workers, int id, const worker_sync *sync, void *partial,
                         trace_log *trace, int rank, int thread, double t0);

/* Rounds of the batch schedule for n items on `workers` workers. */
uint64_t schedule_batch_rounds(uint64_t n_items, int workers);

/* A take_batch_fn over a counter in (possibly process-shared) memory. */
typedef struct atomic_counter_ctx {
    const job *j;
    int workers;
    _Atomic uint64_t *next;
} atomic_counter_ctx;
bool atomic_counter_take(void *ctx, uint64_t *first, uint64_t *count);

/* Merges `from` into `into` and leaves `from` released and init'ed again (empty). */
void merge_pair(const job *j, void *into, void *from);

/* The kernel's settle on one worker's partial, when the kernel has one (each worker calls it on its own
 * partial after its last item, all at once: the combining work a merge would otherwise do alone). */
void worker_settle(const job *j, void *partial);

/* The end of a run on one worker (serial, events): settles and completes its partial, timing the two as
 * stats->settle_s and stats->merge_s. */
void single_worker_finish(const job *j, void *partial, run_stats *stats);

/* Into how many parts, at most `helpers`, the merge of `from` into `into` splits (1: merge it whole). */
unsigned merge_split_count(const job *j, const void *into, const void *from, unsigned helpers);

/* After the parts outs[0..parts) are computed (kernel merge_part, on any workers): joins them into `into`
 * and leaves `from` empty and init'ed (the outs stay the caller's to free). */
void merge_split_finish(const job *j, void *into, void *from, void **outs, unsigned parts);

/* Moves the state of src into dst (dst's old state released), leaving src empty and init'ed. */
void partial_move(const job *j, void *dst, void *src);

/* Allocates count partials of the job's kernel, each init'ed; freed with partials_free. */
void **partials_new(const job *j, int count);
void partials_free(const job *j, void **partials, int count);

/* Sets ranks and threads and allocates the trace (n_items records) and `ranks` host names. */
void run_stats_prepare(const job *j, run_stats *stats, int ranks, int threads);

#endif
