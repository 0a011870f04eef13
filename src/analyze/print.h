/* analyze/print.h: what `primes analyze` shows and writes: the aligned table per series, with its fits and
 * outliers, on a stream; the summary CSV (one row per configuration, columns in docs/results-format.md). */
#ifndef PRIMES_ANALYZE_PRINT_H
#define PRIMES_ANALYZE_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "analyze/series.h"

#define SUMMARY_SCHEMA "primes-summary/3" /* /2 added platform (simulated series); /3 the fit's worker counts, p value, verdict */

void analysis_print_table(FILE *out, const analysis *a, const analysis_options *opt);
/* The runs primes judged disturbed: per configuration, how many were left out and where the first is
 * (or, under --keep-disturbed, how many were analysed anyway). Nothing when there were none. */
void analysis_print_disturbed(FILE *out, const run_set *set);

/* Writes the summary CSV to path whole or not at all (a temporary file renamed). Returns 0, or -1 with
 * errno set. */
int analysis_write_csv(const char *path, const analysis *a);
/* Whether a summary may go to path: a new or empty file, a device, or an earlier summary (never a runs CSV
 * or anything else that would be lost). */
bool analysis_csv_may_replace(const char *path);

#endif
