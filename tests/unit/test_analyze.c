/* test_analyze.c: the statistics of `primes analyze`: sample summaries and intervals, the outlier rule,
 * Karp-Flatt on hand-computed points, Amdahl's and Gustafson's serial fractions recovered from synthetic
 * noisy runs within their intervals (and the intervals' coverage), the weak-scaling work rule, and the
 * FILE:LINE errors for unreadable or inconsistent run files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "analyze/compare.h"
#include "analyze/runs.h"
#include "analyze/series.h"
#include "analyze/work.h"
#include "analyze/stats.h"

static void test_describe(void **state)
{
    (void)state;
    const double x[] = {5, 1, 4, 2, 3};
    sample_stats s;
    stats_describe(x, 5, &s);
    assert_int_equal(s.count, 5);
    assert_float_equal(s.min, 1, 1e-12);
    assert_float_equal(s.max, 5, 1e-12);
    assert_float_equal(s.median, 3, 1e-12);
    assert_float_equal(s.mean, 3, 1e-12);
    assert_float_equal(s.sd, sqrt(2.5), 1e-12);
    /* t(0.975, 4) = 2.776445 */
    assert_float_equal(s.ci95, 2.776445105 * sqrt(2.5) / sqrt(5), 1e-6);
    assert_float_equal(x[0], 5, 0); /* the input is left alone */

    stats_describe(x, 1, &s);
    assert_float_equal(s.mean, 5, 0);
    assert_true(isnan(s.sd) && isnan(s.ci95));
    stats_describe(x, 0, &s);
    assert_true(isnan(s.mean));
}

static void test_t95(void **state)
{
    (void)state;
    assert_float_equal(stats_t95(1), 12.7062047, 1e-6);
    assert_float_equal(stats_t95(10), 2.2281389, 1e-6);
    assert_true(isnan(stats_t95(0)));
}

static void test_outliers(void **state)
{
    (void)state;
    const double x[] = {1.00, 1.01, 1.02, 0.99, 1.00, 2.0};
    sample_stats s;
    stats_describe(x, 6, &s);
    assert_true(stats_is_outlier(&s, 2.0));
    for (int i = 0; i < 5; i++)
        assert_false(stats_is_outlier(&s, x[i]));
    /* Identical timings but one 7% away: ordinary jitter, never an outlier; 8% away is. */
    const double tight[] = {1, 1, 1, 1, 1.07};
    stats_describe(tight, 5, &s);
    assert_false(stats_is_outlier(&s, 1.07));
    assert_true(stats_is_outlier(&s, 1.08));
    assert_true(stats_is_outlier(&s, 0.92));
    /* Three runs flag nothing. */
    const double few[] = {1, 1, 9};
    stats_describe(few, 3, &s);
    assert_false(stats_is_outlier(&s, 9));
}

static void test_karp_flatt_by_hand(void **state)
{
    (void)state;
    /* T(1) = 10, T(2) = 6, T(4) = 4: S = 5/3 and 5/2; e = (0.6 - 0.5) / 0.5 = 0.2 = (0.4 - 0.25) / 0.75. */
    assert_float_equal(stats_karp_flatt(10.0 / 6, 2), 0.2, 1e-12);
    assert_float_equal(stats_karp_flatt(10.0 / 4, 4), 0.2, 1e-12);
    /* S = 1.8 at p = 2: (1/1.8 - 1/2) / (1/2) = 1/9. */
    assert_float_equal(stats_karp_flatt(1.8, 2), 1.0 / 9, 1e-12);
    /* Perfect speedup: 0; no speedup at all on 8 workers: 1. */
    assert_float_equal(stats_karp_flatt(8, 8), 0, 1e-12);
    assert_float_equal(stats_karp_flatt(1, 8), 1, 1e-12);
    assert_true(isnan(stats_karp_flatt(1, 1)));
    /* Its interval: S = 2 +- 0.1 at p = 2: 0.1 / (4 * 0.5) = 0.05. */
    assert_float_equal(stats_karp_flatt_ci(2, 0.1, 2), 0.05, 1e-12);
    /* Gustafson per point: S = 3.4 at p = 4 gives alpha = 0.6 / 3 = 0.2, interval S_ci / 3. */
    assert_float_equal(stats_gustafson_point(3.4, 4), 0.2, 1e-12);
    assert_float_equal(stats_gustafson_point_ci(0.3, 4), 0.1, 1e-12);
}

