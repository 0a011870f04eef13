/* tools/overhead.c: `primes overhead`, the cost of starting and synchronising workers, measured on this machine
 * rather than guessed: thread create+join, fork+waitpid, fork+exec+waitpid, an empty OpenMP parallel
 * region, an OpenMP barrier, an MPI barrier and a one-word allreduce (2 ranks), and the MPI launcher's
 * start-up (mpirun -np 1 and 2, of /bin/true and of `primes overhead --probe`, which adds MPI_Init and
 * MPI_Finalize), timed from outside by fork+exec+waitpid. Each row is many samples summarised by their
 * median, minimum and quartiles. The MPI rows are measured by a child `mpirun -np 2 primes overhead --rows`
 * (under a launcher with 2+ ranks, primes overhead measures only them). Output: an aligned table, JSON
 * Lines (--json) or CSV rows appended whole (--csv FILE), each with the machine's provenance.
 * This file: the command line and the order of the rows; overhead_measure.c, overhead_launcher.c and
 * overhead_output.c do the rest (overhead_internal.h). */
#include "tools/overhead.h"

#include <errno.h>
#include <limits.h>
#include <omp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "mpi_env.h"
#include "options.h"
#include "provenance.h"
#include "tools/overhead_internal.h"

/* ---- the command line ---- */

static int on_threads(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    unsigned t = 0;
    int status = option_set_unsigned(&t, o, value, error, size);
    ((settings *)target)->threads = (int)t;
    return status;
}

static int on_no_launcher(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    (void)o;
    (void)value;
    (void)error;
    (void)size;
    ((settings *)target)->launcher = false;
    return 0;
}

static int on_nonempty(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    char label[40];
    if (!*value)
        return options_reject(error, size, "'%s' needs a value (see primes overhead --help)",
                              options_label(o, label, sizeof label));
    return option_set_text(target, o, value, error, size);
}

#define AT(field) offsetof(settings, field)

static const option_def overhead_options[] = {
    {"threads", 't', "T", "OpenMP team size (default: OMP_NUM_THREADS, else the cores allowed)", on_threads, 0, 1,
     OPTIONS_MAX_THREADS, "options:"},
    {"repeat", 'r', "R", "samples of every row (default: 2000 threads, 300 forks, 100 execs, 5000\n"
                         "OpenMP, 2000 MPI, 7 launcher starts; barriers and allreduces are timed\n"
                         "100 at a time per sample)",
     option_set_unsigned, AT(repeat), 1, OPTIONS_MAX_REPEAT, NULL},
    {"quick", 0, NULL, "a tenth of the default samples (at least 2)", option_set_flag, AT(quick), 0, 0, NULL},
    {"no-launcher", 0, NULL, "leave out every row that runs mpirun (MPI and launcher rows)", on_no_launcher, 0, 0, 0,
     NULL},
    {"mpirun", 0, "PATH", "the launcher (default: mpirun)", on_nonempty, AT(mpirun), 0, 0, NULL},
    {"json", 0, NULL, "one JSON object per row (JSON Lines) instead of the table", option_set_flag, AT(json), 0, 0,
     NULL},
    {"csv", 0, "FILE", "also append one CSV row per measurement (header written once)", on_nonempty, AT(csv_path),
     0, 0, NULL},
    {"probe", 0, NULL, "start MPI when under a launcher, then end (what the launcher rows time)", option_set_flag,
     AT(probe), 0, 0, NULL},
    {"rows", 0, NULL, NULL, option_set_flag, AT(rows), 0, 0, NULL}, /* internal: the child's raw rows */
    {"help", 'h', NULL, "this text", option_set_flag, AT(help), 0, 0, NULL},
};

static const command_def overhead_command = {
    .help_name = "primes overhead",
    .unknown_format = "'%s' is not an option (allowed: see primes overhead --help)",
    .options = overhead_options,
    .count = sizeof overhead_options / sizeof overhead_options[0],
};

static void usage(FILE *out)
{
    fputs("usage: primes overhead [OPTIONS]\n"
          "\n"
          "Measures what starting and synchronising workers costs on this machine, each row the median of\n"
          "many samples: thread create+join, fork+waitpid, fork+exec+waitpid, an empty OpenMP parallel region,\n"
          "an OpenMP barrier, an MPI barrier and a one-word allreduce (2 ranks, by a child mpirun), and the\n"
          "launcher's start-up (mpirun -np 1 and 2, of /bin/true and of primes overhead --probe, timed from\n"
          "outside). Under mpirun/srun with 2+ ranks it measures the MPI rows only.\n",
          out);
    options_print_help(out, &overhead_command);
    fputs("\nexit status: 0 measured, 2 bad usage, 3 a measurement failed (the row says why)\n", out);
}

