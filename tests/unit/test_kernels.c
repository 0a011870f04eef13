/* test_kernels.c: the kernels through the seam: product fields against GMP's mpz_primorial_ui for many
 * ranges and item sizes, merges and pack/unpack in any grouping, count and spin, and the work items. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmp.h>

#include "job.h"
#include "kernels/counting.h"
#include "kernels/kernel.h"
#include "kernels/product_verify.h"
#include "options.h"

static uint64_t rng_state = 88172645463325252u;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static job make_job(const char *kernel_name, method_kind method, uint64_t from, uint64_t n, uint64_t chunk)
{
    job j = {.kernel = kernel_find(kernel_name), .method = method, .from = from, .n = n};
    assert_non_null(j.kernel);
    job_set_chunk(&j, chunk ? chunk : j.kernel->default_chunk(&j));
    return j;
}

/* Runs the job's items spread over `workers` partials (item i to worker i mod workers), packs and unpacks
 * every partial, merges them in reverse order and finishes. */
static result run_spread(const job *j, int workers)
{
    const kernel *k = j->kernel;
    void **parts = calloc((size_t)workers, sizeof *parts);
    for (int w = 0; w < workers; w++) {
        parts[w] = calloc(1, k->partial_size);
        k->init(j, parts[w]);
    }
    for (uint64_t i = 0; i < j->n_items; i++) {
        work_item item;
        job_item(j, i, &item);
        k->run_item(j, &item, parts[i % (uint64_t)workers]);
    }
    for (int w = workers - 1; w > 0; w--) {
        void *buf;
        size_t len = k->pack(j, parts[w], &buf);
        void *copy = calloc(1, k->partial_size);
        k->init(j, copy);
        assert_true(k->unpack(j, copy, buf, len));
        free(buf);
        k->merge(j, parts[w - 1], copy);
        kernel_release(j, copy);
        free(copy);
    }
    kernel_complete(j, parts[0]);
    result r;
    k->finish(j, parts[0], &r);
    for (int w = 0; w < workers; w++) {
        kernel_release(j, parts[w]);
        free(parts[w]);
    }
    free(parts);
    return r;
}

static void expect_primorial_fields(uint64_t from, uint64_t n, const result *r)
{
    mpz_t x, below;
    mpz_inits(x, below, NULL);
    if (n > from && n > 0) {
        mpz_primorial_ui(x, (unsigned long)(n - 1));
        if (from > 1) {
            mpz_primorial_ui(below, (unsigned long)(from - 1));
            mpz_divexact(x, x, below);
        }
    } else {
        mpz_set_ui(x, 1);
    }
    char *decimal = mpz_get_str(NULL, 10, x);
    assert_int_equal(r->digits, strlen(decimal));
    free(decimal);
    assert_int_equal(r->bits, mpz_sizeinbase(x, 2));
    assert_int_equal(r->mod_m61, mpz_fdiv_ui(x, (UINT64_C(1) << 61) - 1));
    mpz_fdiv_r_2exp(below, x, 64);
    uint64_t low = 0;
    mpz_export(&low, NULL, -1, sizeof low, 0, 0, below);
    assert_int_equal(r->low64, low);
    mpz_clears(x, below, NULL);
}

static void test_product_matches_primorial_small(void **state)
{
    (void)state;
    for (uint64_t n = 0; n <= 600; n++) {
        job j = make_job("product", METHOD_SIEVE, 0, n, 0);
        result r = run_spread(&j, 1);
        expect_primorial_fields(0, n, &r);
    }
}

static void test_product_matches_primorial_random(void **state)
{
    (void)state;
    static const method_kind methods[] = {METHOD_SIEVE, METHOD_TRIAL, METHOD_NAIVE};
    for (int i = 0; i < 120; i++) {
        method_kind m = methods[i % 3];
        uint64_t limit = m == METHOD_NAIVE ? 20000 : 2000000;
        uint64_t n = rng() % limit + 1;
        uint64_t from = i % 2 ? rng() % n : 0;
        uint64_t chunk = (i % 4 == 0) ? 1 + rng() % 5000 : 0;   /* many tiny items, or the default */
        job j = make_job("product", m, from, n, chunk);
        result r = run_spread(&j, 1 + (int)(rng() % 5));
        expect_primorial_fields(from, n, &r);
    }
}