static void test_ratio_ci(void **state)
{
    (void)state;
    assert_float_equal(stats_ratio(10, 4), 2.5, 1e-12);
    /* 10 +- 0.3 over 4 +- 0.16: relative 3% and 4%, so 5% of 2.5. */
    assert_float_equal(stats_ratio_ci(10, 0.3, 4, 0.16), 0.125, 1e-12);
    assert_true(isnan(stats_ratio_ci(10, NAN, 4, 0.1)));
}

/* Runs generated from Amdahl's law with serial fraction f and relative gaussian noise. */
static size_t amdahl_runs(gsl_rng *rng, double f, double t1, double noise, size_t reps, double *p, double *t,
                          double *w)
{
    static const double workers[] = {1, 2, 4, 8, 16};
    size_t n = 0;
    for (size_t i = 0; i < 5; i++) {
        double mean = t1 * (f + (1 - f) / workers[i]);
        for (size_t r = 0; r < reps; r++, n++) {
            p[n] = workers[i];
            t[n] = mean * (1 + gsl_ran_gaussian(rng, noise));
            w[n] = 1 / ((noise * mean) * (noise * mean));
        }
    }
    return n;
}

static void test_amdahl_recovers_serial_fraction(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double p[80], t[80], w[80];
    law_fit fit;
    /* Without noise: exact. */
    size_t n = amdahl_runs(rng, 0.2, 10, 0, 1, p, t, w);
    for (size_t i = 0; i < n; i++)
        w[i] = 1;
    stats_fit_amdahl(p, t, w, n, &fit);
    assert_true(fit.ok);
    assert_float_equal(fit.fraction, 0.2, 1e-9);
    assert_float_equal(fit.t1, 10, 1e-9);

    /* With 3% noise, one seed: inside its interval, and the interval is informative. */
    gsl_rng_set(rng, 42);
    n = amdahl_runs(rng, 0.07, 3.5, 0.03, 8, p, t, w);
    stats_fit_amdahl(p, t, w, n, &fit);
    assert_true(fit.ok);
    assert_int_equal(fit.points, 40);
    assert_int_equal(fit.dof, 38);
    if (!(fabs(fit.fraction - 0.07) <= fit.ci95))
        fail_msg("f = %g +- %g does not contain 0.07", fit.fraction, fit.ci95);
    assert_true(fit.ci95 < 0.02);

    /* Coverage of the 95% interval over many noisy studies (binomial: 95% of 400 is 380 +- 9). */
    size_t inside = 0, trials = 400;
    for (size_t k = 0; k < trials; k++) {
        gsl_rng_set(rng, 1000 + k);
        n = amdahl_runs(rng, 0.15, 2.0, 0.05, 5, p, t, w);
        stats_fit_amdahl(p, t, w, n, &fit);
        inside += fabs(fit.fraction - 0.15) <= fit.ci95;
    }
    if (inside < 360)
        fail_msg("the 95%% interval held f in only %zu of %zu studies", inside, trials);
    gsl_rng_free(rng);
}

static void test_amdahl_needs_two_worker_counts(void **state)
{
    (void)state;
    const double p[] = {2, 2, 2}, t[] = {1, 1.1, 0.9}, w[] = {1, 1, 1};
    law_fit fit;
    stats_fit_amdahl(p, t, w, 3, &fit);
    assert_false(fit.ok);
    /* Two points, two parameters: a value, no interval. */
    const double p2[] = {1, 2}, t2[] = {10, 6}, w2[] = {1, 1};
    stats_fit_amdahl(p2, t2, w2, 2, &fit);
    assert_true(fit.ok);
    assert_float_equal(fit.fraction, 0.2, 1e-12);
    assert_true(isnan(fit.ci95));
}

