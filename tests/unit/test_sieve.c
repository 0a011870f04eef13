/* test_sieve.c: the segmented sieve, trial and naive division against a tiny reference, on thousands of
 * random ranges and on every edge: n = 0..3, starts inside a segment, ranges straddling 2^32, empty ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernels/primes_each.h"
#include "kernels/sieve.h"
#include "kernels/trial.h"

/* The reference: primality by the simplest division there is. */
static int reference_prime(uint64_t x)
{
    if (x < 2)
        return 0;
    for (uint64_t d = 2; d * d <= x; d++)
        if (x % d == 0)
            return 0;
    return 1;
}

typedef struct collected {
    uint64_t *v;
    size_t n, cap;
} collected;

static void collect(void *ctx, uint64_t p)
{
    collected *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = p;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Every method lists exactly the reference's primes of [lo, hi), in order. */
static void check_range(sieve_scratch *s, uint64_t lo, uint64_t hi, int with_naive)
{
    collected c = {0};
    primes_each(s, METHOD_SIEVE, lo, hi, collect, &c);
    size_t k = 0;
    for (uint64_t x = lo; x < hi; x++)
        if (reference_prime(x)) {
            assert_true(k < c.n);
            assert_int_equal(c.v[k], x);
            k++;
        }
    assert_int_equal(k, c.n);
    assert_int_equal(primes_count(s, METHOD_SIEVE, lo, hi), k);
    assert_int_equal(primes_count(NULL, METHOD_TRIAL, lo, hi), k);
    if (with_naive)
        assert_int_equal(primes_count(NULL, METHOD_NAIVE, lo, hi), k);
    free(c.v);
}

static void test_small_edges(void **state)
{
    (void)state;
    sieve_scratch *s = sieve_scratch_new();
    for (uint64_t hi = 0; hi <= 130; hi++)
        for (uint64_t lo = 0; lo <= hi; lo++)
            check_range(s, lo, hi, 1);
    sieve_scratch_free(s);
}

static void test_random_ranges(void **state)
{
    (void)state;
    sieve_scratch *s = sieve_scratch_new();
    for (int i = 0; i < 3000; i++) {
        uint64_t lo = rng() % 3000000;
        uint64_t width = rng() % (i % 10 == 0 ? 200000 : 3000);
        check_range(s, lo, lo + width, 0);
    }
    sieve_scratch_free(s);
}

static void test_segment_boundaries(void **state)
{
    (void)state;
    sieve_scratch *s = sieve_scratch_new();
    const uint64_t segment = 30u * 64 * 1024;   /* the default segment covers this many numbers */
    for (uint64_t k = 1; k <= 3; k++)
        for (int d = -40; d <= 40; d += 7)
            check_range(s, k * segment + (uint64_t)d - 100, k * segment + (uint64_t)d + 100, 0);
    check_range(s, 1, 3 * segment + 11, 0);
    check_range(s, segment / 2 + 1, 2 * segment + 12345, 0);
    sieve_scratch_free(s);
}

static void test_counts_against_known_pi(void **state)
{
    (void)state;
    sieve_scratch *s = sieve_scratch_new();
    assert_int_equal(primes_count(s, METHOD_SIEVE, 0, 1000000000), 50847534);
    assert_int_equal(primes_count(s, METHOD_SIEVE, 0, UINT64_C(1) << 32), 203280221);
    /* split anywhere: the parts add up */
    uint64_t a = primes_count(s, METHOD_SIEVE, 0, 123456789);
    uint64_t b = primes_count(s, METHOD_SIEVE, 123456789, 1000000000);
    assert_int_equal(a + b, 50847534);
    sieve_scratch_free(s);
}

static void test_straddle_2_32(void **state)
{
    (void)state;
    sieve_scratch *s = sieve_scratch_new();
    const uint64_t two32 = UINT64_C(1) << 32;
    for (int i = 0; i < 20; i++) {
        uint64_t lo = two32 - 1 - rng() % 50000;
        uint64_t hi = two32 + rng() % 50000;
        check_range(s, lo, hi, 0);
    }
    sieve_scratch_free(s);
}

static void test_near_2_64(void **state)
{
    (void)state;
    sieve_scratch *s = sieve_scratch_new();
    /* the largest primes below 2^64 are 2^64-59, 2^64-83 and 2^64-95 */
    collected c = {0};
    primes_each(s, METHOD_SIEVE, UINT64_MAX - 100, UINT64_MAX, collect, &c);
    assert_int_equal(c.n, 3);
    assert_true(c.v[0] == UINT64_MAX - 94);
    assert_true(c.v[1] == UINT64_MAX - 82);
    assert_true(c.v[2] == UINT64_MAX - 58);
    free(c.v);
    /* 2^40 + 15 and 2^40 + 99 are the first primes above 2^40; trial division agrees near there */
    const uint64_t two40 = UINT64_C(1) << 40;
    check_range(s, two40 - 200, two40 + 200, 0);
    sieve_scratch_free(s);
}

/* Sieving primes above the stored list are streamed and activated in blocks (sieve.c); primesieve 11's
 * counts. [2^52 + 1.9e9, 2^52 + 2.1e9): the one streamed prime, 2^26 + 15, first crosses its square, inside the
 * range. Near 2^64 all 2e8 primes below 2^32 stream and a few of each block cross the range. */
static void test_streamed_primes(void **state)
{
    (void)state;
    sieve_scratch *s = sieve_scratch_new();
    const uint64_t two52 = UINT64_C(1) << 52;
    assert_int_equal(primes_count(s, METHOD_SIEVE, two52 + 1900000000, two52 + 2100000000), 5551704);
    assert_int_equal(primes_count(s, METHOD_SIEVE, UINT64_MAX - 1000000 + 1, UINT64_MAX - 1), 22475);
    assert_int_equal(primes_count(s, METHOD_SIEVE, UINT64_MAX - 12345678 + 1, UINT64_MAX - 1000 + 1), 278239);
    sieve_scratch_free(s);
}

static void test_naive_matches_trial(void **state)
{
    (void)state;
    for (uint64_t x = 0; x < 20000; x++)
        assert_int_equal(prime_by_naive(x), prime_by_trial(x));
    /* above the double-precision range the naive test divides in integers */
    for (uint64_t x = (1u << 26) - 50; x < (1u << 26) + 50; x++)
        assert_int_equal(prime_by_naive(x), reference_prime(x));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_edges),          cmocka_unit_test(test_random_ranges),
        cmocka_unit_test(test_segment_boundaries),   cmocka_unit_test(test_counts_against_known_pi),
        cmocka_unit_test(test_straddle_2_32),        cmocka_unit_test(test_naive_matches_trial),
        cmocka_unit_test(test_near_2_64),
        cmocka_unit_test(test_streamed_primes),
    };
    return cmocka_run_group_tests_name("sieve", tests, NULL, NULL);
}
