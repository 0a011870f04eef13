/* pi_exact.h: an exact prime-counting function pi(x) by the combinatorial (Lagarias-Miller-Odlyzko)
 * method, independent of the project's counting sieve, and a deterministic primality test for every
 * 64-bit integer. Both are single-threaded, reentrant and keep no state between calls. */
#ifndef PRIMES_PI_EXACT_H
#define PRIMES_PI_EXACT_H

#include <stdbool.h>
#include <stdint.h>

/* The largest x pi_exact accepts. Measured on the 2-core reference machine, one core: 10^12 in 0.11 s,
 * 10^13 in 0.4 s, 10^14 in 1.5 s, 10^15 in 6.2 s (about 10 s with the other core busy), 24 MB peak. */
#define PI_EXACT_MAX UINT64_C(1000000000000000)

/* Number of primes <= x, for 0 <= x <= PI_EXACT_MAX; calls abort() for larger x. */
uint64_t pi_exact(uint64_t x);

/* pi_exact with its tuning made explicit, for tests: y = alpha * cbrt(x) (clamped to [cbrt(x), sqrt(x)])
 * and segments of segment_numbers (a multiple of 128, at most 2^32) numbers. Any such choice gives the
 * same exact count; abort() on x > PI_EXACT_MAX or parameters out of range. */
uint64_t pi_exact_tuned(uint64_t x, double alpha, uint64_t segment_numbers);

/* Whether x is prime: deterministic Miller-Rabin, exact for every 64-bit x. */
bool prime_u64(uint64_t x);

#endif