/* What a fit may claim: two worker counts give chi2/dof = 1 by construction (the within-count scatter
 * over itself), so no test; a fraction outside [0, 1] is no fraction; a law that misses the times is poor. */
static void test_fit_verdicts(void **state)
{
    (void)state;
    law_fit fit;
    const double p[] = {1, 1, 1, 2, 2, 2}, t[] = {10, 10.2, 9.8, 6, 6.1, 5.9}, w[] = {25, 25, 25, 25, 25, 25};
    stats_fit_amdahl(p, t, w, 6, &fit);
    fit.levels = 2;
    assert_true(fit.ok);
    assert_float_equal(fit.chi2_dof * (double)fit.dof, (0.08 + 0.02) * 25, 1e-9); /* the scatter itself */
    assert_int_equal(stats_fit_verdict(&fit, 2), FIT_EXACT);
    assert_string_equal(stats_fit_verdict_name(FIT_EXACT), "exact");
    /* superlinear: T(2) < T(1) / 2 makes f negative */
    const double t_super[] = {10, 10, 10, 4.5, 4.5, 4.6};
    stats_fit_amdahl(p, t_super, w, 6, &fit);
    fit.levels = 2;
    assert_true(fit.fraction < 0);
    assert_int_equal(stats_fit_verdict(&fit, 2), FIT_OUTSIDE_LAW);
    /* four worker counts on a + b / p: tested and fine; the same counts on a line in p: poor */
    const double p4[] = {1, 1, 2, 2, 4, 4, 8, 8};
    double t4[8], t_line[8], w4[8];
    for (int i = 0; i < 8; i++) {
        t4[i] = 2 + 8 / p4[i] + (i % 2 ? 0.01 : -0.01);
        t_line[i] = 12 - p4[i] + (i % 2 ? 0.01 : -0.01);
        w4[i] = 1 / (0.01 * 0.01);
    }
    stats_fit_amdahl(p4, t4, w4, 8, &fit);
    fit.levels = 4;
    assert_int_equal(stats_fit_verdict(&fit, 2), FIT_TESTED);
    assert_true(fit.p_value > 0.05);
    fit.levels = 3;
    assert_int_equal(stats_fit_verdict(&fit, 2), FIT_FEW);
    stats_fit_amdahl(p4, t_line, w4, 8, &fit);
    fit.levels = 4;
    if (stats_fit_verdict(&fit, 2) != FIT_POOR && stats_fit_verdict(&fit, 2) != FIT_OUTSIDE_LAW)
        fail_msg("a line in p fitted as Amdahl: f %g, p %g", fit.fraction, fit.p_value);
    fit.ok = false;
    assert_int_equal(stats_fit_verdict(&fit, 2), FIT_NONE);
}

/* The comparison's ratio of medians and its bootstrap interval: exact where it must be, repeatable, and
 * wide enough to say "the same" for two draws of one distribution. */
static void test_compare_ratio(void **state)
{
    (void)state;
    const double a[] = {1.0, 1.1, 0.9, 1.05, 0.95}, doubled[] = {2.0, 2.2, 1.8, 2.1, 1.9};
    double ratio, lo, hi, lo2, hi2, again;
    compare_ratio_ci(a, 5, doubled, 5, &ratio, &lo, &hi);
    assert_float_equal(ratio, 2.0, 1e-12);
    assert_true(lo > 1.6 && lo <= 2.0 && hi >= 2.0 && hi < 2.5);
    compare_ratio_ci(a, 5, doubled, 5, &again, &lo2, &hi2);
    assert_float_equal(lo, lo2, 0);
    assert_float_equal(hi, hi2, 0);
    const double b[] = {1.02, 0.97, 1.08, 0.93, 1.0};
    compare_ratio_ci(a, 5, b, 5, &ratio, &lo, &hi);
    assert_true(lo < 1 && hi > 1);
    compare_ratio_ci(a, 1, b, 5, &ratio, &lo, &hi); /* one run: a ratio, no interval */
    assert_float_equal(ratio, 1.0, 1e-12);
    assert_true(isnan(lo) && isnan(hi));
    compare_ratio_ci(a, 0, b, 5, &ratio, &lo, &hi);
    assert_true(isnan(ratio));
}

