/* test_pi.c: unit tests of pi_exact and prime_u64 (src/kernels/pi_exact.c) and of the known-value table
 * pi_table_below (src/kernels/pi_table.c), against brute force, trial division, each other, and counts
 * made with the independent primesieve program. Runs in a few seconds; set PI_TEST_FULL=1 to also check
 * every table point up to PI_EXACT_MAX (about 20 s more). */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernels/pi_exact.h"
#include "kernels/pi_table.h"

/* ------------------------------------------------------------------ references ----------------- */

static bool prime_by_trial_division(uint64_t x)
{
    if (x < 2)
        return false;
    if (x % 2 == 0)
        return x == 2;
    for (uint64_t d = 3; d <= x / d; d += 2)
        if (x % d == 0)
            return false;
    return true;
}

/* Deterministic xorshift64*, so failures reproduce. */
static uint64_t random_state = UINT64_C(0x9E3779B97F4A7C15);
static uint64_t random_u64(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return random_state * UINT64_C(2685821657736338717);
}

/* x = 10^k for k <= 19, or 2^k for k <= 63. */
static uint64_t power_u64(uint64_t base, unsigned k)
{
    uint64_t r = 1;
    while (k--)
        r *= base;
    return r;
}

/* ------------------------------------------------------------------ prime_u64 ------------------ */

static void test_prime_matches_trial_division_below_one_million(void **state)
{
    (void)state;
    for (uint64_t x = 0; x < 1000000; x++)
        if (prime_u64(x) != prime_by_trial_division(x))
            fail_msg("prime_u64(%llu) is wrong", (unsigned long long)x);
}

static void test_prime_matches_trial_division_random_40_bit(void **state)
{
    (void)state;
    /* Trial division by the primes below 2^20 decides every x < 2^40. */
    enum { LIMIT = 1 << 20 };
    unsigned char *composite = calloc(LIMIT, 1);
    uint32_t *primes = malloc(sizeof *primes * 100000);
    assert_non_null(composite);
    assert_non_null(primes);
    size_t count = 0;
    for (uint32_t i = 2; i < LIMIT; i++) {
        if (composite[i])
            continue;
        primes[count++] = i;
        for (uint64_t m = (uint64_t)i * i; m < LIMIT; m += i)
            composite[m] = 1;
    }
    for (int t = 0; t < 20000; t++) {
        uint64_t x = random_u64() >> 24;
        if (t % 2)
            x |= 1;  /* more odd numbers, so more primes */
        bool is_prime = x >= 2;
        for (size_t i = 0; i < count && (uint64_t)primes[i] * primes[i] <= x; i++)
            if (x % primes[i] == 0) {
                is_prime = false;
                break;
            }
        if (prime_u64(x) != is_prime)
            fail_msg("prime_u64(%llu) is wrong", (unsigned long long)x);
    }
    free(composite);
    free(primes);
}

static void test_prime_known_64_bit_values(void **state)
{
    (void)state;
    static const uint64_t primes[] = {
        UINT64_C(2147483647),            /* 2^31 - 1 */
        UINT64_C(4294967291),            /* 2^32 - 5, the largest 32-bit prime */
        UINT64_C(4294967311),            /* the smallest prime above 2^32 */
        UINT64_C(2305843009213693951),   /* 2^61 - 1 */
        UINT64_C(1000000000000000003),   /* the first primes above 10^18 (primesieve) */
        UINT64_C(1000000000000000009),
        UINT64_C(9223372036854775783),   /* the largest prime below 2^63 */
        UINT64_C(18446744073709551521),  /* the three largest 64-bit primes (primesieve) */
        UINT64_C(18446744073709551533),
        UINT64_C(18446744073709551557),  /* 2^64 - 59 */
    };
    static const uint64_t composites[] = {
        /* strong pseudoprimes to the first prime bases: 2; 2,3; 2,3,5; 2,3,5,7; 2..11; 2..13; 2..17; 2..23 */
        UINT64_C(2047), UINT64_C(1373653), UINT64_C(25326001), UINT64_C(3215031751),
        UINT64_C(2152302898747), UINT64_C(3474749660383), UINT64_C(341550071728321),
        UINT64_C(3825123056546413051),
        /* Carmichael numbers */
        UINT64_C(561), UINT64_C(1105), UINT64_C(1729), UINT64_C(2465), UINT64_C(2821), UINT64_C(6601),
        UINT64_C(8911), UINT64_C(41041), UINT64_C(825265), UINT64_C(321197185),
        /* other shapes */
        UINT64_C(18446744073709551615),  /* 2^64 - 1 */
        UINT64_C(18446744073709551614),
        UINT64_C(18446744030759878681),  /* (2^32 - 5)^2 */
        UINT64_C(1000000000000000001),   /* 10^18 + 1, divisible by 101 */
        UINT64_C(9223372036854775808),   /* 2^63 */
        UINT64_C(4611686014132420609),   /* (2^31 - 1)^2 */
        UINT64_C(1),
        UINT64_C(0),
    };
    for (size_t i = 0; i < sizeof primes / sizeof primes[0]; i++)
        if (!prime_u64(primes[i]))
            fail_msg("%llu is prime", (unsigned long long)primes[i]);
    for (size_t i = 0; i < sizeof composites / sizeof composites[0]; i++)
        if (prime_u64(composites[i]))
            fail_msg("%llu is not prime", (unsigned long long)composites[i]);
}

