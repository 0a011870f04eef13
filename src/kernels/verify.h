/* verify.h: checking a count of primes against the built-in table or an independent exact method. */
#ifndef PRIMES_VERIFY_H
#define PRIMES_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "kernels/kernel.h"

/* Largest n - from for which the exact check of a range above PI_EXACT_MAX (prime by prime) is offered. */
#define VERIFY_PRIME_BY_PRIME_WIDTH (1u << 22)

/* Whether --verify can check the number of primes in [from, n) independently. */
bool verify_count_supported(uint64_t from, uint64_t n);

/* Sets r->verify, verify_ok and verify_detail for `count` primes found in the job's range: against an
 * independent count when job->verify_exact, else against the table when the range's ends are table
 * points, else VERIFY_NONE. */
void verify_prime_count(const job *j, uint64_t count, result *r);

#endif
