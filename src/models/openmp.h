/* openmp.h: running a set of work items on the threads of one process with OpenMP worksharing; the
 * `omp` model and each rank of the `hybrid` model are built on it. */
#ifndef PRIMES_OPENMP_H
#define PRIMES_OPENMP_H

#include <stdbool.h>

#include "models/model.h"
#include "models/worker.h"

/* The items first, first + stride, ... (count of them). */
typedef struct item_progression {
    uint64_t first, stride, count;
} item_progression;

/* Runs the items on `threads` OpenMP threads under the job's schedule (static: contiguous blocks, cyclic:
 * round robin, dynamic and guided: OpenMP's own, chunk 1 item), thread t adding into parts[t] and recording
 * each item in logs[t] (`threads` logs: copies of one dense log, or one sparse log per thread) with the
 * given rank. Returns the number of threads the team had. */
int openmp_run_items(const job *j, item_progression items, int threads, void **parts, trace_log *logs, int rank,
                     double t0);

/* Batches of items [first, first + count) that only the master thread may ask for (an MPI rank's grants
 * under MPI_THREAD_FUNNELED). next: 1 with a batch, 0 when none has arrived yet (only when !wait), -1
 * when none will come any more. between_items (optional): the master thread's duty after each of its
 * items (answering the other ranks' requests). */
typedef struct batch_source {
    int (*next)(void *ctx, bool wait, uint64_t *first, uint64_t *count);
    void (*between_items)(void *ctx);
    void *ctx;
} batch_source;

/* Runs every batch of src on `threads` threads in one parallel region: the threads take items one at a
 * time from a pool of arrived batches, which the master thread keeps at one item per thread or more
 * (asking src between its own items), so no thread waits for a batch while another batch is on its way,
 * and no region is opened per batch. Records as openmp_run_items. */
void openmp_run_batches(const job *j, const batch_source *src, int threads, void **parts, trace_log *logs,
                        int rank, double t0);

/* Lets every thread's partial settle (kernel.h), all at once: before openmp_merge_tree. */
void openmp_settle(const job *j, void **parts, int count);
/* Merges parts[0..count) into parts[0] as a tree whose pairs at each level run in parallel. */
void openmp_merge_tree(const job *j, void **parts, int count);

#endif
