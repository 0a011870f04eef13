/* cli.h: the command line: options, their validation, --help and --list. */
#ifndef PRIMES_CLI_H
#define PRIMES_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "job.h"
#include "kernels/kernel.h"
#include "models/model.h"

typedef enum { COMMAND_RUN, COMMAND_HELP, COMMAND_VERSION, COMMAND_LIST, COMMAND_INFO } command_kind;

typedef struct options {
    command_kind command;
    const kernel *kernel;
    method_kind method;
    uint64_t from, n;
    const model *model;       /* NULL: chosen by the launcher and thread count (see main.c) */
    int threads;              /* 0: from the environment */
    int env_threads;          /* OMP_NUM_THREADS, else SLURM_CPUS_PER_TASK, checked as -t is; 0: neither */
    schedule_kind schedule;
    uint64_t chunk;           /* 0: the kernel's default */
    unsigned items_for;       /* 0: size the default items for the run's own workers */
    unsigned repeat, warmup;
    bool json, verify, hex, quiet;
    bool check_only;          /* --check: validate as for the run, then stop */
    const char *csv_path, *trace_path, *output_path;
    const char *workload;     /* task-list kernels */
    double scale;
} options;

/* Parses and validates argv. Returns 0, or 2 with a one-line message (no "primes:" prefix, no newline)
 * naming the bad value and what is allowed. Touches no file. */
int cli_parse(int argc, char **argv, options *opt, char *error, size_t error_size);

void cli_print_help(FILE *out);
void cli_print_list(FILE *out);

#endif
