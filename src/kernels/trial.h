/* trial.h: primality by division, the slow CPU-heavy methods of the scaling studies.
 * trial: odd divisors up to sqrt(x); naive: the tutorial's every j from 2 up to x/2. */
#ifndef PRIMES_TRIAL_H
#define PRIMES_TRIAL_H

#include <stdbool.h>
#include <stdint.h>

bool prime_by_trial(uint64_t x);
bool prime_by_naive(uint64_t x);

#endif
