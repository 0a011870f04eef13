/* product_verify.h: the exact check of a product of primes (product --verify), by a method that shares no
 * code with the run: GMP's primorial where its cost stays near the run's own, else every number of a
 * narrow range tested prime by prime and multiplied in a plain pairwise product. */
#ifndef PRIMES_PRODUCT_VERIFY_H
#define PRIMES_PRODUCT_VERIFY_H

#include <stdio.h> /* before gmp.h: it declares mpz_out_str only then */
#include <gmp.h>
#include <stdint.h>

#include "kernels/kernel.h"

typedef enum product_verify_method {
    PRODUCT_VERIFY_OUT_OF_REACH,  /* no check costs about what the run costs */
    PRODUCT_VERIFY_PRIMORIAL,     /* mpz_primorial_ui(n - 1) / mpz_primorial_ui(from - 1) */
    PRODUCT_VERIFY_PRIME_BY_PRIME /* Miller-Rabin on each number of [from, n), pairwise products */
} product_verify_method;

/* The choice, measured on the reference machine (one core): a range at most VERIFY_PRIME_BY_PRIME_WIDTH
 * wide is checked prime by prime (2^22 numbers at 2^40: 0.8 s) unless n - 1 <= PRIMORIAL_SMALL, where GMP's
 * primorial is as quick (2^24: 0.8 s); a wider range by the primorial when n - 1 <= PRIMORIAL_ANY_FROM
 * (2^26: 4.6 s) or from <= n / 8: then the check took 1 to 2.5 times the run (from 0, n 10^8: the run
 * 6.1 s, the check 9 s; from 2^22, n 2^25: 1.3 s and 2.3 s), where from = n / 2 took 5 times (from 10^9,
 * n 2 * 10^9: 81 s, then 375 s). Any other range is refused before the run. */
#define PRODUCT_VERIFY_PRIMORIAL_SMALL (UINT64_C(1) << 24)
#define PRODUCT_VERIFY_PRIMORIAL_ANY_FROM (UINT64_C(1) << 26)

/* How [from, n) would be checked. */
product_verify_method product_verify_method_for(uint64_t from, uint64_t n);

/* Sets r->verify (VERIFY_EXACT), verify_ok and verify_detail for `product`, the run's product of the
 * primes in the job's range; the method must not be out of reach. */
void product_verify(const job *j, const mpz_t product, result *r);

#endif