/* One line of bad usage on stderr, from launcher rank 0 only (every rank parses the same arguments). */
static void usage_line(const char *message)
{
    if (mpi_env_launcher_rank() == 0)
        options_report("overhead: ", message);
}

static int parse(int argc, char **argv, settings *s, int *done)
{
    *done = 0;
    char error[PATH_MAX + 160];
    if (options_parse(&overhead_command, argc, argv, s, error, sizeof error) != 0) {
        usage_line(error);
        return EXIT_USAGE;
    }
    if (s->help) {
        usage(stdout);
        *done = 1;
        return 0;
    }
    if (s->csv_path) {
        /* checked, never created, before anything is measured: a file of another kind is refused */
        file_header_kind kind = file_header_of(s->csv_path, overhead_csv_header, strlen(overhead_csv_header));
        char why[PATH_MAX + 128];
        if (kind == FILE_HEADER_OTHER || kind == FILE_NOT_REGULAR || strcmp(s->csv_path, "-") == 0)
            snprintf(error, sizeof error,
                     "--csv: '%s' %s (allowed: a new file, or one written by primes overhead --csv)", s->csv_path,
                     kind == FILE_HEADER_OTHER ? "holds other data" : "is not a regular file");
        else if (file_check_writable(s->csv_path, why, sizeof why) != 0)
            snprintf(error, sizeof error, "--csv: %s", why);
        else
            return 0;
        usage_line(error);
        return EXIT_USAGE;
    }
    return 0;
}

int overhead_main(int argc, char **argv)
{
    settings s = {.threads = 0, .launcher = true, .mpirun = "mpirun"};
    int done;
    int status = parse(argc, argv, &s, &done);
    if (status || done)
        return status;
    if (s.probe) {
        if (mpi_env_launched() && mpi_env_start(&argc, &argv) == 0) {
            mpi_env_barrier();
            mpi_env_finish();
        }
        return 0;
    }
    if (mpi_env_launcher_size() > 1)
        return overhead_under_launcher(&s, &argc, &argv);

    table t = {.count = 0};
    int threads = s.threads ? s.threads : omp_get_max_threads();
    int failed = 0;
    failed |= measure_threads(add_row(&t, "thread_create_join", 1, "thread create + join (pthreads)"),
                              samples_of(&s, 2000));
    failed |= measure_children(add_row(&t, "fork_wait", 1, "process fork + waitpid"), samples_of(&s, 300), NULL);
    char *true_argv[] = {"/bin/true", NULL};
    failed |= measure_children(add_row(&t, "fork_exec_wait", 1, "process fork + exec /bin/true + waitpid"),
                               samples_of(&s, 100), true_argv);
    row *region = add_row(&t, "omp_region", threads, "OpenMP parallel region, empty");
    row *barrier = add_row(&t, "omp_barrier", threads, "OpenMP barrier");
    measure_omp(region, barrier, threads, samples_of(&s, 5000));
    if (!s.launcher) {
        /* nothing that runs mpirun */
    } else if (mpi_env_launched()) {
        snprintf(add_row(&t, "mpirun", 1, "MPI rows and launcher start-up")->note, sizeof t.rows[0].note,
                 "skipped: already under a launcher (run primes overhead outside mpirun, or with 2+ ranks)");
    } else if (!on_path(s.mpirun)) {
        snprintf(add_row(&t, "mpirun", 1, "MPI rows and launcher start-up")->note, sizeof t.rows[0].note,
                 "skipped: no %.60s found (install MPI, or give --mpirun PATH)", s.mpirun);
    } else {
        launcher_environment();
        collectives_from_child(&s, &t);
        measure_launcher(&s, &t);
    }
    provenance prov;
    provenance_collect(&prov);
    char timestamp[40];
    provenance_timestamp(timestamp, sizeof timestamp);
    if (s.json)
        print_json(stdout, &t, &prov, timestamp);
    else
        print_table(stdout, &t, &prov);
    fflush(stdout);
    if (s.csv_path && append_csv(s.csv_path, &t, &prov, timestamp) != 0) {
        fprintf(stderr, "primes: overhead: --csv: cannot append to '%s': %s\n", s.csv_path, strerror(errno));
        return EXIT_FAILED;
    }
    for (int i = 0; i < t.count; i++)
        failed |= t.rows[i].samples == 0 && strncmp(t.rows[i].note, "skipped", 7) != 0;
    return failed ? EXIT_FAILED : 0;
}
