/* tools/overhead.c: `primes overhead`, the cost of starting and synchronising workers, measured on this machine
 * rather than guessed: thread create+join, fork+waitpid, fork+exec+waitpid, an empty OpenMP parallel
 * region, an OpenMP barrier, an MPI barrier and a one-word allreduce (2 ranks), and the MPI launcher's
 * start-up (mpirun -np 1 and 2, of /bin/true and of `primes overhead --probe`, which adds MPI_Init and
 * MPI_Finalize), timed from outside by fork+exec+waitpid. Each row is many samples summarised by their
 * median, minimum and quartiles. The MPI rows are measured by a child `mpirun -np 2 primes overhead --rows`
 * (under a launcher with 2+ ranks, primes overhead measures only them). Output: an aligned table, JSON
 * Lines (--json) or CSV rows appended whole (--csv FILE), each with the machine's provenance. */
#include "tools/overhead.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mpi_env.h"
#include "numparse.h"
#include "options.h"
#include "provenance.h"
#include "report.h"
#include "analyze/stats.h"
#include "timer.h"
#include "version.h"
#include "xalloc.h"

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

static row *add_row(table *t, const char *id, int workers, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static row *add_row(table *t, const char *id, int workers, const char *fmt, ...)
{
    row *r = &t->rows[t->count < MAX_ROWS ? t->count++ : MAX_ROWS - 1];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->workers = workers;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->label, sizeof r->label, fmt, ap);
    va_end(ap);
    return r;
}

/* Samples of a row: --repeat when given, else the default (a tenth of it with --quick, at least 2). */
static unsigned samples_of(const settings *s, unsigned normal)
{
    if (s->repeat)
        return s->repeat;
    unsigned n = s->quick ? normal / 10 : normal;
    return n < 2 ? 2 : n;
}

static void summarise(row *r, double *x, unsigned n)
{
    sample_stats st;
    stats_describe(x, n, &st);
    r->samples = n;
    r->median = st.median;
    r->min = st.min;
    r->q1 = st.q1;
    r->q3 = st.q3;
    r->max = st.max;
}

/* ---- threads and processes ---- */

static void *empty_thread(void *arg)
{
    return arg;
}

static int measure_threads(row *r, unsigned n)
{
    double *x = xcalloc(n, sizeof *x, "samples");
    for (unsigned k = 0; k < n; k++) {
        pthread_t t;
        double start = timer_now();
        if (pthread_create(&t, NULL, empty_thread, NULL) != 0) {
            snprintf(r->note, sizeof r->note, "pthread_create failed: %s", strerror(errno));
            free(x);
            return -1;
        }
        pthread_join(t, NULL);
        x[k] = timer_now() - start;
    }
    summarise(r, x, n);
    free(x);
    return 0;
}

/* fork, then in the child _exit(0) (argv NULL) or exec argv with stdout and stderr to /dev/null; waitpid.
 * Returns the child's exit status, or -1 with errno set. */