static void test_gustafson_recovers_alpha(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    static const double workers[] = {1, 2, 4, 8};
    double p[64], s[64], w[64];
    size_t inside = 0, trials = 400;
    for (size_t k = 0; k < trials; k++) {
        gsl_rng_set(rng, 7 + k);
        size_t n = 0;
        for (size_t i = 0; i < 4; i++)
            for (size_t r = 0; r < 5; r++, n++) {
                double ideal = 0.1 + 0.9 * workers[i], sigma = 0.03 * ideal;
                p[n] = workers[i];
                s[n] = ideal + gsl_ran_gaussian(rng, sigma);
                w[n] = 1 / (sigma * sigma);
            }
        law_fit fit;
        stats_fit_gustafson(p, s, w, n, &fit);
        assert_true(fit.ok);
        assert_int_equal(fit.points, 15); /* the 1-worker runs say nothing about alpha */
        inside += fabs(fit.fraction - 0.1) <= fit.ci95;
    }
    if (inside < 360)
        fail_msg("the 95%% interval held alpha in only %zu of %zu studies", inside, trials);
    gsl_rng_free(rng);
}

static void test_work_rule(void **state)
{
    (void)state;
    uint64_t n;
    char why[160];
    /* spin is linear: twice the work is twice the range. */
    assert_int_equal(work_weak_size("spin", "none", 0, 1000000, 2, &n, why, sizeof why), 0);
    assert_int_equal(n, 2000000);
    /* count grows a little faster than n, product much faster: fewer than P times the numbers. */
    assert_int_equal(work_weak_size("count", "sieve", 0, 100000000, 4, &n, why, sizeof why), 0);
    assert_true(n < 400000000 && n > 380000000);
    assert_float_equal(work_ratio("count", "sieve", 0, 100000000, n), 4, 0.02);
    assert_int_equal(work_weak_size("product", "sieve", 0, 1000000, 4, &n, why, sizeof why), 0);
    assert_true(n < 3500000 && n > 3000000);
    assert_float_equal(work_ratio("product", "sieve", 0, 1000000, n), 4, 0.02);
    /* One worker keeps the base size exactly. */
    assert_int_equal(work_weak_size("count", "sieve", 0, 123456789, 1, &n, why, sizeof why), 0);
    assert_int_equal(n, 123456789);
    assert_int_equal(work_weak_size("spin", "none", 0, UINT64_MAX / 2, 4, &n, why, sizeof why), -1);
    assert_non_null(strstr(why, "2^64-1"));
}

/* ---- through the files: synthetic runs CSV -> runs_load -> analysis_run ---- */

static char path[64];

