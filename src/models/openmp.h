/* openmp.h: running a set of work items on the threads of one process with OpenMP worksharing; the
 * `omp` model and each rank of the `hybrid` model are built on it. */
#ifndef PRIMES_OPENMP_H
#define PRIMES_OPENMP_H

#include "model.h"

/* The items first, first + stride, ... (count of them). */
typedef struct item_progression {
    uint64_t first, stride, count;
} item_progression;

/* Runs the items on `threads` OpenMP threads under the job's schedule (static: contiguous blocks, cyclic:
 * round robin, dynamic and guided: OpenMP's own, chunk 1 item), thread t adding into parts[t] and recording
 * each item at stats->items[index] with the given rank. Returns the number of threads the team had. */
int openmp_run_items(const job *j, item_progression items, int threads, void **parts, run_stats *stats, int rank,
                     double t0);

/* Lets every thread's partial settle (kernel.h), all at once: before openmp_merge_tree. */
void openmp_settle(const job *j, void **parts, int count);
/* Merges parts[0..count) into parts[0] as a tree whose pairs at each level run in parallel. */
void openmp_merge_tree(const job *j, void **parts, int count);

#endif