static void test_product_tutorial_limit(void **state)
{
    (void)state;
    job j = make_job("product", METHOD_NAIVE, 0, 50328, 0);
    result r = run_spread(&j, 3);
    assert_int_equal(r.value, 5164);
    assert_int_equal(r.bits, 72233);
    assert_int_equal(r.digits, 21745);
}

static void test_product_verify_exact(void **state)
{
    (void)state;
    job j = make_job("product", METHOD_SIEVE, 1000, 300000, 7777);
    j.verify_exact = true;
    result r = run_spread(&j, 4);
    assert_int_equal(r.verify, VERIFY_EXACT);
    assert_true(r.verify_ok);
}

/* The prime-by-prime check of a range far above 2^24 finds the run's product equal, and a product off by
 * one prime unequal; the method chosen for each kind of range is the documented one. */
static void test_product_verify_prime_by_prime(void **state)
{
    (void)state;
    uint64_t from = (UINT64_C(1) << 40) - 1000, n = (UINT64_C(1) << 40) + 70000;
    assert_int_equal(product_verify_method_for(from, n), PRODUCT_VERIFY_PRIME_BY_PRIME);
    job j = make_job("product", METHOD_SIEVE, from, n, 9000);
    j.verify_exact = true;
    result r = run_spread(&j, 3);
    assert_int_equal(r.verify, VERIFY_EXACT);
    assert_true(r.verify_ok);
    assert_non_null(strstr(r.verify_detail, "Miller-Rabin"));
    mpz_t wrong;
    mpz_init_set_ui(wrong, 1);
    product_verify(&j, wrong, &r);
    assert_false(r.verify_ok);
    mpz_clear(wrong);
    /* both methods agree where both apply: [2^24 + 1, 2^24 + 2^16) checked each way */
    job k = make_job("product", METHOD_SIEVE, (UINT64_C(1) << 24) + 1, (UINT64_C(1) << 24) + 65536, 0);
    k.verify_exact = true;
    assert_int_equal(product_verify_method_for(k.from, k.n), PRODUCT_VERIFY_PRIME_BY_PRIME);
    r = run_spread(&k, 2);
    assert_true(r.verify_ok);
    assert_int_equal(product_verify_method_for(0, 1000), PRODUCT_VERIFY_PRIMORIAL);
    assert_int_equal(product_verify_method_for(1000, 1000), PRODUCT_VERIFY_PRIMORIAL);
    assert_int_equal(product_verify_method_for(UINT64_C(1) << 27, UINT64_C(1) << 30), PRODUCT_VERIFY_PRIMORIAL);
    assert_int_equal(product_verify_method_for(UINT64_C(1) << 28, UINT64_C(1) << 30), PRODUCT_VERIFY_OUT_OF_REACH);
    assert_int_equal(product_verify_method_for(UINT64_C(1) << 24, UINT64_C(1) << 26), PRODUCT_VERIFY_PRIMORIAL);
    assert_int_equal(product_verify_method_for(UINT64_MAX - 5, UINT64_MAX), PRODUCT_VERIFY_PRIME_BY_PRIME);
}

static void test_count_same_in_any_grouping(void **state)
{
    (void)state;
    for (int i = 0; i < 50; i++) {
        uint64_t n = rng() % 5000000;
        uint64_t from = rng() % (n + 1);
        job one = make_job("count", METHOD_SIEVE, from, n, 0);
        job many = make_job("count", METHOD_SIEVE, from, n, 30 + rng() % 100000);
        job trial = make_job("count", METHOD_TRIAL, from, n, 0);
        uint64_t a = run_spread(&one, 1).value;
        assert_int_equal(run_spread(&many, 1 + (int)(rng() % 7)).value, a);
        assert_int_equal(run_spread(&trial, 2).value, a);
    }
}

static void test_count_table_verification(void **state)
{
    (void)state;
    job j = make_job("count", METHOD_SIEVE, 0, 10000000, 0);
    result r = run_spread(&j, 2);
    assert_int_equal(r.value, 664579);
    assert_int_equal(r.verify, VERIFY_TABLE);
    assert_true(r.verify_ok);
    job k = make_job("count", METHOD_SIEVE, 12345, 10000000, 0);
    r = run_spread(&k, 2);
    assert_int_equal(r.verify, VERIFY_NONE);
    k.verify_exact = true;
    r = run_spread(&k, 2);
    assert_int_equal(r.verify, VERIFY_EXACT);
    assert_true(r.verify_ok);
}

