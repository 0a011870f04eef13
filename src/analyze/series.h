/* analyze/series.h: from run rows to scaling results: rows are grouped into series (one kernel, method,
 * range, schedule, CPU and simulated platform or none; strong scaling also one n and chunk) and, inside a series, into configurations
 * (one model at one ranks x threads). Each configuration gets its statistics, speedups, efficiency and
 * per-point serial fraction; each model of a series gets its Amdahl (strong) or Gustafson (weak) fit. */
#ifndef PRIMES_ANALYZE_SERIES_H
#define PRIMES_ANALYZE_SERIES_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/runs.h"
#include "analyze/stats.h"

typedef enum { SCALING_STRONG, SCALING_WEAK } scaling_kind;

typedef struct analysis_options {
    scaling_kind scaling;
    bool drop_outliers;     /* leave flagged outliers out of the statistics and fits (default: flag only) */
    int cores;              /* cores per host for the oversubscription mark; 0: from the rows */
} analysis_options;

typedef struct model_fit {
    char model[RUN_NAME_SIZE];
    law_fit fit;            /* Amdahl (strong) or Gustafson (weak) */
} model_fit;

typedef struct config_result {
    const run_row *row;     /* its first row: kernel, model, ranks, threads, n, host, ... */
    const run_row **runs;   /* every row of the configuration, in file order */
    size_t n_runs;
    bool oversubscribed;    /* some run had more workers than cores (see analyze/series.c) */
    sample_stats time;      /* wall_s of the runs used (all, or without outliers under drop_outliers) */
    size_t outliers;
    size_t disturbed;       /* runs of this configuration primes judged disturbed and analyze set aside */
    double work_ratio;      /* weak: work of this n over the work of the 1-worker n; strong: 1 */
    double speedup, speedup_ci;                 /* against the same model's 1-worker time */
    double speedup_serial, speedup_serial_ci;   /* against the serial model's time */
    double efficiency, efficiency_ci;           /* speedup / workers */
    double karp_flatt, karp_flatt_ci;           /* strong */
    double gustafson_alpha, gustafson_alpha_ci; /* weak: (p - S) / (p - 1) */
    const model_fit *fit;                       /* its model's fit, NULL when the model has none */
} config_result;

typedef struct series_result {
    scaling_kind scaling;
    const run_row *first;
    config_result *configs;
    size_t n_configs, n_runs;
    model_fit *fits;
    size_t n_fits;
    int cores;                                  /* cores per host (cores_online), 0 when unknown */
    char first_timestamp[40], last_timestamp[40];
    bool mixed_commits;                         /* rows from more than one git commit */
} series_result;

typedef struct analysis {
    series_result *series;
    size_t n_series;
    const run_row **order;                      /* the rows sorted by series and configuration */
} analysis;

/* Groups and analyses every row of set (whose outlier flags it sets). Returns 0, or -1 with
 * "FILE:LINE: REASON" in err for inconsistent rows: different answers for one range, several sizes for
 * one weak-scaling configuration, or 1-worker runs of one weak series at different sizes. */
int analysis_run(run_set *set, const analysis_options *opt, analysis *out, char *err, size_t err_size);

void analysis_free(analysis *a);

/* The position of a model in the registry's order (serial, omp, pthreads, fork, events, mpi, hybrid), models
 * this build lacks after them. */
int model_rank(const char *name);

#endif
