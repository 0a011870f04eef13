/* report.h: what a run says: the human block, JSON Lines, CSV rows and trace rows, with provenance. */
#ifndef PRIMES_REPORT_H
#define PRIMES_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "files.h"
#include "job.h"
#include "kernels/kernel.h"
#include "models/model.h"
#include "provenance.h"
#include "run_usage.h"

#define REPORT_SCHEMA "primes-run/5"
/* The schemas analyze still reads: primes-run/1 (without settle_s), primes-run/2 (without the
 * simulation's columns) primes-run/3 (without what the run got: CPU, context switches, other load) and primes-run/4 (without
 * the host's memory: peak_rss_host_kib, host_processes). */
bool report_schema_known(const char *schema);

/* Whether path may take run rows: FILE_ABSENT_OR_EMPTY or FILE_HEADER_MATCHES (this version's header,
 * column for column: a file of primes-run/1 rows would get rows one column longer than its header). */
file_header_kind report_csv_kind(const char *path);

/* One timed repetition, everything the outputs need. */
typedef struct run_record {
    const job *job;
    const model *model;
    int ranks, threads;
    unsigned rep, repeats;        /* rep counts from 1 */
    double wall_s, settle_s, merge_s;
    result res;
    double busy_min_s, busy_mean_s, busy_max_s, imbalance;
    uint64_t peak_rss_kib;        /* the largest peak of one process: of all ranks and their children */
    uint64_t peak_rss_host_kib;   /* the peaks summed over the processes of one host (the largest sum) */
    unsigned host_processes;      /* how many processes that sum counts */
    bool oversubscribed;          /* more workers on a node than CPUs they may use */
    char hosts[8192];             /* distinct hosts of the ranks, comma separated, in rank order; beyond
                                   * room, ",+N more" (a 4096-rank run may span 4096 hosts) */
    char timestamp[40];
    run_usage usage;              /* what the run got from the machine, and whether it was disturbed */
    const provenance *prov;
} run_record;

/* Per-worker busy time from a trace: min, mean, max over ranks * threads workers, and max/mean - 1. */
void report_balance(const run_stats *stats, run_record *rec);

void report_human(FILE *out, const run_record *rec);
/* After R > 1 timed repetitions (the human output): their median, mean with its 95% interval, min and
 * max, the outliers by analyze's rule, and how many were disturbed, as one block. */
void report_repetitions(FILE *out, const double *wall_s, const bool *disturbed, unsigned n);
void report_json(FILE *out, const run_record *rec);
/* Appends one row (and the header, when the file is empty) as whole lines under an exclusive lock.
 * Returns 0, or -1 with errno set. */
int report_csv_append(const char *path, const run_record *rec);
/* The pieces every record writer of the suite shares (run records here, overhead rows in tools/overhead.c): */
/* s as a JSON string literal, escaped. */
void report_json_string(FILE *out, const char *s);
/* Appends text to a growing buffer as one CSV field (quoted when it holds a comma, quote or line break),
 * followed by ',' or, for the last field, '\n'. */
void report_csv_field(char **buf, size_t *len, size_t *cap, const char *text, bool last);
/* Writes one row per work item of stats to out (the header when `header`). */
void report_trace_rows(FILE *out, const run_record *rec, const run_stats *stats, bool header);

#endif