/* Chernick's (6k+1)(12k+1)(18k+1) is a Carmichael number whenever the three factors are prime. */
static void test_prime_rejects_large_carmichael_numbers(void **state)
{
    (void)state;
    int found = 0;
    for (uint64_t k = 200000; k >= 1 && found < 40; k--) {
        uint64_t f1 = 6 * k + 1, f2 = 12 * k + 1, f3 = 18 * k + 1;
        if (!prime_by_trial_division(f1) || !prime_by_trial_division(f2) || !prime_by_trial_division(f3))
            continue;
        uint64_t n = f1 * f2 * f3;  /* < 2^64 for k <= 200000 */
        found++;
        if (prime_u64(n))
            fail_msg("Carmichael number %llu reported prime", (unsigned long long)n);
    }
    assert_true(found >= 40);
}

/* Products of two primes near 2^32 and of a small and a large prime: no small factor to find. */
static void test_prime_rejects_semiprimes(void **state)
{
    (void)state;
    uint64_t big[64];
    int count = 0;
    for (uint64_t q = UINT64_C(4294967295); count < 64; q -= 2)
        if (prime_by_trial_division(q))
            big[count++] = q;
    for (int i = 0; i < count; i++)
        for (int j = i; j < count; j++)
            if (prime_u64(big[i] * big[j]))
                fail_msg("%llu * %llu reported prime", (unsigned long long)big[i],
                         (unsigned long long)big[j]);
    for (uint64_t small = 41; small < 2000; small += 2)
        if (prime_by_trial_division(small) && prime_u64(small * big[0]))
            fail_msg("%llu * %llu reported prime", (unsigned long long)small, (unsigned long long)big[0]);
}

/* Every divisor d of a Miller-Rabin base makes that base = 0 (mod d); the test must still be right. */
static void test_prime_divisors_of_the_bases(void **state)
{
    (void)state;
    static const uint64_t bases[] = {2, 325, 9375, 28178, 450775, 9780504, 1795265022};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        uint64_t b = bases[i];
        for (uint64_t d = 1; d <= b / d; d++) {
            if (b % d)
                continue;
            assert_int_equal(prime_u64(d), prime_by_trial_division(d));
            assert_int_equal(prime_u64(b / d), prime_by_trial_division(b / d));
        }
    }
}

/* Prime counts in windows, made with primesieve 11 ("primesieve LO HI -c1" counts LO <= p <= HI). */
static void test_prime_counts_in_windows_match_primesieve(void **state)
{
    (void)state;
    static const struct { uint64_t lo, hi, count; } windows[] = {
        {UINT64_C(18446744073708551615), UINT64_C(18446744073709551615), 22475},  /* [2^64-1-10^6, 2^64-1] */
        {UINT64_C(1000000000000000000), UINT64_C(1000000000001000000), 24280},    /* [10^18, 10^18+10^6] */
        {UINT64_C(4611686018427387904), UINT64_C(4611686018427388904), 32},       /* [2^62, 2^62+1000] */
        {UINT64_C(9223372036854775808), UINT64_C(9223372036854776808), 22},       /* [2^63, 2^63+1000] */
    };
    for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
        uint64_t count = 0;
        for (uint64_t x = windows[i].lo;; x++) {
            count += prime_u64(x);
            if (x == windows[i].hi)
                break;
        }
        assert_int_equal(count, windows[i].count);
    }
}

/* ------------------------------------------------------------------ pi_exact ------------------- */

