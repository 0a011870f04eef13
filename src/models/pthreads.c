/* pthreads.c: the `pthreads` model: a pool of POSIX threads (the caller is worker 0) taking items by
 * schedule (static blocks, cyclic, or a shared atomic counter for dynamic and guided), one partial per
 * thread (batch: rounds ended by a barrier), and a tree merge done by the threads themselves between
 * barriers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timer.h"
#include "xalloc.h"
#include "models/model.h"
#include "models/worker.h"

typedef struct pool {
    const job *j;
    int threads;
    void **parts;
    run_stats *stats;
    double t0;
    _Atomic uint64_t next;          /* dynamic and guided: the first item not yet taken */
    pthread_barrier_t barrier;
    double items_done;              /* when the last worker finished its items (for the settle time) */
    double settled;                 /* when the last worker had settled its partial (for the merge time) */
    unsigned *split;                /* per receiving worker: into how many parts its merge splits */
    void ***outs;                   /* per receiving worker: the parts of a split merge */
} pool;

typedef struct worker_arg {
    pool *pool;
    int id;
} worker_arg;

static void barrier_wait(void *barrier)
{
    pthread_barrier_wait(barrier);
}

static void *pool_worker(void *arg)
{
    worker_arg *w = arg;
    pool *p = w->pool;
    atomic_counter_ctx counter = {p->j, p->threads, &p->next};
    worker_sync sync = {atomic_counter_take, &counter, barrier_wait, &p->barrier, NULL, NULL};
    trace_log trace = trace_log_dense(p->stats->items);
    worker_run_schedule(p->j, p->threads, w->id, &sync, p->parts[w->id], &trace, 0, w->id, p->t0);
    if (pthread_barrier_wait(&p->barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
        p->items_done = timer_now();
    worker_settle(p->j, p->parts[w->id]);
    if (pthread_barrier_wait(&p->barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
        p->settled = timer_now();
    /* tree merge: at each level a worker receives from its partner; when the kernel can split that merge
     * (the product's big multiplications), the partner computes the second half instead of idling */
    const job *j = p->j;
    int id = w->id;
    for (int stride = 1; stride < p->threads; stride *= 2) {
        bool receiver = id % (2 * stride) == 0 && id + stride < p->threads;
        bool partner = id % (2 * stride) == stride;
        pthread_barrier_wait(&p->barrier);
        if (receiver) {
            p->split[id] = merge_split_count(j, p->parts[id], p->parts[id + stride], 2);
            p->outs[id] = p->split[id] > 1 ? partials_new(j, (int)p->split[id]) : NULL;
        }
        pthread_barrier_wait(&p->barrier);
        if (receiver && p->split[id] > 1)
            j->kernel->split->part(j, p->parts[id], p->parts[id + stride], 0, 2, p->outs[id][0]);
        else if (receiver)
            merge_pair(j, p->parts[id], p->parts[id + stride]);
        if (partner && p->split[id - stride] > 1)
            j->kernel->split->part(j, p->parts[id - stride], p->parts[id], 1, 2, p->outs[id - stride][1]);
        pthread_barrier_wait(&p->barrier);
        if (receiver && p->split[id] > 1) {
            merge_split_finish(j, p->parts[id], p->parts[id + stride], p->outs[id], 2);
            partials_free(j, p->outs[id], 2);
            p->split[id] = 1;
        }
    }
    return NULL;
}

static int pthreads_run(const job *j, const model_options *opt, void *partial, run_stats *stats)
{
    int threads = opt->threads;
    run_stats_prepare(j, stats, 1, threads);
    pool p = {.j = j, .threads = threads, .parts = partials_new(j, threads), .stats = stats};
    p.split = xcalloc((size_t)threads, sizeof *p.split, "merge plan");
    p.outs = xcalloc((size_t)threads, sizeof *p.outs, "merge parts");
    atomic_init(&p.next, 0);
    pthread_barrier_init(&p.barrier, NULL, (unsigned)threads);
    pthread_t *tids = xcalloc((size_t)threads, sizeof *tids, "thread ids");
    worker_arg *args = xcalloc((size_t)threads, sizeof *args, "thread arguments");
    p.t0 = timer_now();
    int started = 1;
    for (int t = 1; t < threads; t++, started++) {
        args[t] = (worker_arg){&p, t};
        int rc = pthread_create(&tids[t], NULL, pool_worker, &args[t]);
        if (rc != 0) {
            snprintf(stats->error, sizeof stats->error, "cannot start thread %d of %d: %s", t, threads, strerror(rc));
            fatal_run_error(stats->error);   /* the barrier counts on every thread: no way to carry on */
        }
    }
    args[0] = (worker_arg){&p, 0};
    pool_worker(&args[0]);
    for (int t = 1; t < started; t++)
        pthread_join(tids[t], NULL);
    kernel_complete(j, p.parts[0]);
    stats->settle_s = p.settled - p.items_done;
    stats->merge_s = timer_now() - p.settled;
    partial_move(j, partial, p.parts[0]);
    partials_free(j, p.parts, threads);
    pthread_barrier_destroy(&p.barrier);
    free(tids);
    free(args);
    free(p.split);
    free(p.outs);
    return 0;
}

const model model_pthreads = {
    .name = "pthreads",
    .summary = "a pool of POSIX threads (dynamic: a shared atomic counter)",
    .uses_mpi = false,
    .unsimulated = "SMPI charges only the calling thread's CPU time, so the other threads' work would "
                   "cost nothing",
    .run = pthreads_run,
};
