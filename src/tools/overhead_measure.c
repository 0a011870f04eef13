/* tools/overhead_measure.c: the timing loops of `primes overhead`: thread create+join, fork+waitpid,
 * fork+exec+waitpid, an empty OpenMP region and barrier, an MPI barrier and allreduce (in batches: one is
 * too short for the clock), each sampled many times and summarised by median, minimum and quartiles. */
#include "tools/overhead_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <omp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "analyze/stats.h"
#include "mpi_env.h"
#include "timer.h"
#include "xalloc.h"

row *add_row(table *t, const char *id, int workers, const char *fmt, ...)
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
unsigned samples_of(const settings *s, unsigned normal)
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

int measure_threads(row *r, unsigned n)
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
int measure_children(row *r, unsigned n, char *const argv[])
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

void measure_omp(row *region, row *barrier, int threads, unsigned n)
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
void measure_mpi(row *barrier, row *allreduce, unsigned n)
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