static void test_pi_exact_matches_brute_force_to_100000(void **state)
{
    (void)state;
    enum { N = 100000 };
    uint64_t *pi = malloc(sizeof *pi * (N + 1));
    assert_non_null(pi);
    uint64_t running = 0;
    for (uint64_t x = 0; x <= N; x++) {
        running += prime_by_trial_division(x);
        pi[x] = running;
    }
    for (uint64_t x = 0; x <= N; x++) {
        /* every x to 2000; then every 7th, and the neighbours of prime squares and cubes */
        bool check = x <= 2000 || x % 7 == 0;
        for (uint64_t p = 2; !check && p * p <= x + 1; p++) {
            if (!prime_by_trial_division(p))
                continue;
            uint64_t square = p * p, cube = square * p;
            check = (x + 1 >= square && x <= square + 1) || (x + 1 >= cube && x <= cube + 1);
        }
        if (check && pi_exact(x) != pi[x])
            fail_msg("pi_exact(%llu) = %llu, want %llu", (unsigned long long)x,
                     (unsigned long long)pi_exact(x), (unsigned long long)pi[x]);
    }
    free(pi);
}

/* Other splits of the work (y from cbrt(x) to sqrt(x), tiny to large segments) must give the same
 * counts: this drives the many-segment and clamped-y paths that the default tuning reaches only for
 * large x. */
static void test_pi_exact_any_tuning_gives_the_same_count(void **state)
{
    (void)state;
    static const double alphas[] = {0.5, 1, 3, 12, 40};
    static const uint64_t segments[] = {128, 1024, 1 << 16};
    enum { N = 200000 };
    uint64_t *pi = malloc(sizeof *pi * (N + 1));
    assert_non_null(pi);
    uint64_t running = 0;
    for (uint64_t x = 0; x <= N; x++) {
        running += prime_by_trial_division(x);
        pi[x] = running;
    }
    for (size_t i = 0; i < sizeof alphas / sizeof alphas[0]; i++)
        for (size_t j = 0; j < sizeof segments / sizeof segments[0]; j++)
            for (uint64_t x = 0; x <= N; x += x < 3000 ? 1 : 97)
                if (pi_exact_tuned(x, alphas[i], segments[j]) != pi[x])
                    fail_msg("pi_exact_tuned(%llu, %g, %llu) = %llu, want %llu", (unsigned long long)x,
                             alphas[i], (unsigned long long)segments[j],
                             (unsigned long long)pi_exact_tuned(x, alphas[i], segments[j]),
                             (unsigned long long)pi[x]);
    free(pi);
    static const uint64_t larger[] = {UINT64_C(999999937), UINT64_C(4294967296), UINT64_C(31415926535)};
    for (size_t k = 0; k < sizeof larger / sizeof larger[0]; k++) {
        uint64_t want = pi_exact(larger[k]);
        for (size_t i = 0; i < sizeof alphas / sizeof alphas[0]; i++)
            assert_int_equal(pi_exact_tuned(larger[k], alphas[i], i % 2 ? 1 << 12 : 1 << 17), want);
    }
}

static void test_pi_exact_ten_to_the_ten(void **state)
{
    (void)state;
    assert_int_equal(pi_exact(UINT64_C(10000000000)), UINT64_C(455052511));
}

/* pi_exact against every table point up to a limit: 2^43 and 10^13 normally, PI_EXACT_MAX with
 * PI_TEST_FULL set. The table's count below x is pi(x - 1). */
static void test_pi_exact_matches_table(void **state)
{
    (void)state;
    const char *full = getenv("PI_TEST_FULL");
    uint64_t limit = full && *full && strcmp(full, "0") ? PI_EXACT_MAX : UINT64_C(10000000000000);
    int checked = 0;
    for (unsigned base = 2; base <= 10; base += 8) {
        for (unsigned k = 1; k <= (base == 2 ? 63u : 19u); k++) {
            uint64_t x = power_u64(base, k), count;
            const char *label;
            if (x - 1 > limit)
                break;
            assert_true(pi_table_below(x, &count, &label));
            if (pi_exact(x - 1) != count)
                fail_msg("pi_exact(%s - 1) = %llu, table says %llu", label,
                         (unsigned long long)pi_exact(x - 1), (unsigned long long)count);
            checked++;
        }
    }
    assert_true(checked >= 13 + 43);
}

/* pi_exact(x) - pi_exact(x - 1) is whether x is prime, and a window's count is the sum of prime_u64. */
static void test_pi_exact_agrees_with_prime_u64(void **state)
{
    (void)state;
    for (int t = 0; t < 40; t++) {
        uint64_t x = 1000 + random_u64() % UINT64_C(100000000000);
        if (t % 2 == 0)
            x |= 1;
        assert_int_equal(pi_exact(x) - pi_exact(x - 1), prime_u64(x));
    }
    uint64_t lo = UINT64_C(123456789012), hi = lo + 200000, count = 0;
    for (uint64_t x = lo + 1; x <= hi; x++)
        count += prime_u64(x);
    assert_int_equal(pi_exact(hi) - pi_exact(lo), count);
}

