/* kernel.h: the kernel side of the seam. A kernel is an associative reduction over work items; it knows
 * primes, GMP and files, and nothing of threads, processes or MPI. Models drive it through this table. */
#ifndef PRIMES_KERNEL_H
#define PRIMES_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "job.h"

typedef enum {
    VERIFY_NONE,   /* nothing to check against: reported as such, never as success */
    VERIFY_TABLE,  /* checked against a built-in table of known values */
    VERIFY_EXACT   /* checked against an independent method (--verify) */
} verify_kind;

/* The summary of a finished run. */
typedef struct result {
    uint64_t value;          /* count: primes in range; product: primes multiplied; spin: iterations */
    bool is_product;         /* the fields below are set */
    uint64_t bits, digits;   /* of the product, exact */
    uint64_t low64;          /* product mod 2^64 */
    uint64_t mod_m61;        /* product mod 2^61 - 1 */
    verify_kind verify;
    bool verify_ok;          /* meaningful unless verify == VERIFY_NONE */
    char verify_detail[192]; /* what it was checked against, or both values on a mismatch */
} result;

/* What only the task-list kernels have (the tutorials' workloads): the driver runs the range [0, count)
 * with one task per item (chunk 1), and the events model may wait instead of running an item. */
typedef struct kernel_task_list {
    uint64_t (*count)(const job *);      /* the number of tasks of job->workload */
    const char *workloads;               /* the names --workload accepts, space separated */
    const char *default_workload;        /* when no --workload is given */
    /* For the events model (one thread, an event loop): how long an item only waits (0: it computes and
     * is run with run_item), and the call that records a wait of waited_s seconds that the loop did in
     * place of run_item. Both NULL when the kernel has no waiting items. */
    double (*item_wait_s)(const job *, const work_item *);
    void (*item_waited)(const job *, const work_item *, void *partial, double waited_s);
} kernel_task_list;

/* What lets several workers share the combining (the product's serial tail); the models decide who
 * computes what.
 * settle: called by each worker on its own partial after its last item and before the partial is
 *   merged, packed or sent, all workers at once; does the work a merge would otherwise do on one worker
 *   (product: multiply the worker's pending tree nodes into one number). merge, pack and complete stay
 *   correct without it.
 * parts: into how many independent parts the merge of `from` into `into` splits (1: merge it whole; the
 *   product splits its largest multiplications in 2).
 * part: computes part `part` of `parts` of that merge into `out` (an init'ed partial), reading into and
 *   from only, so the parts may run at the same time on different workers; a worker holding unpacked
 *   copies of into and from computes the same part. `out` packs and unpacks like any partial.
 * join: folds outs[0 .. parts) into `into`; the result equals merge(into, from), and afterwards from is
 *   left as merge leaves it (release it). */
typedef struct kernel_split_merge {
    void (*settle)(const job *, void *partial);
    unsigned (*parts)(const job *, const void *into, const void *from);
    void (*part)(const job *, const void *into, const void *from, unsigned part, unsigned parts, void *out);
    void (*join)(const job *, void *into, void *from, void *const *outs, unsigned parts);
} kernel_split_merge;

typedef struct kernel {
    const char *name;
    const char *summary;             /* one line for --help and --list */

    /* Facts the driver, the analysis and the scripts read, so that none of them asks for a kernel by
     * name. */
    uint64_t default_n;              /* -n when none is given (task kernels: unused) */
    const char *unit, *unit_one;     /* the result's unit: "primes" and "prime", ... */
    bool takes_method;               /* --method sieve|trial|naive applies */
    bool writes_output;              /* -o FILE applies */
    uint64_t max_width;              /* largest n - from it supports (0: any) */
    /* How the work of [0, n) grows with n, in any unit (weak scaling keeps the work per worker); NULL
     * for task kernels. */
    double (*work)(method_kind method, double n);
    /* Optional: refuses a job it cannot run as asked, before anything runs: 0, or 2 with a one-line
     * message (count: an exact --verify out of reach). */
    int (*check)(const job *, char *error, size_t size);

    /* The reduction. A plain range kernel fills these; word_partial.h has them for a partial that is
     * words added together. */
    size_t partial_size;             /* bytes of one opaque partial result */
    /* nonzero: the packed partial is this many uint64 words and merging adds them word by word, so a
     * model may combine packed partials with a sum reduction (MPI_Reduce) instead of merge */
    unsigned sum_words;
    /* the default numbers per work item for this job (the same for every model, for job->plan_workers) */
    uint64_t (*default_chunk)(const job *);
    /* Optional: the seconds of set-up each work item costs beyond its numbers (the sieve: the first
     * crossing of every sieving prime), so a chunk too small to run sensibly is refused before the run. */
    double (*item_setup_s)(const job *);
    void (*init)(const job *, void *partial);
    void (*run_item)(const job *, const work_item *, void *partial);    /* add one item's work */
    void (*merge)(const job *, void *into, void *from);                 /* associative, order-free */
    size_t (*pack)(const job *, const void *partial, void **buf);      /* malloc'd bytes; caller frees */
    bool (*unpack)(const job *, void *partial, const void *buf, size_t len);  /* into an init'ed one */
    void (*finish)(const job *, void *partial, result *);             /* summarise and verify */

    /* Optional, NULL when the kernel has none: */
    void (*complete)(const job *, void *partial);   /* the last combining step (the serial tail) */
    void (*release)(void *partial);                  /* frees what the partial holds */
    int (*write_output)(const job *, const void *partial, FILE *out, bool hex);  /* -o: 0 or errno */
    const kernel_task_list *tasks;                     /* a task-list kernel */
    const kernel_split_merge *split;                 /* combining shared among workers */
    /* the bytes one host holds at the peak of the job with `workers` of its workers there, and in `how`
     * what the estimate is made of, so that a run that cannot fit is refused before it starts */
    double (*peak_bytes)(const job *, unsigned workers, char *how, size_t size);
} kernel;

static inline void kernel_complete(const job *j, void *partial)
{
    if (j->kernel->complete)
        j->kernel->complete(j, partial);
}

static inline void kernel_release(const job *j, void *partial)
{
    if (j->kernel->release)
        j->kernel->release(partial);
}

const kernel *kernel_find(const char *name);
/* NULL-terminated list of every kernel compiled in. */
const kernel *const *kernel_list(void);

#endif
