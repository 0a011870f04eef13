/* gmp_fingerprint.h: the words that stand for a large GMP number in records, checks and messages: its
 * bit length, its low 64 bits and its value mod 2^61 - 1 (and, costlier, its exact decimal digits). The
 * product kernel and the tasks kernel's products summarise their numbers with these. */
#ifndef PRIMES_GMP_FINGERPRINT_H
#define PRIMES_GMP_FINGERPRINT_H

#include <stdio.h> /* before gmp.h: it declares mpz_out_str only then */
#include <gmp.h>
#include <stdint.h>

#define GMP_FINGERPRINT_MODULUS ((UINT64_C(1) << 61) - 1) /* the Mersenne prime 2^61 - 1 */

typedef struct gmp_fingerprint {
    uint64_t bits;    /* mpz_sizeinbase(x, 2) */
    uint64_t low64;   /* x mod 2^64 */
    uint64_t mod_m61; /* x mod 2^61 - 1 */
} gmp_fingerprint;

/* x >= 0. */
gmp_fingerprint gmp_fingerprint_of(const mpz_t x);
uint64_t gmp_low64(const mpz_t x);
/* The exact number of decimal digits of x >= 0 (1 for 0). */
uint64_t gmp_decimal_digits(const mpz_t x);

#endif
