/* analyze/stats.h: the statistics of `primes analyze`, free of files and tables: a sample's summary with its
 * Student-t confidence interval, the outlier rule, speedup arithmetic with error propagation, Karp-Flatt,
 * and the weighted least-squares fits of Amdahl's and Gustafson's laws (GSL underneath). */
#ifndef PRIMES_STATS_H
#define PRIMES_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* The confidence level of every interval this suite reports. */
#define STATS_CONFIDENCE 0.95

typedef struct sample_stats {
    size_t count;
    double min, max, median, mean, sd;   /* sd: sample standard deviation (n - 1); NAN when count < 2 */
    double q1, q3;                       /* quartiles (GSL's interpolated quantiles) */
    double ci95;                         /* half-width of the 95% interval of the mean; NAN when count < 2 */
} sample_stats;

/* Summarises x[0..n) (x itself is left as it was). n may be 0: every field NAN, count 0. */
void stats_describe(const double *x, size_t n, sample_stats *out);

/* Student's t quantile for a two-sided 95% interval with dof degrees of freedom (NAN when dof < 1). */
double stats_t95(double dof);

/* The outlier rule: outside Tukey's fences, 1.5 interquartile ranges beyond the quartiles, where the
 * range counts as at least 5% of the median: with a handful of runs the quartiles can be nearly equal by
 * chance, and ordinary jitter (a run within 7.5% of the quartiles) is never flagged. Samples smaller than
 * STATS_OUTLIER_MIN_COUNT flag nothing. */
#define STATS_OUTLIER_MIN_COUNT 4
#define STATS_OUTLIER_MIN_SPREAD 0.05
bool stats_is_outlier(const sample_stats *s, double x);

/* a / b, and the half-width of its interval from the half-widths of a and b (first-order propagation of
 * independent relative errors); NAN when either half-width is unknown (NAN). */
double stats_ratio(double a, double b);
double stats_ratio_ci(double a, double a_ci, double b, double b_ci);

/* Karp-Flatt experimentally determined serial fraction e = (1/S - 1/p) / (1 - 1/p); NAN for p <= 1. */
double stats_karp_flatt(double speedup, double p);

/* The half-width of e's interval from the speedup's: |de/dS| S_ci = S_ci / (S^2 (1 - 1/p)). */
double stats_karp_flatt_ci(double speedup, double speedup_ci, double p);

/* Gustafson's per-point serial fraction from a scaled speedup: alpha = (p - S) / (p - 1); NAN for p <= 1. */
double stats_gustafson_point(double scaled_speedup, double p);

/* The half-width of alpha's interval from the speedup's: S_ci / (p - 1). */
double stats_gustafson_point_ci(double speedup_ci, double p);

typedef struct law_fit {
    bool ok;             /* false: fewer than two distinct worker counts (nothing to fit) */
    double fraction;     /* the serial fraction: Amdahl's f or Gustafson's alpha */
    double ci95;         /* half-width of its 95% interval; NAN when no degree of freedom is left */
    double t1;           /* Amdahl: the fitted one-worker time T1 = a + b (seconds); Gustafson: NAN */
    double chi2_dof;     /* weighted residual sum of squares per degree of freedom; NAN without dof */
    size_t points;       /* observations used */
    size_t dof;
    size_t levels;       /* distinct worker counts among them (set by the caller, who knows them) */
    double p_value;      /* of chi2 on dof (GSL's chi-squared tail); NAN without dof */
} law_fit;

/* What a fit can say (stats_fit_verdict): */
typedef enum {
    FIT_NONE,         /* nothing fitted */
    FIT_OUTSIDE_LAW,  /* the fraction is outside [0, 1]: the times do not follow the law */
    FIT_EXACT,        /* as many worker counts as parameters: the law passes through them, no test */
    FIT_FEW,          /* fewer than STATS_FIT_MIN_LEVELS worker counts: tested, but it says little */
    FIT_POOR,         /* tested, and the law does not describe the times (p below STATS_FIT_POOR_P) */
    FIT_TESTED        /* tested, nothing against it */
} fit_verdict;
#define STATS_FIT_MIN_LEVELS 4
#define STATS_FIT_POOR_P 0.01

/* The verdict on a fit with `parameters` parameters (Amdahl 2, Gustafson 1); its words for the summary
 * CSV ("none", "outside-law", "exact", "few-points", "poor", "tested"). */
fit_verdict stats_fit_verdict(const law_fit *fit, size_t parameters);
const char *stats_fit_verdict_name(fit_verdict v);

/* Amdahl's law T(p) = a + b / p, so T1 = a + b and f = a / (a + b), fitted by weighted least squares to
 * every observation (p[i], t[i]) with weights w[i] = 1 / variance. The covariance is scaled by the
 * residual chi^2 per degree of freedom (the weights are treated as relative), and the interval of f comes
 * from it by the delta method with Student's t on n - 2 degrees of freedom. */
void stats_fit_amdahl(const double *p, const double *t, const double *w, size_t n, law_fit *fit);

/* Gustafson's law S(p) = alpha + (1 - alpha) p for scaled speedups s[i] at p[i] workers: the weighted
 * least-squares slope of (p - S) against (p - 1) through the origin, interval as for Amdahl with one
 * degree of freedom fewer than the points used. Points at p <= 1 (or with weight 0) are left out: they
 * say nothing of alpha. */
void stats_fit_gustafson(const double *p, const double *s, const double *w, size_t n, law_fit *fit);

#endif
