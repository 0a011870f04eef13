/* analyze/compare.c: two studies compared point by point (compare.h). */
#include "analyze/compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "xalloc.h"

static double median_of(double *x, size_t n)
{
    gsl_sort(x, 1, n);
    return gsl_stats_median_from_sorted_data(x, 1, n);
}

static double resampled_median(gsl_rng *rng, const double *x, size_t n, double *scratch)
{
    for (size_t i = 0; i < n; i++)
        scratch[i] = x[gsl_rng_uniform_int(rng, n)];
    return median_of(scratch, n);
}

void compare_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *ratio, double *lo,
                      double *hi)
{
    *ratio = *lo = *hi = NAN;
    if (na == 0 || nb == 0)
        return;
    double *scratch = xmalloc((na > nb ? na : nb) * sizeof *scratch, "comparison");
    memcpy(scratch, a, na * sizeof *a);
    double ma = median_of(scratch, na);
    memcpy(scratch, b, nb * sizeof *b);
    double mb = median_of(scratch, nb);
    *ratio = ma > 0 ? mb / ma : NAN;
    if (na < 2 || nb < 2 || !(ma > 0)) {
        free(scratch);
        return;
    }
    /* about 10^8 values drawn at most: large samples get fewer resamples, never fewer than 200 */
    size_t resamples = COMPARE_RESAMPLES, work = (na + nb) * resamples;
    if (work > 100000000u)
        resamples = 100000000u / (na + nb) > 200 ? 100000000u / (na + nb) : 200;
    double *ratios = xmalloc(resamples * sizeof *ratios, "comparison");
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, COMPARE_SEED);
    size_t kept = 0;
    for (size_t r = 0; r < resamples; r++) {
        double ra = resampled_median(rng, a, na, scratch), rb = resampled_median(rng, b, nb, scratch);
        if (ra > 0)
            ratios[kept++] = rb / ra;
    }
    gsl_rng_free(rng);
    if (kept > 1) {
        gsl_sort(ratios, 1, kept);
        *lo = gsl_stats_quantile_from_sorted_data(ratios, 1, kept, 0.025);
        *hi = gsl_stats_quantile_from_sorted_data(ratios, 1, kept, 0.975);
    }
    free(ratios);
    free(scratch);
}

/* The same point in both studies: the same work (kernel, method, range, schedule) under the same model
 * and split; the machine, build and platform may differ, which is what a comparison is for. */
static bool same_point(const run_row *x, const run_row *y)
{
    return strcmp(x->kernel, y->kernel) == 0 && strcmp(x->method, y->method) == 0 && x->from == y->from &&
           x->n == y->n && strcmp(x->schedule, y->schedule) == 0 && strcmp(x->model, y->model) == 0 &&
           x->ranks == y->ranks && x->threads == y->threads;
}

static const config_result *find_point(const analysis *an, const run_row *r)
{
    for (size_t s = 0; s < an->n_series; s++)
        for (size_t c = 0; c < an->series[s].n_configs; c++)
            if (same_point(an->series[s].configs[c].row, r))
                return &an->series[s].configs[c];
    return NULL;
}

static double *times_of(const config_result *c)
{
    double *t = xmalloc((c->n_runs ? c->n_runs : 1) * sizeof *t, "comparison");
    for (size_t i = 0; i < c->n_runs; i++)
        t[i] = c->runs[i]->wall_s;
    return t;
}

static void print_point_name(FILE *out, const run_row *r)
{
    fprintf(out, "%s by %s [%llu, %llu) %s, %s %dx%d", r->kernel, r->method, (unsigned long long)r->from,
            (unsigned long long)r->n, r->schedule, r->model, r->ranks, r->threads);
}

static void print_differences(FILE *out, const run_set *set_a, const run_row *a, const run_set *set_b,
                              const run_row *b)
{
    struct {
        const char *what, *x, *y;
    } facts[] = {
        {"git commit", a->git_commit, b->git_commit}, {"compiler", set_a->compiler, set_b->compiler},
        {"flags", set_a->cflags, set_b->cflags},      {"host", a->host, b->host},
        {"CPU", a->cpu_model, b->cpu_model},          {"MPI", set_a->mpi_library, set_b->mpi_library},
        {"simulated platform", a->platform, b->platform},
    };
    bool any = false;
    for (size_t i = 0; i < sizeof facts / sizeof *facts; i++)
        if (strcmp(facts[i].x, facts[i].y) != 0) {
            if (!any)
                fputs("what differs (A -> B):\n", out);
            any = true;
            fprintf(out, "  %-18s %s -> %s\n", facts[i].what, facts[i].x[0] ? facts[i].x : "(none)",
                    facts[i].y[0] ? facts[i].y : "(none)");
        }
    if (!any)
        fputs("what differs: nothing recorded (the same commit, build, host, CPU and MPI)\n", out);
}

