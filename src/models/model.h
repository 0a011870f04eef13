/* model.h: the model side of the seam. A model executes a job's work items on W workers under a schedule
 * and combines the partial results; it knows nothing of primes or GMP, only the kernel table. */
#ifndef PRIMES_MODEL_H
#define PRIMES_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "kernels/kernel.h"

/* One work item as it ran: who ran it and when (seconds since the run's common start). */
typedef struct trace_item {
    uint64_t index;
    int32_t rank, thread;
    double start, stop;
} trace_item;

/* What a model reports about a run besides the partial result. */
typedef struct run_stats {
    int ranks, threads;        /* workers = ranks * threads */
    trace_item *items;         /* n_items records, in item order; malloc'd by the model, freed by caller */
    uint64_t n_items;
    double settle_s;           /* from the last item's end until every worker has combined its own partial
                                * (the kernel's settle: all workers at once; 0 when the kernel has none) */
    double merge_s;            /* then the cross-worker merge and the final combining step (the serial tail) */
    char (*hosts)[64];         /* host of each rank (ranks entries); malloc'd by the model */
    double end_time;           /* timer_now() when this rank's share of the run was done and handed on,
                                * before it released its partials (0: when run returned). Releasing is no
                                * part of the work, and under SMPI, whose ranks share one heap, a free can
                                * cost milliseconds of another rank's allocations */
    bool wall_known;           /* the model timed the run itself (every rank sets it alike): wall_s, on rank 0,
                                * is the run's wall time, and the other ranks' wall_s is 0. The MPI family
                                * does, from the first rank's start to rank 0's answer on rank 0's clock,
                                * so the last item's end, settle_s and merge_s add up to it */
    double wall_s;
    char error[256];           /* set when run returns nonzero */
} run_stats;

typedef struct model_options {
    int threads;               /* workers per process (omp, pthreads, fork, hybrid) */
} model_options;

/* When the driver picks a model that was not named: */
typedef enum {
    MODEL_NEVER_DEFAULT,
    MODEL_DEFAULT_ALONE,        /* one process, no thread count asked for (serial) */
    MODEL_DEFAULT_THREADS,      /* one process, more than one thread asked for (omp) */
    MODEL_DEFAULT_RANKS,        /* 2+ ranks under a launcher (mpi) */
    MODEL_DEFAULT_RANKS_THREADS /* 2+ ranks and more than one thread asked for (hybrid) */
} model_default;

typedef struct model {
    const char *name;
    const char *summary;
    /* Facts the driver and the scripts read (primes --list shows them), so that none asks a name. */
    bool uses_mpi;             /* needs MPI initialised and a launcher for 2+ ranks (mpi, hybrid) */
    bool forks_workers;        /* its workers per rank are processes, not threads (fork) */
    bool one_thread;           /* one thread per process whatever -t says (serial, events, mpi) */
    bool threads_as_rounds;    /* -t is then the round size of --schedule batch (events) */
    const char *threads_rule;  /* the end of "--threads: T does not apply to --model M..." */
    bool shares_rank;          /* threads share a rank: MPI_THREAD_FUNNELED is asked for (hybrid) */
    model_default default_for;
    /* Why SimGrid's SMPI cannot simulate it faithfully (SMPI charges the calling thread's CPU time to its
     * rank, and its ranks are actors of one process); NULL when it can. */
    const char *unsimulated;
    /* Runs every item of the job. On success returns 0 and, on rank 0, leaves the combined and completed
     * partial in `partial` (an init'ed partial of the job's kernel). On failure returns nonzero with
     * stats->error set. */
    int (*run)(const job *, const model_options *, void *partial, run_stats *);
} model;

const model *model_find(const char *name);
/* NULL-terminated list of the models compiled in. */
const model *const *model_list(void);

#endif
