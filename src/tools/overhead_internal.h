/* tools/overhead_internal.h: what the files of `primes overhead` share and nothing else may use: the
 * rows of the table, the settings, and each file's functions (overhead_measure.c: the timing loops;
 * overhead_launcher.c: mpirun from outside and the rows protocol of the child it starts; overhead_output.c:
 * table, JSON Lines and CSV; overhead.c: the command line). */
#ifndef PRIMES_OVERHEAD_INTERNAL_H
#define PRIMES_OVERHEAD_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "provenance.h"

#define OVERHEAD_SCHEMA "primes-overhead/1"
#define BATCH 100          /* barriers and allreduces per sample: one is too short for the clock */
#define MAX_ROWS 16

enum { EXIT_USAGE = 2, EXIT_FAILED = 3 };

typedef struct row {
    const char *id;        /* stable key for JSON and CSV */
    char label[96];        /* what the table shows */
    int workers;
    unsigned samples;      /* 0: not measured (see note) */
    double median, min, q1, q3, max;
    char note[160];
} row;

typedef struct settings {
    int threads;           /* OpenMP team size */
    unsigned repeat;       /* samples of every row; 0: each row's default */
    bool quick, launcher, json, probe, rows, help;
    const char *csv_path, *mpirun;
} settings;

typedef struct table {
    row rows[MAX_ROWS];
    int count;
} table;

/* overhead_measure.c */
row *add_row(table *t, const char *id, int workers, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Samples of a row: --repeat when given, else the default (a tenth of it with --quick, at least 2). */
unsigned samples_of(const settings *s, unsigned normal);
int measure_threads(row *r, unsigned n);
/* fork + waitpid (argv NULL) or fork + exec argv + waitpid, n times. */
int measure_children(row *r, unsigned n, char *const argv[]);
void measure_omp(row *region, row *barrier, int threads, unsigned n);
void measure_mpi(row *barrier, row *allreduce, unsigned n);

/* overhead_launcher.c */
bool on_path(const char *name);
void launcher_environment(void);
void collectives_from_child(const settings *s, table *t);
void measure_launcher(const settings *s, table *t);
/* Under a launcher with 2+ ranks: measures the MPI rows only, printed by rank 0 (--rows: the protocol
 * collectives_from_child reads). */
int overhead_under_launcher(const settings *s, int *argc, char ***argv);

/* overhead_output.c */
extern const char overhead_csv_header[]; /* the --csv file's first line, newline included */
void print_table(FILE *out, const table *t, const provenance *p);
void print_json(FILE *out, const table *t, const provenance *p, const char *timestamp);
int append_csv(const char *path, const table *t, const provenance *p, const char *timestamp);

#endif
