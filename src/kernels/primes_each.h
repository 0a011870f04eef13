/* primes_each.h: every prime of a range, in increasing order, by any method, to a visitor. */
#ifndef PRIMES_PRIMES_EACH_H
#define PRIMES_PRIMES_EACH_H

#include <stdint.h>

#include "job.h"
#include "kernels/sieve.h"

typedef void (*prime_visit)(void *ctx, uint64_t prime);

/* Calls visit(ctx, p) for each prime p in [lo, hi), ascending. scratch is used by METHOD_SIEVE only. */
void primes_each(sieve_scratch *scratch, method_kind method, uint64_t lo, uint64_t hi, prime_visit visit,
                 void *ctx);

/* How many primes lie in [lo, hi): the sieve counts whole words at once, the other methods test each. */
uint64_t primes_count(sieve_scratch *scratch, method_kind method, uint64_t lo, uint64_t hi);

#endif