static void test_pi_exact_aborts_above_max(void **state)
{
    (void)state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        (void)pi_exact(PI_EXACT_MAX + 1);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* ------------------------------------------------------------------ pi_table_below ------------- */

static void expect_hit(uint64_t x, uint64_t want_count, const char *want_label)
{
    uint64_t count = 12345;
    const char *label = NULL;
    assert_true(pi_table_below(x, &count, &label));
    assert_int_equal(count, want_count);
    assert_non_null(label);
    assert_string_equal(label, want_label);
}

static void expect_miss(uint64_t x)
{
    uint64_t count = 777;
    const char *label = "untouched";
    assert_false(pi_table_below(x, &count, &label));
}

static void test_pi_table_hits(void **state)
{
    (void)state;
    expect_hit(0, 0, "0");
    expect_hit(1, 0, "1");
    expect_hit(2, 0, "2^1");
    expect_hit(4, 2, "2^2");
    expect_hit(8, 4, "2^3");
    expect_hit(10, 4, "10^1");
    expect_hit(100, 25, "10^2");
    expect_hit(1024, 172, "2^10");
    expect_hit(UINT64_C(10000000000), UINT64_C(455052511), "10^10");
    expect_hit(UINT64_C(4294967296), UINT64_C(203280221), "2^32");
    expect_hit(UINT64_C(10000000000000000000), UINT64_C(234057667276344607), "10^19");
    expect_hit(UINT64_C(9223372036854775808), UINT64_C(216289611853439384), "2^63");
    expect_hit(UINT64_C(18446744073709551615), UINT64_C(425656284035217743), "2^64-1");
}

static void test_pi_table_misses(void **state)
{
    (void)state;
    static const uint64_t misses[] = {
        3, 5, 6, 7, 9, 11, 12, 20, 99, 101, 1000000001, 12345, UINT64_C(4294967295), UINT64_C(4294967297),
        UINT64_C(9223372036854775807), UINT64_C(9223372036854775809), UINT64_C(10000000000000000001),
        UINT64_C(18446744073709551614), UINT64_C(18446744073709551557),
    };
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++)
        expect_miss(misses[i]);
}

/* Every 10^k and 2^k is present, labelled "10^k" / "2^k", and counts grow with x but stay below it. */
static void test_pi_table_is_complete_and_consistent(void **state)
{
    (void)state;
    uint64_t xs[90], counts[90];
    size_t n = 0;
    for (unsigned base = 2; base <= 10; base += 8) {
        for (unsigned k = 1; k <= (base == 2 ? 63u : 19u); k++) {
            uint64_t x = power_u64(base, k), count;
            const char *label;
            char want[16] = {0};
            assert_true(pi_table_below(x, &count, &label));
            want[0] = base == 2 ? '2' : '1';
            size_t at = base == 2 ? 1 : 2;
            if (base == 10)
                want[1] = '0';
            want[at++] = '^';
            if (k >= 10)
                want[at++] = (char)('0' + k / 10);
            want[at] = (char)('0' + k % 10);
            assert_string_equal(label, want);
            xs[n] = x;
            counts[n++] = count;
        }
    }
    const char *label;
    xs[n] = UINT64_MAX;
    assert_true(pi_table_below(UINT64_MAX, &counts[n], &label));
    n++;
    for (size_t i = 0; i < n; i++) {
        assert_true(counts[i] < xs[i]);
        for (size_t j = 0; j < n; j++)
            if (xs[i] < xs[j])
                assert_true(counts[i] <= counts[j]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prime_matches_trial_division_below_one_million),
        cmocka_unit_test(test_prime_matches_trial_division_random_40_bit),
        cmocka_unit_test(test_prime_known_64_bit_values),
        cmocka_unit_test(test_prime_rejects_large_carmichael_numbers),
        cmocka_unit_test(test_prime_rejects_semiprimes),
        cmocka_unit_test(test_prime_divisors_of_the_bases),
        cmocka_unit_test(test_prime_counts_in_windows_match_primesieve),
        cmocka_unit_test(test_pi_exact_matches_brute_force_to_100000),
        cmocka_unit_test(test_pi_exact_any_tuning_gives_the_same_count),
        cmocka_unit_test(test_pi_exact_ten_to_the_ten),
        cmocka_unit_test(test_pi_exact_matches_table),
        cmocka_unit_test(test_pi_exact_agrees_with_prime_u64),
        cmocka_unit_test(test_pi_exact_aborts_above_max),
        cmocka_unit_test(test_pi_table_hits),
        cmocka_unit_test(test_pi_table_misses),
        cmocka_unit_test(test_pi_table_is_complete_and_consistent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
