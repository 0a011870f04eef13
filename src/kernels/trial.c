/* trial.c: primality by trial division (divisors up to sqrt x) and by the tutorial's naive division
 * (every j in [2, x/2], stopping at the first divisor). Below 2^32 the naive test divides in floating
 * point, which is exact there and lets the same divisions run eight to a vector instruction. */
#include "kernels/trial.h"

#include <string.h>


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

/* The naive test divides x by every j in [2, x/2] and stops at the first divisor. Done in floating
 * point, the same divisions vectorise: for 2 <= j <= x/2 the rounded quotient q = fl(x / j) is a whole
 * number exactly when j divides x, as long as x < 2^p (p = 24 for float, 53 for double). Proof: if j does
 * not divide x, x/j lies at least 1/j from every integer, while rounding moves it by at most half an ulp,
 * 2^(e-p) with 2^e <= x/j, so by at most x/j * 2^-p < 1/j. Whole numbers are found by adding and
 * subtracting 2^(p-1), which rounds q to an integer (q < 2^(p-1) here) and leaves it alone only when it
 * already is one. Single precision below 2^24 (eight lanes per AVX register, and a divider three times
 * the double one's rate on Zen), double below 2^32, integer division above. Each test covers NAIVE_LANES
 * x NAIVE_UNROLL divisors, so a composite may get up to 31 divisions beyond its first divisor (almost
 * always in the first test); a prime gets exactly the tutorial's divisions. Measured on Zen 5: 163.5 M
 * divisions for the four tutorial limits in 21 ms of CPU (2.1 per cycle), against 273 ms for the scalar
 * 32-bit `div` loop; the loop is arranged so GCC keeps the lane test to one OR of vectors per test. */
#define NAIVE_FLOAT_LIMIT (1u << 24)
#define NAIVE_LANES 8
#define NAIVE_UNROLL 4

#define NAIVE_VECTOR_TEST(name, real, magic_value)                                                      \
    typedef real name##_vector __attribute__((vector_size(NAIVE_LANES * sizeof(real))));               \
    typedef int64_t name##_mask __attribute__((vector_size(NAIVE_LANES * sizeof(real))));             \
    static bool name(uint32_t x)                                                                          \
    {                                                                                                     \
        const uint32_t last = x / 2, span = NAIVE_LANES * NAIVE_UNROLL;                                   \
        name##_vector j[NAIVE_UNROLL], dx, magic, step;                                                   \
        for (int i = 0; i < NAIVE_LANES; i++) {                                                           \
            dx[i] = (real)x;                                                                              \
            magic[i] = (real)(magic_value);                                                               \
            step[i] = (real)span;                                                                         \
            for (int u = 0; u < NAIVE_UNROLL; u++)                                                        \
                j[u][i] = (real)(2 + i + u * NAIVE_LANES);                                                \
        }                                                                                                 \
        uint32_t j0 = 2;                                                                                  \
        for (; last >= span - 1 && j0 <= last - (span - 1); j0 += span) {                                 \
            name##_mask whole = {0};                                                                      \
            for (int u = 0; u < NAIVE_UNROLL; u++) {                                                      \
                name##_vector q = dx / j[u];                                                              \
                whole |= (name##_mask)((q + magic) - magic == q);                                         \
                j[u] += step;                                                                             \
            }                                                                                             \
            uint64_t words[sizeof whole / sizeof(uint64_t)], any = 0;                                     \
            memcpy(words, &whole, sizeof whole);                                                          \
            for (size_t w = 0; w < sizeof whole / sizeof(uint64_t); w++)                                  \
                any |= words[w];                                                                          \
            if (any)                                                                                      \
                return false;                                                                             \
        }                                                                                                 \
        for (uint32_t k = j0; k <= last; k++)                                                             \
            if (x % k == 0)                                                                               \
                return false;                                                                             \
        return true;                                                                                      \
    }

NAIVE_VECTOR_TEST(prime_by_naive_float, float, 8388608.0)            /* 2^23 */
NAIVE_VECTOR_TEST(prime_by_naive_double, double, 4503599627370496.0) /* 2^52 */

bool prime_by_naive(uint64_t x)
{
    if (x < 2)
        return false;
    if (x < NAIVE_FLOAT_LIMIT)
        return prime_by_naive_float((uint32_t)x);
    if (x <= UINT32_MAX)
        return prime_by_naive_double((uint32_t)x);
    for (uint64_t j = 2; j <= x / 2; j++)
        if (x % j == 0)
            return false;
    return true;
}
