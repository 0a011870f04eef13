/* analyze/compare.h: two studies side by side (`primes analyze --compare A B`): the provenance that
 * differs between them, then for every configuration both hold B's median time over A's with a 95%
 * bootstrap interval and a verdict (faster, slower, the same within noise), then the configurations only
 * one of them holds, never dropped silently. */
#ifndef PRIMES_ANALYZE_COMPARE_H
#define PRIMES_ANALYZE_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "analyze/runs.h"
#include "analyze/series.h"

/* The bootstrap: resamples of each side (fewer for very large samples, so a comparison stays linear in
 * the rows), drawn from GSL's MT19937 with a fixed seed, so the same files give the same intervals. */
#define COMPARE_RESAMPLES 4000
#define COMPARE_SEED 20261203UL
/* fewer runs than this on a side: the verdict is marked as resting on few runs */
#define COMPARE_FEW_RUNS 5

/* median(b) / median(a), and the 2.5% and 97.5% points of that ratio over bootstrap resamples of both
 * samples (NAN when either side has fewer than 2 values). */
void compare_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *ratio, double *lo,
                      double *hi);

/* Prints the comparison of two analysed studies (names: how to call them). */
void compare_print(FILE *out, const char *name_a, const run_set *set_a, const analysis *a, const char *name_b,
                   const run_set *set_b, const analysis *b);

#endif
