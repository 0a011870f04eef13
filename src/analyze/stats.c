/* analyze/stats.c: sample summaries, the outlier rule, speedup error propagation, Karp-Flatt, and the weighted
 * least-squares fits of Amdahl's and Gustafson's laws, on top of GSL. */
#include "analyze/stats.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "xalloc.h"

void stats_describe(const double *x, size_t n, sample_stats *out)
{
    *out = (sample_stats){.count = n, .min = NAN, .max = NAN, .median = NAN, .mean = NAN, .sd = NAN,
                          .q1 = NAN, .q3 = NAN, .ci95 = NAN};
    if (n == 0)
        return;
    double *sorted = xmalloc(n * sizeof *sorted, "sorted sample");
    memcpy(sorted, x, n * sizeof *sorted);
    gsl_sort(sorted, 1, n);
    out->min = sorted[0];
    out->max = sorted[n - 1];
    out->median = gsl_stats_median_from_sorted_data(sorted, 1, n);
    out->q1 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.25);
    out->q3 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.75);
    out->mean = gsl_stats_mean(sorted, 1, n);
    if (n >= 2) {
        out->sd = gsl_stats_sd_m(sorted, 1, n, out->mean);
        out->ci95 = stats_t95((double)(n - 1)) * out->sd / sqrt((double)n);
    }
    free(sorted);
}

double stats_t95(double dof)
{
    if (!(dof >= 1))
        return NAN;
    return gsl_cdf_tdist_Pinv(0.5 + STATS_CONFIDENCE / 2, dof);
}

bool stats_is_outlier(const sample_stats *s, double x)
{
    if (s->count < STATS_OUTLIER_MIN_COUNT)
        return false;
    double iqr = fmax(s->q3 - s->q1, STATS_OUTLIER_MIN_SPREAD * fabs(s->median));
    return x < s->q1 - 1.5 * iqr || x > s->q3 + 1.5 * iqr;
}

double stats_ratio(double a, double b)
{
    return b != 0 ? a / b : NAN;
}

double stats_ratio_ci(double a, double a_ci, double b, double b_ci)
{
    double r = stats_ratio(a, b);
    if (!isfinite(r) || a == 0)
        return NAN;
    if (!isfinite(a_ci) || !isfinite(b_ci))
        return NAN;
    double ra = a_ci / a, rb = b_ci / b;
    return fabs(r) * sqrt(ra * ra + rb * rb);
}

double stats_karp_flatt(double speedup, double p)
{
    if (!(p > 1) || !(speedup > 0))
        return NAN;
    return (1 / speedup - 1 / p) / (1 - 1 / p);
}

double stats_karp_flatt_ci(double speedup, double speedup_ci, double p)
{
    if (!(p > 1) || !(speedup > 0) || !isfinite(speedup_ci))
        return NAN;
    return speedup_ci / (speedup * speedup * (1 - 1 / p));
}

double stats_gustafson_point_ci(double speedup_ci, double p)
{
    if (!(p > 1) || !isfinite(speedup_ci))
        return NAN;
    return speedup_ci / (p - 1);
}

double stats_gustafson_point(double scaled_speedup, double p)
{
    if (!(p > 1) || !isfinite(scaled_speedup))
        return NAN;
    return (p - scaled_speedup) / (p - 1);
}

/* Whether v holds two different values (a line needs two x): one pass. Counting every distinct value
 * pairwise made analyze quadratic in its rows (1,000,000 rows: 64 s). */
static bool two_values(const double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[0])
            return true;
    return false;
}

static void no_fit(law_fit *fit, size_t n)
{
    *fit = (law_fit){.ok = false, .fraction = NAN, .ci95 = NAN, .t1 = NAN, .chi2_dof = NAN, .points = n,
                     .p_value = NAN};
}

void stats_fit_amdahl(const double *p, const double *t, const double *w, size_t n, law_fit *fit)
{
    no_fit(fit, n);
    if (n < 2 || !two_values(p, n))
        return;
    double *inv_p = xmalloc(n * sizeof *inv_p, "Amdahl fit");
    for (size_t i = 0; i < n; i++)
        inv_p[i] = 1 / p[i];
    double a, b, cov_aa, cov_ab, cov_bb, chisq;
    int rc = gsl_fit_wlinear(inv_p, 1, w, 1, t, 1, n, &a, &b, &cov_aa, &cov_ab, &cov_bb, &chisq);
    free(inv_p);
    double t1 = a + b;
    if (rc != 0 || !(t1 != 0))
        return;
    fit->ok = true;
    fit->t1 = t1;
    fit->fraction = a / t1;
    fit->dof = n - 2;
    if (fit->dof == 0)
        return;
    fit->chi2_dof = chisq / (double)fit->dof;
    fit->p_value = gsl_cdf_chisq_Q(chisq, (double)fit->dof);
    /* f = a / (a + b): df/da = b / T1^2, df/db = -a / T1^2. */
    double da = b / (t1 * t1), db = -a / (t1 * t1);
    double var = (da * da * cov_aa + 2 * da * db * cov_ab + db * db * cov_bb) * fit->chi2_dof;
    fit->ci95 = stats_t95((double)fit->dof) * sqrt(fmax(var, 0));
}

void stats_fit_gustafson(const double *p, const double *s, const double *w, size_t n, law_fit *fit)
{
    no_fit(fit, n);
    /* Points at one worker carry no information on alpha (x = 0): only p > 1 enters the fit. */
    double *x = xmalloc((n ? n : 1) * sizeof *x, "Gustafson fit");
    double *y = xmalloc((n ? n : 1) * sizeof *y, "Gustafson fit");
    double *wx = xmalloc((n ? n : 1) * sizeof *wx, "Gustafson fit");
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(p[i] > 1) || !(w[i] > 0))
            continue;
        x[used] = p[i] - 1;
        y[used] = p[i] - s[i];
        wx[used++] = w[i];
    }
    fit->points = used;
    double alpha, cov, chisq;
    if (used > 0 && gsl_fit_wmul(x, 1, wx, 1, y, 1, used, &alpha, &cov, &chisq) == 0) {
        fit->ok = true;
        fit->fraction = alpha;
        fit->dof = used - 1;
        if (fit->dof > 0) {
            fit->chi2_dof = chisq / (double)fit->dof;
            fit->p_value = gsl_cdf_chisq_Q(chisq, (double)fit->dof);
            fit->ci95 = stats_t95((double)fit->dof) * sqrt(fmax(cov * fit->chi2_dof, 0));
        }
    }
    free(x);
    free(y);
    free(wx);
}

fit_verdict stats_fit_verdict(const law_fit *fit, size_t parameters)
{
    if (!fit->ok)
        return FIT_NONE;
    if (!(fit->fraction >= 0 && fit->fraction <= 1))
        return FIT_OUTSIDE_LAW;
    if (fit->levels <= parameters || !isfinite(fit->p_value))
        return FIT_EXACT;
    if (fit->p_value < STATS_FIT_POOR_P)
        return FIT_POOR;
    return fit->levels < STATS_FIT_MIN_LEVELS ? FIT_FEW : FIT_TESTED;
}

const char *stats_fit_verdict_name(fit_verdict v)
{
    static const char *const names[] = {"none", "outside-law", "exact", "few-points", "poor", "tested"};
    return names[v];
}
