/* pi_table.h: known values of the prime-counting function at round points (powers of ten and of two,
 * up to 2^64), used to verify prime counts. Values from OEIS A006880 and A007053. */
#ifndef PRIMES_PI_TABLE_H
#define PRIMES_PI_TABLE_H

#include <stdbool.h>
#include <stdint.h>

/* Number of primes strictly below x, when x is a table point: x = 0, 1, 10^k (k = 1..19), 2^k (k = 1..63),
 * or x = 18446744073709551615 (2^64-1, standing for 2^64: no prime lies in [2^64-1, 2^64]).
 * On a hit stores the count and a label ("10^10", "2^32", "2^64-1") and returns true. */
bool pi_table_below(uint64_t x, uint64_t *count, const char **label);

#endif