static void write_file(const char *text)
{
    snprintf(path, sizeof path, "/tmp/test_analyze.%ld.csv", (long)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define HEADER "schema,kernel,method,from,n,model,ranks,threads,workers,schedule,chunk,wall_s,result,verify_ok\n"

static void test_files_amdahl_end_to_end(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 2024);
    snprintf(path, sizeof path, "/tmp/test_analyze.%ld.csv", (long)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(HEADER, f);
    const double f_true = 0.12, t1 = 4.0;
    fprintf(f, "primes-run/1,count,sieve,0,1e9,serial,1,1,1,dynamic,1000,%.6f,50847534,true\n", t1 * 1.01);
    for (int rep = 0; rep < 6; rep++)
        for (int p = 1; p <= 8; p *= 2) {
            double mean = t1 * (f_true + (1 - f_true) / p);
            fprintf(f, "primes-run/1,count,sieve,0,1000000000,omp,1,%d,%d,dynamic,1000,%.6f,50847534,true\n", p, p,
                    mean * (1 + gsl_ran_gaussian(rng, 0.02)));
        }
    fclose(f);
    gsl_rng_free(rng);

    run_set set = {0};
    char err[512] = "";
    if (runs_load(&set, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(set.count, 25);
    analysis_options opt = {.scaling = SCALING_STRONG, .cores = 64};
    analysis a;
    if (analysis_run(&set, &opt, &a, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(a.n_series, 1);
    const series_result *s = &a.series[0];
    assert_int_equal(s->n_configs, 5); /* serial, omp at 1, 2, 4, 8 */
    assert_string_equal(s->configs[0].row->model, "serial");
    const config_result *omp8 = &s->configs[4];
    assert_int_equal(omp8->row->workers, 8);
    assert_int_equal(omp8->time.count, 6);
    /* Karp-Flatt is the formula on the means. */
    double speedup = s->configs[1].time.mean / omp8->time.mean;
    assert_float_equal(omp8->speedup, speedup, 1e-12);
    assert_float_equal(omp8->karp_flatt, (1 / speedup - 1.0 / 8) / (1 - 1.0 / 8), 1e-12);
    assert_float_equal(omp8->efficiency, speedup / 8, 1e-12);
    /* The fit holds the true serial fraction. */
    assert_non_null(omp8->fit);
    const law_fit *fit = &omp8->fit->fit;
    assert_int_equal(fit->points, 24);
    if (!(fabs(fit->fraction - f_true) <= fit->ci95))
        fail_msg("f = %g +- %g does not contain %g", fit->fraction, fit->ci95, f_true);
    analysis_free(&a);
    runs_free(&set);
    unlink(path);
}

static void expect_error(const char *text, const char *message, scaling_kind scaling)
{
    write_file(text);
    run_set set = {0};
    char err[512] = "", expected[512];
    int rc = runs_load(&set, path, err, sizeof err);
    if (rc == 0) {
        analysis a;
        analysis_options opt = {.scaling = scaling};
        rc = analysis_run(&set, &opt, &a, err, sizeof err);
        analysis_free(&a);
    }
    runs_free(&set);
    unlink(path);
    snprintf(expected, sizeof expected, "%s:%s", path, message);
    if (rc == 0)
        fail_msg("accepted; expected the error '%s'", expected);
    if (strncmp(err, expected, strlen(expected)) != 0)
        fail_msg("error '%s', expected it to start with '%s'", err, expected);
}

static void test_file_errors(void **state)
{
    (void)state;
    expect_error("kernel,n\ncount,10\n", "1: missing columns method, from, model, ranks, threads, workers, schedule, "
                 "chunk, wall_s: not a runs CSV", SCALING_STRONG);
    expect_error("model,workers,mean_s\n", "1: missing columns kernel", SCALING_STRONG);
    expect_error("", "1: the file is empty", SCALING_STRONG);
    expect_error(HEADER "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,0.5,78498,true\n"
                        "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,fast,78498,true\n",
                 "3: wall_s: 'fast' is not a number", SCALING_STRONG);
    expect_error(HEADER "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,0.5,78498\n",
                 "2: 13 fields, but the header has 14", SCALING_STRONG);
    expect_error(HEADER "primes-run/1,count,sieve,0,1e6,omp,1,2,3,dynamic,10,0.5,78498,true\n",
                 "2: workers 3 is not ranks x threads = 1 x 2", SCALING_STRONG);
    expect_error(HEADER "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,-1,78498,true\n",
                 "2: wall_s: -1 is not a positive time", SCALING_STRONG);
    expect_error("kernel,method,from,n,model,ranks,threads,workers,schedule,chunk,wall_s,oversubscribed\n"
                 "count,sieve,0,1e6,omp,1,2,2,dynamic,10,1,maybe\n",
                 "2: oversubscribed: 'maybe' is not true, false or empty", SCALING_STRONG);
    expect_error(HEADER "primes-run/9,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1,78498,true\n",
                 "2: schema 'primes-run/9' is not primes-run/5, primes-run/4, primes-run/3, primes-run/2 or primes-run/1", SCALING_STRONG);
    expect_error(HEADER "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1,\"78498,true\n",
                 "2: a quoted field is not closed", SCALING_STRONG);
    /* Two answers for one range, whatever the model. */
    expect_error(HEADER "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1,78498,true\n"
                        "primes-run/1,count,trial,0,1e6,mpi,2,1,2,dynamic,10,1,78499,true\n",
                 "3: count on [0, 1000000) gave '78499', but '78498' at ", SCALING_STRONG);
    /* Weak scaling: one n per configuration, one base n per series. */
    expect_error(HEADER "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1,78498,true\n"
                        "primes-run/1,count,sieve,0,2e6,omp,1,2,2,dynamic,10,1,148933,true\n",
                 "3: weak scaling: omp at 2 workers ran n = 2000000 here and n = 1000000 at ", SCALING_WEAK);
    expect_error(HEADER "primes-run/1,count,sieve,0,1e6,omp,1,1,1,dynamic,10,1,78498,true\n"
                        "primes-run/1,count,sieve,0,2e6,serial,1,1,1,dynamic,10,1,148933,true\n",
                 "3: weak scaling: 1-worker runs of count at n = 2000000, but n = 1000000 at ", SCALING_WEAK);
}

/* primes' own oversubscribed column decides; such points are marked and stay out of the fit. */
/* A run that failed verification is what primes wrote: read, counted and left out, never a reason to
 * refuse the file (the wrong answer's own 78497 does not clash with the others' 78498). */
static void test_failed_runs_counted(void **state)
{
    (void)state;
    write_file(HEADER "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,0.5,78498,true\n"
                      "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,0.4,78497,false\n"
                      "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,0.5,78498,true\n");
    run_set set = {0};
    char err[512] = "";
    assert_int_equal(runs_load(&set, path, err, sizeof err), 0);
    assert_int_equal(set.count, 2);
    assert_int_equal(set.failed, 1);
    assert_int_equal(set.first_failed_line, 3);
    analysis a;
    analysis_options opt = {.scaling = SCALING_STRONG};
    assert_int_equal(analysis_run(&set, &opt, &a, err, sizeof err), 0);
    assert_int_equal(a.series[0].configs[0].n_runs, 2);
    analysis_free(&a);
    runs_free(&set);
    unlink(path);
}

/* Rows primes judged disturbed are set aside (counted, kept for the listing), unless asked for. */
static void test_disturbed_rows_set_aside(void **state)
{
    (void)state;
    write_file("schema,kernel,method,from,n,model,ranks,threads,workers,schedule,chunk,wall_s,result,verify_ok,"
               "disturbed\n"
               "primes-run/4,count,sieve,0,1e6,omp,1,2,2,dynamic,10,0.5,78498,true,false\n"
               "primes-run/4,count,sieve,0,1e6,omp,1,2,2,dynamic,10,0.9,78498,true,true\n"
               "primes-run/4,count,sieve,0,1e6,omp,1,2,2,dynamic,10,0.5,78498,true,\n");
    for (int keep = 0; keep <= 1; keep++) {
        run_set set = {.keep_disturbed = keep};
        char err[512] = "";
        assert_int_equal(runs_load(&set, path, err, sizeof err), 0);
        assert_int_equal(set.count, keep ? 3 : 2);
        assert_int_equal(set.n_disturbed, keep ? 0 : 1);
        assert_int_equal(set.disturbed_kept, keep ? 1 : 0);
        if (!keep) {
            assert_int_equal(set.disturbed[0].line, 3);
            assert_float_equal(set.disturbed[0].wall_s, 0.9, 1e-12);
        }
        runs_free(&set);
    }
    expect_error("schema,kernel,method,from,n,model,ranks,threads,workers,schedule,chunk,wall_s,disturbed\n"
                 "primes-run/4,count,sieve,0,1e6,omp,1,2,2,dynamic,10,0.5,maybe\n",
                 "2: disturbed: 'maybe' is not true, false or empty", SCALING_STRONG);
    unlink(path);
}

static void test_oversubscribed_column(void **state)
{
    (void)state;
    write_file("kernel,method,from,n,model,ranks,threads,workers,schedule,chunk,wall_s,oversubscribed,cores_online\n"
               "count,sieve,0,1e9,omp,1,1,1,dynamic,10,4.0,false,64\n"
               "count,sieve,0,1e9,omp,1,1,1,dynamic,10,4.1,false,64\n"
               "count,sieve,0,1e9,omp,1,2,2,dynamic,10,2.4,false,64\n"
               "count,sieve,0,1e9,omp,1,2,2,dynamic,10,2.5,false,64\n"
               "count,sieve,0,1e9,omp,1,4,4,dynamic,10,2.5,true,64\n"
               "count,sieve,0,1e9,omp,1,4,4,dynamic,10,2.6,false,64\n");
    run_set set = {0};
    char err[512] = "";
    if (runs_load(&set, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    unlink(path);
    analysis_options opt = {.scaling = SCALING_STRONG};
    analysis a;
    if (analysis_run(&set, &opt, &a, err, sizeof err) != 0)
        fail_msg("%s", err);
    const series_result *s = &a.series[0];
    assert_int_equal(s->n_configs, 3);
    assert_false(s->configs[0].oversubscribed);
    assert_false(s->configs[1].oversubscribed);
    assert_true(s->configs[2].oversubscribed); /* one run of the configuration was */
    assert_non_null(s->configs[0].fit);
    assert_int_equal(s->configs[0].fit->fit.points, 4);
    analysis_free(&a);
    runs_free(&set);
}

static void test_file_quirks(void **state)
{
    (void)state;
    /* Quoted fields with commas and doubled quotes, CRLF line ends, a repeated header (files joined with
     * cat), blank lines, and columns in another order. */
    write_file("wall_s,kernel,method,from,n,model,ranks,threads,workers,schedule,chunk,hosts,cpu_model\r\n"
               "1.5,count,sieve,0,1e6,mpi,2,1,2,dynamic,10,\"a,b\",\"CPU \"\"X\"\", 4 cores\"\r\n"
               "\r\n"
               "wall_s,kernel,method,from,n,model,ranks,threads,workers,schedule,chunk,hosts,cpu_model\r\n"
               "1.25,count,sieve,0,1e6,mpi,2,1,2,dynamic,10,\"a,b\",\"CPU \"\"X\"\", 4 cores\"");
    run_set set = {0};
    char err[512] = "";
    if (runs_load(&set, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    unlink(path);
    assert_int_equal(set.count, 2);
    assert_int_equal(set.rows[0].host_count, 2);
    assert_string_equal(set.rows[1].cpu_model, "CPU \"X\", 4 cores");
    assert_int_equal(set.rows[1].line, 5);
    assert_float_equal(set.rows[1].wall_s, 1.25, 0);
    runs_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_t95),
        cmocka_unit_test(test_outliers),
        cmocka_unit_test(test_karp_flatt_by_hand),
        cmocka_unit_test(test_ratio_ci),
        cmocka_unit_test(test_amdahl_recovers_serial_fraction),
        cmocka_unit_test(test_amdahl_needs_two_worker_counts),
        cmocka_unit_test(test_fit_verdicts),
        cmocka_unit_test(test_compare_ratio),
        cmocka_unit_test(test_gustafson_recovers_alpha),
        cmocka_unit_test(test_work_rule),
        cmocka_unit_test(test_files_amdahl_end_to_end),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_failed_runs_counted),
        cmocka_unit_test(test_disturbed_rows_set_aside),
        cmocka_unit_test(test_oversubscribed_column),
        cmocka_unit_test(test_file_quirks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
