/* test_usage.c: the verdict on a run's usage (run_usage.c): what counts as disturbed, what is too short
 * to tell, and what a run's own spare cores and oversubscription change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "run_usage.h"

static run_usage usage(double cpu_s, double other_cpu_s, double wall_s)
{
    return (run_usage){.measured = true, .cpu_s = cpu_s, .other_cpu_s = other_cpu_s,
                       .other_cpus = other_cpu_s / wall_s};
}

static void test_other_load(void **state)
{
    (void)state;
    /* two workers on two cores, another process took most of one: disturbed */
    run_usage u = usage(2.0, 0.7, 1.0);
    usage_judge(&u, 2.0, 0, true, false);
    assert_true(u.disturbed);
    assert_non_null(strstr(u.disturbed_why, "0.70 CPUs"));
    /* the same load on the core a one-worker run left free: not held against it */
    u = usage(1.0, 0.7, 1.0);
    usage_judge(&u, 1.0, 1, true, false);
    assert_false(u.disturbed);
    assert_string_equal(u.disturbed_why, "");
    /* a little background (0.2 CPUs): within the limit */
    u = usage(2.0, 0.2, 1.0);
    usage_judge(&u, 2.0, 0, true, false);
    assert_false(u.disturbed);
    /* a 10 ms run: two ticks of /proc/stat decide nothing */
    u = usage(0.02, 0.02, 0.01);
    usage_judge(&u, 0.02, 0, true, false);
    assert_false(u.disturbed);
}

static void test_descheduled_workers(void **state)
{
    (void)state;
    /* two workers busy 1 s each that got 1 s of CPU between them: they shared a core */
    run_usage u = usage(1.0, 0.0, 1.0);
    usage_judge(&u, 2.0, 0, true, false);
    assert_true(u.disturbed);
    assert_float_equal(u.cpu_per_busy, 0.5, 1e-12);
    assert_non_null(strstr(u.disturbed_why, "descheduled"));
    /* oversubscribed on purpose: that is marked as such, not as disturbed */
    u = usage(1.0, 0.0, 1.0);
    usage_judge(&u, 2.0, 0, true, true);
    assert_false(u.disturbed);
    /* a task list that waits (sleeps, I/O) is busy without CPU by design */
    u = usage(0.1, 0.0, 1.0);
    usage_judge(&u, 2.0, 0, false, false);
    assert_false(u.disturbed);
    /* simulated: nothing measured, nothing judged */
    u = (run_usage){.measured = false, .other_cpus = NAN};
    usage_judge(&u, 2.0, 0, true, false);
    assert_false(u.disturbed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_other_load), cmocka_unit_test(test_descheduled_workers)};
    return cmocka_run_group_tests_name("usage", tests, NULL, NULL);
}