static void print_only(FILE *out, const char *which, const analysis *here, const analysis *there)
{
    size_t count = 0;
    for (size_t s = 0; s < here->n_series; s++)
        for (size_t c = 0; c < here->series[s].n_configs; c++) {
            const config_result *cfg = &here->series[s].configs[c];
            if (find_point(there, cfg->row))
                continue;
            if (count++ == 0)
                fprintf(out, "\nonly in %s (not compared):\n", which);
            fputs("  ", out);
            print_point_name(out, cfg->row);
            fprintf(out, ": %zu run%s\n", cfg->n_runs, cfg->n_runs == 1 ? "" : "s");
        }
}

void compare_print(FILE *out, const char *name_a, const run_set *set_a, const analysis *a, const char *name_b,
                   const run_set *set_b, const analysis *b)
{
    fprintf(out, "A: %s\nB: %s\n", name_a, name_b);
    if (a->n_series && b->n_series)
        print_differences(out, set_a, a->series[0].first, set_b, b->series[0].first);
    fprintf(out, "\nB's median wall time over A's, with its 95%% bootstrap interval (%d resamples); "
                 "faster or slower only when the interval excludes 1:\n",
            COMPARE_RESAMPLES);
    fprintf(out, "  %-44s %6s %6s %11s %11s  %-22s %s\n", "point", "A_runs", "B_runs", "A_median_s", "B_median_s",
            "B/A [95%]", "verdict");
    size_t common = 0, faster = 0, slower = 0, few = 0;
    for (size_t s = 0; s < a->n_series; s++)
        for (size_t c = 0; c < a->series[s].n_configs; c++) {
            const config_result *ca = &a->series[s].configs[c], *cb = find_point(b, ca->row);
            if (!cb)
                continue;
            common++;
            double *ta = times_of(ca), *tb = times_of(cb), ratio, lo, hi;
            compare_ratio_ci(ta, ca->n_runs, tb, cb->n_runs, &ratio, &lo, &hi);
            char name[160], interval[48];
            const run_row *r = ca->row;
            snprintf(name, sizeof name, "%s %s n=%llu %s %dx%d", r->kernel, r->method, (unsigned long long)r->n,
                     r->model, r->ranks, r->threads);
            const char *verdict = "one run: no verdict";
            bool coarse = ca->n_runs < COMPARE_FEW_RUNS || cb->n_runs < COMPARE_FEW_RUNS;
            few += coarse;
            if (isfinite(lo)) {
                snprintf(interval, sizeof interval, "%.3f [%.3f, %.3f]", ratio, lo, hi);
                verdict = hi < 1 ? (coarse ? "faster (few runs)" : "faster")
                          : lo > 1 ? (coarse ? "slower (few runs)" : "slower")
                                   : "same within noise";
                faster += hi < 1;
                slower += lo > 1;
            } else {
                snprintf(interval, sizeof interval, "%.3f", ratio);
            }
            fprintf(out, "  %-44s %6zu %6zu %11.4g %11.4g  %-22s %s\n", name, ca->n_runs, cb->n_runs,
                    ca->time.median, cb->time.median, interval, verdict);
            free(ta);
            free(tb);
        }
    fprintf(out, "  %zu point%s in common: %zu faster in B, %zu slower, %zu the same within noise or "
                 "undecided\n",
            common, common == 1 ? "" : "s", faster, slower, common - faster - slower);
    if (few)
        fprintf(out, "  %zu point%s with fewer than %d runs on a side: a bootstrap of so few medians is coarse, and a "
                     "verdict there may be chance; measure %d or more runs a side\n",
                few, few == 1 ? "" : "s", COMPARE_FEW_RUNS, 2 * COMPARE_FEW_RUNS);
    print_only(out, "A", a, b);
    print_only(out, "B", b, a);
}
