/* trial.c: primality by trial division (divisors up to sqrt x) and by the tutorial's naive division
 * (every j in [2, x/2], stopping at the first divisor). Below 2^26 the naive test divides in double
 * precision, which is exact there and lets the compiler vectorise the same divisions. */
#include "trial.h"

#include <math.h>

bool prime_by_trial(uint64_t x)
{
    if (x < 2)
        return false;
    if (x < 4)
        return true;
    if (x % 2 == 0)
        return false;
    for (uint64_t j = 3; j <= x / j; j += 2)
        if (x % j == 0)
            return false;
    return true;
}

/* For x < 2^26 and 2 <= j <= x: x / j rounds to an integer in double precision only when j divides x
 * (the distance of a true quotient k + f/j to the nearest integer is at least 1/j > 2^-26, more than
 * half an ulp of any quotient below 2^26). So the divisions below are the same test, 8 at a time. */
#define NAIVE_DOUBLE_LIMIT (1u << 26)
#define NAIVE_BLOCK 16

static bool prime_by_naive_double(uint32_t x)
{
    const double dx = (double)x;
    const uint32_t last = x / 2;
    for (uint32_t j0 = 2; j0 <= last; j0 += NAIVE_BLOCK) {
        uint32_t stop = last - j0 + 1 < NAIVE_BLOCK ? last + 1 : j0 + NAIVE_BLOCK;
        int divides = 0;
        if (stop - j0 == NAIVE_BLOCK) {
            for (uint32_t i = 0; i < NAIVE_BLOCK; i++) {
                double q = dx / (double)(j0 + i);
                divides |= q == floor(q);
            }
        } else {
            for (uint32_t j = j0; j < stop; j++) {
                double q = dx / (double)j;
                divides |= q == floor(q);
            }
        }
        if (divides)
            return false;
    }
    return true;
}

bool prime_by_naive(uint64_t x)
{
    if (x < 2)
        return false;
    if (x < NAIVE_DOUBLE_LIMIT)
        return prime_by_naive_double((uint32_t)x);
    for (uint64_t j = 2; j <= x / 2; j++)
        if (x % j == 0)
            return false;
    return true;
}
