/* job.h: what one run computes and how its range is cut into work items.
 * Shared by the driver, the kernels and the models; it knows neither primes nor threads. */
#ifndef PRIMES_JOB_H
#define PRIMES_JOB_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;

typedef enum {
    SCHEDULE_STATIC,   /* contiguous blocks of items, one block per worker */
    SCHEDULE_CYCLIC,   /* item i goes to worker i mod W */
    SCHEDULE_DYNAMIC,  /* workers take the next item from a shared counter */
    SCHEDULE_GUIDED,   /* like dynamic, grabbing ceil(remaining / 2W) items at a time */
    SCHEDULE_BATCH     /* rounds of W items, one per worker, all finishing before the next round starts
                        * (the tutorials' start-W-then-join-W workaround, idle gaps included) */
} schedule_kind;

typedef enum { METHOD_SIEVE, METHOD_TRIAL, METHOD_NAIVE, METHOD_COUNT } method_kind;

/* One unit of work: the numbers [lo, hi) of the job's range (for task-list kernels: task `index`). */
typedef struct work_item {
    uint64_t index;
    uint64_t lo, hi;
} work_item;

typedef struct job {
    const struct kernel *kernel;
    method_kind method;
    uint64_t from, n;        /* the range [from, n) */
    uint64_t chunk;          /* numbers per work item; items start at from + k * chunk */
    uint64_t plan_workers;   /* the workers the default items are sized for (--items-for, else the run's
                              * own): every one gets an item, so a study's points share one value */
    uint64_t n_items;
    schedule_kind schedule;
    bool verify_exact;       /* --verify: check against an independent method */
    bool quiet;
    const char *workload;    /* task-list kernels: which list of tasks (--workload) */
    double scale;            /* task-list kernels: size factor of the tasks (--scale, default 1) */
} job;

/* Cuts [from, n) into items of chunk numbers from `from` on (the last one may be shorter) and sets
 * n_items. chunk must be > 0. Counted from `from`, not from 0: a range far out, where an item's set-up
 * is the sieving primes up to sqrt(n), is one item when it fits one, not two that each pay it. */
void job_set_chunk(job *j, uint64_t chunk);
/* Fills item `index` (< n_items). */
void job_item(const job *j, uint64_t index, work_item *item);

const char *schedule_name(schedule_kind kind);
const char *method_name(method_kind method);
/* The method of that name: true with it in *out, false when there is none. */
bool method_find(const char *name, method_kind *out);

#endif
