/* analyze/runs.h: the run rows `primes analyze` reads: loading the CSV files `primes --csv` writes, by
 * column name, checking every value, and saying FILE:LINE for anything unreadable or inconsistent. */
#ifndef PRIMES_ANALYZE_RUNS_H
#define PRIMES_ANALYZE_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RUN_NAME_SIZE 32

typedef struct run_row {
    const char *file;                /* the path as given (not copied: it outlives the analysis) */
    unsigned long line;
    char kernel[RUN_NAME_SIZE], method[RUN_NAME_SIZE], model[RUN_NAME_SIZE], schedule[RUN_NAME_SIZE];
    uint64_t from, n, chunk, items;
    int ranks, threads, workers;
    double wall_s;
    char answer[128];                /* "result [low64 X] [mod_m61 Y]": equal ranges give equal answers */
    int cores_allowed, cores_online; /* 0: unknown (column absent or empty) */
    int host_count;                  /* distinct hosts of the ranks (1 when unknown) */
    int oversubscribed;              /* primes' own verdict: 1, 0, or -1 when the column is absent/empty */
    char host[64], cpu_model[128], timestamp[40], git_commit[48];
    char platform[64];               /* simulated runs: the SimGrid platform ("" for real runs) */
    bool disturbed;                  /* primes judged the run disturbed (column disturbed, primes-run/4) */
    bool outlier;                    /* set by the analysis */
} run_row;

typedef struct run_set {
    bool keep_disturbed;           /* set before loading: analyse disturbed rows too (else they are set aside) */
    run_row *rows;
    size_t count, cap;
    run_row *disturbed;            /* the disturbed rows set aside, in file order: counted, listed, not analysed */
    size_t n_disturbed, cap_disturbed;
    size_t disturbed_kept;         /* under keep_disturbed: how many of the analysed rows were disturbed */
    /* the build of the first row read (columns compiler, cflags, mpi_library; "" when absent), for a
     * comparison of two studies */
    char compiler[128], cflags[128], mpi_library[128];
    size_t failed;                 /* rows that failed verification: counted, never analysed */
    const char *first_failed_file; /* where the first of them is */
    unsigned long first_failed_line;
} run_set;

/* Appends the rows of one runs CSV to set. Columns are found by name; a runs file must have kernel, method,
 * from, n, model, ranks, threads, workers, schedule, chunk and wall_s, and the others (schema, items,
 * result, low64, mod_m61, verify_ok, oversubscribed, cores_allowed, cores_online, host, hosts, timestamp,
 * git_commit, cpu_model, simulated, sim_platform) are used when present. A header line repeated inside the file (files joined with cat)
 * is skipped. A row that failed verification (verify_ok false) is counted in set->failed and left out: the
 * timing of a wrong answer is not analysed. A row primes judged disturbed (disturbed true: other processes
 * took the CPUs, or its workers were descheduled) goes to set->disturbed unless set->keep_disturbed: its
 * time is not the code's. Returns 0, or -1 with "PATH:LINE: REASON" in err. */
int runs_load(run_set *set, const char *path, char *err, size_t err_size);

void runs_free(run_set *set);

#endif
