/* numparse.h: whole numbers as people write them on a command line: 1000000, 1_000_000, 1e9, 10^12, 2^40,
 * and sums or differences of those (2^32+15, 2^64-1), every value and step within 0 .. 2^64-1. */
#ifndef PRIMES_NUMPARSE_H
#define PRIMES_NUMPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Parses text into *value. Returns 0, or -1 with a short reason ("is negative", "is not a whole number",
 * "exceeds 2^64-1", ...) written to why. */
int numparse_u64(const char *text, uint64_t *value, char *why, size_t why_size);

#endif
