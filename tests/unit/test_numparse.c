/* test_numparse.c: the number syntax of the command line, its accepted and its rejected forms, and the
 * stack-size syntax of OMP_STACKSIZE (env_check.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "env_check.h"
#include "numparse.h"

static void accepts(const char *text, uint64_t expected)
{
    uint64_t v = 0;
    char why[96] = "";
    int rc = numparse_u64(text, &v, why, sizeof why);
    if (rc != 0)
        fail_msg("'%s' rejected: %s", text, why);
    if (v != expected)
        fail_msg("'%s' parsed as %llu, expected %llu", text, (unsigned long long)v, (unsigned long long)expected);
}

static void rejects(const char *text, const char *reason)
{
    uint64_t v = 12345;
    char why[96] = "";
    if (numparse_u64(text, &v, why, sizeof why) == 0)
        fail_msg("'%s' accepted as %llu", text, (unsigned long long)v);
    if (!strstr(why, reason))
        fail_msg("'%s' rejected with '%s', expected '%s'", text, why, reason);
    assert_int_equal(v, 12345); /* untouched */
}

static void test_accepted(void **state)
{
    (void)state;
    accepts("0", 0);
    accepts("1", 1);
    accepts("1000000", 1000000);
    accepts("1_000_000", 1000000);
    accepts("1e9", 1000000000);
    accepts("1E9", 1000000000);
    accepts("5e0", 5);
    accepts("0e5", 0);
    accepts("10^12", UINT64_C(1000000000000));
    accepts("2^40", UINT64_C(1) << 40);
    accepts("2^63", UINT64_C(1) << 63);
    accepts("9^9", 387420489);
    accepts("0^0", 1);
    accepts("1^999999", 1);
    accepts("2^64-1", UINT64_MAX);
    accepts("2^32+15", (UINT64_C(1) << 32) + 15);
    accepts("18446744073709551615", UINT64_MAX);
    accepts("18_446_744_073_709_551_615", UINT64_MAX);
    accepts("1e19", UINT64_C(10000000000000000000));
    accepts("3e2+1e1-5", 305);
    accepts("007", 7);
}

static void test_rejected(void **state)
{
    (void)state;
    rejects("", "empty");
    rejects("-1", "negative");
    rejects("-0", "negative");
    rejects("1.5e3", "not a whole number");
    rejects("1.0", "not a whole number");
    rejects("abc", "not a whole number");
    rejects("12abc", "not a whole number");
    rejects(" 12", "not a whole number");
    rejects("12 ", "not a whole number");
    rejects("+12", "not a whole number");
    rejects("0x10", "not a whole number");
    rejects("1e", "not a whole number");
    rejects("e9", "not a whole number");
    rejects("^3", "not a whole number");
    rejects("2^", "not a whole number");
    rejects("1e-3", "negative exponent");
    rejects("_1", "not a whole number");
    rejects("1_", "not a whole number");
    rejects("1__0", "not a whole number");
    rejects("1,000", "not a whole number");
    rejects("2^64", "exceeds 2^64-1");
    rejects("18446744073709551616", "exceeds 2^64-1");
    rejects("99999999999999999999999", "exceeds 2^64-1");
    rejects("1e20", "exceeds 2^64-1");
    rejects("2e19", "exceeds 2^64-1");
    rejects("2^63+2^63", "exceeds 2^64-1");
    rejects("5-6", "negative");
    rejects("1+", "not a whole number");
    rejects("inf", "not a whole number");
    rejects("nan", "not a whole number");
}

static void stack_is(const char *text, uint64_t bytes)
{
    uint64_t got = 0;
    assert_int_equal(env_parse_stacksize(text, &got), 0);
    assert_int_equal(got, bytes);
}

static void test_stacksize(void **state)
{
    (void)state;
    stack_is("16", UINT64_C(16) << 10);
    stack_is("16k", UINT64_C(16) << 10);
    stack_is("  8 M ", UINT64_C(8) << 20);
    stack_is("1G", UINT64_C(1) << 30);
    stack_is("4096b", 4096);
    stack_is("0", 0);
    static const char *const bad[] = {"", " ", "abc", "-1", "1T", "1 G x", "1.5M", "M", "1e6",
                                      "99999999999999999999999", "18014398509481984K", "1MB", NULL};
    for (int i = 0; bad[i]; i++) {
        uint64_t got = 7;
        if (env_parse_stacksize(bad[i], &got) != -1 || got != 7)
            fail_msg("'%s' was accepted", bad[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_accepted), cmocka_unit_test(test_rejected),
                                       cmocka_unit_test(test_stacksize)};
    return cmocka_run_group_tests_name("numparse", tests, NULL, NULL);
}