static void test_spin_closed_form(void **state)
{
    (void)state;
    job j = make_job("spin", METHOD_SIEVE, 17, 1000003, 999);
    result r = run_spread(&j, 3);
    assert_int_equal(r.value, 1000003 - 17);
    assert_int_equal(r.verify, VERIFY_EXACT);
    assert_true(r.verify_ok);
}

/* The unrolled loops of counting.h: every length around the unrolling (empty, under 8, whole trips plus
 * each remainder), reversed ranges, and ranges that end at 2^64 - 1. */
static void test_counting_loops_every_remainder(void **state)
{
    (void)state;
    const uint64_t starts[] = {0, 1, 7, 1000003, UINT64_MAX - 40};
    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++)
        for (uint64_t len = 0; len <= 40; len++) {
            uint64_t lo = starts[s], hi = lo + len;
            assert_int_equal(counting_loop(lo, hi), len);
            assert_int_equal(counting_loop(hi, lo), 0); /* reversed (or empty): nothing to count */
        }
    assert_int_equal(counting_loop(UINT64_MAX - 9, UINT64_MAX), 9);
    for (uint64_t n = 0; n <= 70; n++) {
        uint64_t expected = n % 2 == 0 ? (n / 2) * (n - 1) : n * ((n - 1) / 2);
        assert_int_equal(summing_loop(n), expected);
    }
    assert_int_equal(summing_loop(1000003), (uint64_t)1000003 * 1000002 / 2);
}

static void test_items_cover_the_range(void **state)
{
    (void)state;
    for (int i = 0; i < 2000; i++) {
        uint64_t n = rng() >> (rng() % 64);
        uint64_t from = n ? rng() % n : 0;
        uint64_t chunk = 1 + (rng() >> (rng() % 64));
        job j = {.from = from, .n = n};
        job_set_chunk(&j, chunk);
        if (n <= from) {
            assert_int_equal(j.n_items, 0);
            continue;
        }
        work_item first, last;
        job_item(&j, 0, &first);
        job_item(&j, j.n_items - 1, &last);
        assert_int_equal(first.lo, from);
        assert_int_equal(last.hi, n);
        for (uint64_t k = 0; k + 1 < j.n_items && k < 50; k++) {
            work_item a, b;
            job_item(&j, k, &a);
            job_item(&j, k + 1, &b);
            assert_int_equal(a.hi, b.lo);
            assert_true(a.lo < a.hi);
            assert_int_equal((b.lo - from) % chunk, 0);
        }
    }
}

/* Far out the sieve's items are as large as -s accepts, never larger, and a range that fits one item is
 * one item wherever it starts (each item pays for every sieving prime below sqrt(n)). */
static void test_count_items_far_out(void **state)
{
    (void)state;
    const uint64_t top = UINT64_MAX;
    const uint64_t widths[] = {10000000, 1000000000, 10000000000u, 100000000000u};
    for (size_t i = 0; i < sizeof widths / sizeof *widths; i++)
        for (uint64_t workers = 1; workers <= 4; workers++) {
            job j = make_job("count", METHOD_SIEVE, top - widths[i] - 7 * i, top, 0);
            j.plan_workers = workers;
            uint64_t chunk = j.kernel->default_chunk(&j);
            assert_true(chunk <= OPTIONS_MAX_CHUNK);
            job_set_chunk(&j, chunk);
            uint64_t wanted = widths[i] > OPTIONS_MAX_CHUNK ? (widths[i] + chunk - 1) / chunk : workers;
            assert_int_equal(j.n_items, wanted > workers ? wanted : workers);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_product_matches_primorial_small),
        cmocka_unit_test(test_product_matches_primorial_random),
        cmocka_unit_test(test_product_tutorial_limit),
        cmocka_unit_test(test_product_verify_exact),
        cmocka_unit_test(test_product_verify_prime_by_prime),
        cmocka_unit_test(test_count_same_in_any_grouping),
        cmocka_unit_test(test_count_items_far_out),
        cmocka_unit_test(test_count_table_verification),
        cmocka_unit_test(test_spin_closed_form),
        cmocka_unit_test(test_counting_loops_every_remainder),
        cmocka_unit_test(test_items_cover_the_range),
    };
    return cmocka_run_group_tests_name("kernels", tests, NULL, NULL);
}
