/* tools/overhead_launcher.c: the MPI launcher in `primes overhead`: its start-up timed from outside
 * (mpirun -np 1 and 2 of /bin/true and of `primes overhead --probe`), and the protocol by which the MPI
 * rows are measured: the parent runs `mpirun -np 2 primes overhead --rows`, whose rank 0 prints one line
 * per row ("id samples median min q1 q3 max"), and reads them back. */
#include "tools/overhead_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mpi_env.h"

bool on_path(const char *name)
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
void launcher_environment(void)
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
void collectives_from_child(const settings *s, table *t)
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

void measure_launcher(const settings *s, table *t)
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

int overhead_under_launcher(const settings *s, int *argc, char ***argv)
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
