/* kernels/word_partial.h: the one implementation of a partial result that is words added together (count,
 * spin, tasks): its first kernel->sum_words members are uint64_t words; merging adds them, packing sends
 * them (so MPI may sum them with MPI_Reduce), and whatever follows them stays each worker's own. */
#ifndef PRIMES_WORD_PARTIAL_H
#define PRIMES_WORD_PARTIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "job.h"

void word_partial_init(const job *j, void *partial);                         /* zeroes the whole partial */
void word_partial_merge(const job *j, void *into, void *from);
size_t word_partial_pack(const job *j, const void *partial, void **buf);    /* the words, malloc'd */
bool word_partial_unpack(const job *j, void *partial, const void *buf, size_t len);

#endif