static int run_child(char *const argv[], int stdout_fd)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (!argv)
            _exit(0);
        int null = open("/dev/null", O_RDWR);
        dup2(stdout_fd >= 0 ? stdout_fd : null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        dup2(null, STDIN_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Times n runs of argv (NULL: a bare fork). Fails on the first run that does not exit 0. */
static int measure_children(row *r, unsigned n, char *const argv[])
{
    double *x = xcalloc(n, sizeof *x, "samples");
    for (unsigned k = 0; k < n; k++) {
        double start = timer_now();
        int status = run_child(argv, -1);
        x[k] = timer_now() - start;
        if (status != 0) {
            if (status < 0)
                snprintf(r->note, sizeof r->note, "not measured: fork failed: %s", strerror(errno));
            else
                snprintf(r->note, sizeof r->note, "not measured: %s exited with status %d", argv ? argv[0] : "child",
                         status);
            free(x);
            return -1;
        }
    }
    summarise(r, x, n);
    free(x);
    return 0;
}

/* ---- OpenMP ---- */

static void measure_omp(row *region, row *barrier, int threads, unsigned n)
{
    double *x = xcalloc(n, sizeof *x, "samples");
    int team = threads;
    /* the first region starts the team's threads: not what a run pays per region afterwards */
#pragma omp parallel num_threads(threads)
    {
#pragma omp single
        team = omp_get_num_threads();
    }
    for (unsigned k = 0; k < n; k++) {
        double start = timer_now();
#pragma omp parallel num_threads(threads)
        {
            __asm__ volatile("" ::: "memory");
        }
        x[k] = timer_now() - start;
    }
    summarise(region, x, n);
    region->workers = team;
#pragma omp parallel num_threads(threads)
    {
        for (unsigned k = 0; k < n; k++) {
#pragma omp barrier
            double start = timer_now();
            for (int b = 0; b < BATCH; b++) {
#pragma omp barrier
            }
#pragma omp master
            x[k] = (timer_now() - start) / BATCH;
        }
    }
    summarise(barrier, x, n);
    barrier->workers = team;
    free(x);
}

/* ---- MPI (under a launcher with 2+ ranks) ---- */

/* One sample: BATCH operations after a barrier, the slowest rank's time per operation. */
static void measure_mpi(row *barrier, row *allreduce, unsigned n)
{
    double *x = xcalloc(n, sizeof *x, "samples");
    for (int which = 0; which < 2; which++) {
        for (unsigned k = 0; k < n; k++) {
            mpi_env_barrier();
            double start = timer_now();
            uint64_t sum = 0;
            for (int b = 0; b < BATCH; b++) {
                if (which == 0)
                    mpi_env_barrier();
                else
                    sum += mpi_env_sum_u64((uint64_t)b);
            }
            __asm__ volatile("" : : "r"(sum));
            x[k] = mpi_env_max_double((timer_now() - start) / BATCH);
        }
        summarise(which == 0 ? barrier : allreduce, x, n);
    }
    free(x);
}

/* ---- the launcher, from outside ---- */

static bool on_path(const char *name)
{
    if (strchr(name, '/'))
        return access(name, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char dir[4096];
    for (const char *p = path; *p;) {
        size_t len = strcspn(p, ":");
        snprintf(dir, sizeof dir, "%.*s/%s", (int)len, p, name);
        if (len > 0 && access(dir, X_OK) == 0)
            return true;
        p += len;
        p += *p == ':';
    }
    return false;
}

/* Lets mpirun start as root (when we are root) and run 2 ranks on a 1-core machine; the variables are Open
 * MPI's and mean nothing to other launchers. */
static void launcher_environment(void)
{
    if (geteuid() == 0) {
        setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 0);
        setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 0);
    }
    setenv("OMPI_MCA_rmaps_base_oversubscribe", "1", 0);
}

static void self_path(char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
    if (n <= 0)
        snprintf(buf, size, "primes");
}

/* Runs `mpirun -np 2 primes overhead --rows` and reads its rows into the table (the MPI rows). */
static void collectives_from_child(const settings *s, table *t)
{
    row *barrier = add_row(t, "mpi_barrier", 2, "MPI barrier");
    row *allreduce = add_row(t, "mpi_allreduce", 2, "MPI allreduce, one 64-bit word");
    char self[4096], repeat[32];
    self_path(self, sizeof self);
    snprintf(repeat, sizeof repeat, "%u", samples_of(s, 2000));
    char *argv[] = {(char *)s->mpirun, "-np", "2", self, "overhead", "--rows", "-r", repeat, NULL};
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(barrier->note, sizeof barrier->note, "not measured: pipe: %s", strerror(errno));
        snprintf(allreduce->note, sizeof allreduce->note, "%s", barrier->note);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        char *const *a = argv;
        int null = open("/dev/null", O_RDWR);
        dup2(fds[1], STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        dup2(null, STDIN_FILENO);
        execvp(a[0], a);
        _exit(127);
    }
    close(fds[1]);
    FILE *in = pid > 0 ? fdopen(fds[0], "r") : NULL;
    char line[512];
    while (in && fgets(line, sizeof line, in)) {
        char id[64];
        row got = {0};
        if (sscanf(line, "%63s %u %lf %lf %lf %lf %lf", id, &got.samples, &got.median, &got.min, &got.q1, &got.q3,
                   &got.max) != 7)
            continue;
        row *into = strcmp(id, "mpi_barrier") == 0 ? barrier : strcmp(id, "mpi_allreduce") == 0 ? allreduce : NULL;
        if (into) {
            into->samples = got.samples;
            into->median = got.median;
            into->min = got.min;
            into->q1 = got.q1;
            into->q3 = got.q3;
            into->max = got.max;
        }
    }
    if (in)
        fclose(in);
    else
        close(fds[0]);
    int status = -1;
    if (pid > 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    for (row *r = barrier; r <= allreduce; r++)
        if (r->samples == 0)
            snprintf(r->note, sizeof r->note, "not measured: %.40s -np 2 primes overhead --rows failed (status %d)",
                     s->mpirun, pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void measure_launcher(const settings *s, table *t)
{
    char self[4096];
    self_path(self, sizeof self);
    const unsigned n = samples_of(s, 7);
    for (int probe = 0; probe < 2; probe++)
        for (int np = 1; np <= 2; np++) {
            row *r = add_row(t, probe ? (np == 1 ? "mpirun_np1_probe" : "mpirun_np2_probe")
                                      : (np == 1 ? "mpirun_np1_true" : "mpirun_np2_true"),
                             np, probe ? "%.40s -np %d primes overhead --probe" : "%.40s -np %d /bin/true", s->mpirun,
                             np);
            char count[16];
            snprintf(count, sizeof count, "%d", np);
            char *argv_true[] = {(char *)s->mpirun, "-np", count, "/bin/true", NULL};
            char *argv_probe[] = {(char *)s->mpirun, "-np", count, self, "overhead", "--probe", NULL};
            if (measure_children(r, n, probe ? argv_probe : argv_true) == 0 && probe)
                snprintf(r->note, sizeof r->note, "with MPI_Init_thread and MPI_Finalize");
        }
}

/* ---- output ---- */

static void human_time(char *buf, size_t size, double s)
{
    if (!isfinite(s))
        snprintf(buf, size, "-");
    else if (s < 1e-6)
        snprintf(buf, size, "%.0f ns", s * 1e9);
    else if (s < 1e-3)
        snprintf(buf, size, "%.1f us", s * 1e6);
    else if (s < 1)
        snprintf(buf, size, "%.2f ms", s * 1e3);
    else
        snprintf(buf, size, "%.3f s", s);
}

static void print_table(FILE *out, const table *t, const provenance *p)
{
    fprintf(out, "primes overhead on %s (%s, %d core%s allowed), primes %s (git %s)\n", p->host, p->cpu_model,
            p->cores_allowed, p->cores_allowed == 1 ? "" : "s", p->version, p->git_commit);
    fprintf(out, "  %-46s %7s %8s %10s %10s %21s\n", "what", "workers", "samples", "median", "min", "middle half");
    for (int i = 0; i < t->count; i++) {
        const row *r = &t->rows[i];
        if (r->samples == 0) {
            fprintf(out, "  %-46s %7d %8s %10s %10s %21s  %s\n", r->label, r->workers, "-", "-", "-", "-", r->note);
            continue;
        }
        char med[24], min[24], q1[24], q3[24], middle[64];
        human_time(med, sizeof med, r->median);
        human_time(min, sizeof min, r->min);
        human_time(q1, sizeof q1, r->q1);
        human_time(q3, sizeof q3, r->q3);
        snprintf(middle, sizeof middle, "%s .. %s", q1, q3);
        fprintf(out, "  %-46s %7d %8u %10s %10s %21s%s%s\n", r->label, r->workers, r->samples, med, min, middle,
                r->note[0] ? "  " : "", r->note);
    }
}

static void json_number(FILE *out, double v, unsigned samples)
{
    if (samples == 0 || !isfinite(v))
        fputs("null", out);
    else
        fprintf(out, "%.9g", v);
}

static void print_json(FILE *out, const table *t, const provenance *p, const char *timestamp)
{
    for (int i = 0; i < t->count; i++) {
        const row *r = &t->rows[i];
        fprintf(out, "{\"schema\":\"%s\",\"what\":\"%s\",\"label\":", OVERHEAD_SCHEMA, r->id);
        report_json_string(out, r->label);
        fprintf(out, ",\"workers\":%d,\"samples\":%u", r->workers, r->samples);
        const char *names[] = {"median_s", "min_s", "q1_s", "q3_s", "max_s"};
        const double values[] = {r->median, r->min, r->q1, r->q3, r->max};
        for (int k = 0; k < 5; k++) {
            fprintf(out, ",\"%s\":", names[k]);
            json_number(out, values[k], r->samples);
        }
        fputs(",\"note\":", out);
        report_json_string(out, r->note);
        fputs(",\"host\":", out);
        report_json_string(out, p->host);
        fputs(",\"cpu_model\":", out);
        report_json_string(out, p->cpu_model);
        fprintf(out, ",\"cores_allowed\":%d,\"cores_online\":%d,\"version\":", p->cores_allowed, p->cores_online);
        report_json_string(out, p->version);
        fputs(",\"git_commit\":", out);
        report_json_string(out, p->git_commit);
        fputs(",\"compiler\":", out);
        report_json_string(out, p->compiler);
        fputs(",\"timestamp\":", out);
        report_json_string(out, timestamp);
        fputs("}\n", out);
    }
}

/* Appends every row (and the header to an empty file) in one write under an exclusive lock. */
static int append_csv(const char *path, const table *t, const provenance *p, const char *timestamp)
{
    static const char header[] = "schema,what,label,workers,samples,median_s,min_s,q1_s,q3_s,max_s,note,host,"
                                 "cpu_model,cores_allowed,cores_online,version,git_commit,compiler,timestamp\n";
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (int i = 0; i < t->count; i++) {
        const row *r = &t->rows[i];
        char num[6][32];
        snprintf(num[0], sizeof num[0], "%u", r->samples);
        const double values[] = {r->median, r->min, r->q1, r->q3, r->max};
        for (int k = 0; k < 5; k++)
            if (r->samples && isfinite(values[k]))
                snprintf(num[k + 1], sizeof num[k + 1], "%.9g", values[k]);
            else
                num[k + 1][0] = '\0';
        char workers[16], allowed[16], online[16];
        snprintf(workers, sizeof workers, "%d", r->workers);
        snprintf(allowed, sizeof allowed, "%d", p->cores_allowed);
        snprintf(online, sizeof online, "%d", p->cores_online);
        const char *fields[] = {OVERHEAD_SCHEMA, r->id, r->label, workers, num[0], num[1], num[2], num[3],
                                num[4], num[5], r->note, p->host, p->cpu_model, allowed, online, p->version,
                                p->git_commit, p->compiler, timestamp};
        size_t n = sizeof fields / sizeof fields[0];
        for (size_t f = 0; f < n; f++)
            report_csv_field(&buf, &len, &cap, fields[f], f + 1 == n);
    }
    int status = report_append_lines(path, header, sizeof header - 1, buf ? buf : "", len);
    int saved = errno;
    free(buf);
    errno = saved;
    return status;
}

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
        return snprintf(error, size, "'%s' needs a value (see primes overhead --help)",
                        options_label(o, label, sizeof label)),
               2;
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
    char error[512];
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
        int fd = open(s->csv_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            snprintf(error, sizeof error, "--csv: cannot write '%s': %s (allowed: a writable file)", s->csv_path,
                     strerror(errno));
            usage_line(error);
            return EXIT_USAGE;
        }
        close(fd);
    }
    return 0;
}

/* Under a launcher with 2+ ranks: the MPI rows only, on rank 0 (--rows: "id samples median min q1 q3 max"). */
static int overhead_under_launcher(const settings *s, int *argc, char ***argv)
{
    if (mpi_env_start(argc, argv) != 0) {
        if (mpi_env_launcher_rank() == 0)
            fprintf(stderr, "primes: overhead: this build has no MPI (make MPI=1 with an MPI library)\n");
        return EXIT_FAILED;
    }
    table t = {.count = 0};
    int size = mpi_env_size();
    row *barrier = add_row(&t, "mpi_barrier", size, "MPI barrier");
    row *allreduce = add_row(&t, "mpi_allreduce", size, "MPI allreduce, one 64-bit word");
    measure_mpi(barrier, allreduce, samples_of(s, 2000));
    provenance prov;
    provenance_collect(&prov);
    int status = 0;
    if (mpi_env_rank() == 0) {
        char timestamp[40];
        provenance_timestamp(timestamp, sizeof timestamp);
        if (s->rows)
            for (int i = 0; i < t.count; i++)
                printf("%s %u %.9g %.9g %.9g %.9g %.9g\n", t.rows[i].id, t.rows[i].samples, t.rows[i].median,
                       t.rows[i].min, t.rows[i].q1, t.rows[i].q3, t.rows[i].max);
        else if (s->json)
            print_json(stdout, &t, &prov, timestamp);
        else
            print_table(stdout, &t, &prov);
        if (s->csv_path && append_csv(s->csv_path, &t, &prov, timestamp) != 0) {
            fprintf(stderr, "primes: overhead: --csv: cannot append to '%s': %s\n", s->csv_path, strerror(errno));
            status = EXIT_FAILED;
        }
        fflush(stdout);
    }
    mpi_env_finish();
    return status;
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
