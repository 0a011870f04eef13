/* gmp_fingerprint.c: the summary words of a large GMP number (gmp_fingerprint.h). */
#include "kernels/gmp_fingerprint.h"

#include <math.h>

uint64_t gmp_low64(const mpz_t x)
{
    uint64_t low = 0;
    size_t limbs = mpz_size(x);
    for (size_t i = 0; i < limbs && i * GMP_NUMB_BITS < 64; i++)
        low |= (uint64_t)mpz_getlimbn(x, (mp_size_t)i) << (i * GMP_NUMB_BITS);
    return low;
}

gmp_fingerprint gmp_fingerprint_of(const mpz_t x)
{
    return (gmp_fingerprint){
        .bits = mpz_sizeinbase(x, 2),
        .low64 = gmp_low64(x),
        .mod_m61 = mpz_fdiv_ui(x, GMP_FINGERPRINT_MODULUS),
    };
}

/* From the logarithm, settled by a comparison when it is near a whole number (that is, when x is near a
 * power of ten). */
uint64_t gmp_decimal_digits(const mpz_t x)
{
    if (mpz_sgn(x) == 0)
        return 1;
    signed long exponent;
    double mantissa = mpz_get_d_2exp(&exponent, x);
    long double lg = log10l((long double)mantissa) + (long double)exponent * log10l(2.0L);
    long double whole = floorl(lg);
    if (lg - whole > 1e-6L && whole + 1 - lg > 1e-6L)
        return (uint64_t)whole + 1;
    unsigned long k = (unsigned long)llroundl(lg);
    mpz_t power;
    mpz_init(power);
    mpz_ui_pow_ui(power, 10, k);
    uint64_t digits = mpz_cmp(x, power) >= 0 ? (uint64_t)k + 1 : (uint64_t)k;
    mpz_clear(power);
    return digits;
}
