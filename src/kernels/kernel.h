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

typedef struct kernel {
    const char *name;
    const char *summary;             /* one line for --help and --list */
    bool takes_method;               /* --method sieve|trial|naive applies */
    bool writes_output;              /* -o FILE applies */
    uint64_t max_width;              /* largest n - from it supports (0: any) */
    size_t partial_size;             /* bytes of one opaque partial result */
    /* nonzero: the packed partial is this many uint64 words and merging adds them word by word, so a
     * model may combine packed partials with a sum reduction (MPI_Reduce) instead of merge */
    unsigned sum_words;
    /* the default numbers per work item for this job (the same for every model and worker count) */
    uint64_t (*default_chunk)(const job *);
    void (*init)(const job *, void *partial);
    void (*run_item)(const job *, const work_item *, void *partial);    /* add one item's work */
    void (*merge)(const job *, void *into, void *from);                 /* associative, order-free */
    void (*complete)(const job *, void *partial);   /* the last combining step (the serial tail) */
    size_t (*pack)(const void *partial, void **buf);                  /* malloc'd bytes; caller frees */
    bool (*unpack)(const job *, void *partial, const void *buf, size_t len);  /* into an init'ed one */
    void (*finish)(const job *, void *partial, result *);             /* summarise and verify */
    int (*write_output)(const job *, const void *partial, FILE *out, bool hex);  /* 0 or errno */
    void (*release)(void *partial);
    /* Task-list kernels (the tutorials' workloads): the number of tasks of job->workload; the driver then
     * runs the range [0, count) with one task per item (chunk 1). NULL for range kernels. */
    uint64_t (*task_count)(const job *);
    const char *workloads;            /* the names --workload accepts, space separated */
    /* For the events model (one thread, an event loop): how long an item only waits (0: it computes and
     * is run with run_item), and the call that records a wait of waited_s seconds that the loop did in
     * place of run_item. NULL when the kernel has no waiting items. */
    double (*item_wait_s)(const job *, const work_item *);
    void (*item_waited)(const job *, const work_item *, void *partial, double waited_s);
    /* Optional, NULL when absent: letting several workers share the combining (the product's serial tail).
     * settle: called by each worker on its own partial after its last item and before the partial is
     *   merged, packed or sent, all workers at once; does the work a merge would otherwise do on one worker
     *   (product: multiply the worker's pending tree nodes into one number). merge, pack and complete stay
     *   correct without it.
     * merge_parts: into how many independent parts the merge of `from` into `into` splits (1: merge it
     *   whole; the product splits its largest multiplications in 2).
     * merge_part: computes part `part` of `parts` of that merge into `out` (an init'ed partial), reading
     *   into and from only, so the parts may run at the same time on different workers; a worker holding
     *   unpacked copies of into and from computes the same part. `out` packs and unpacks like any partial.
     * merge_join: folds outs[0 .. parts) into `into`; the result equals merge(into, from), and afterwards
     *   from is left as merge leaves it (release it). */
    void (*settle)(const job *, void *partial);
    unsigned (*merge_parts)(const job *, const void *into, const void *from);
    void (*merge_part)(const job *, const void *into, const void *from, unsigned part, unsigned parts, void *out);
    void (*merge_join)(const job *, void *into, void *from, void *const *outs, unsigned parts);
} kernel;

const kernel *kernel_find(const char *name);
/* NULL-terminated list of every kernel compiled in. */
const kernel *const *kernel_list(void);

#endif
