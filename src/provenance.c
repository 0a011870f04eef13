/* provenance.c: gathering the provenance of a run from the system, the build and the libraries. */
#include "provenance.h"

#include <gmp.h>
#include <omp.h>
#include <gsl/gsl_version.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "mpi_env.h"
#include "version.h"
#include "xalloc.h"

extern char **environ;

void process_cpu_set(cpu_set_t *set)
{
    CPU_ZERO(set);
    int places = omp_get_num_places();
    for (int p = 0; p < places; p++) {
        int count = omp_get_place_num_procs(p);
        int *ids = xcalloc((size_t)(count > 0 ? count : 1), sizeof *ids, "OpenMP place");
        omp_get_place_proc_ids(p, ids);
        for (int i = 0; i < count; i++)
            if (ids[i] >= 0 && ids[i] < CPU_SETSIZE)
                CPU_SET(ids[i], set);
        free(ids);
    }
    if (CPU_COUNT(set) > 0)
        return;
    if (sched_getaffinity(0, sizeof *set, set) != 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        for (long c = 0; c < online && c < CPU_SETSIZE; c++)
            CPU_SET((int)c, set);
    }
}

int affinity_cores(char *list, unsigned long size)
{
    cpu_set_t set;
    if (list && size)
        list[0] = '\0';
    process_cpu_set(&set);
    int count = CPU_COUNT(&set);
    if (list && size) {
        size_t used = 0;
        for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
            if (!CPU_ISSET(cpu, &set))
                continue;
            int last = cpu;
            while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set))
                last++;
            int n = last == cpu ? snprintf(list + used, size - used, "%s%d", used ? "," : "", cpu)
                                : snprintf(list + used, size - used, "%s%d-%d", used ? "," : "", cpu, last);
            if (n < 0 || (size_t)n >= size - used)
                break;
            used += (size_t)n;
            cpu = last;
        }
    }
    return count;
}

static void read_cpu_model(char *buf, size_t size)
{
    snprintf(buf, size, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *colon = strchr(line, ':');
            if (colon) {
                colon++;
                while (*colon == ' ' || *colon == '\t')
                    colon++;
                colon[strcspn(colon, "\n")] = '\0';
                snprintf(buf, size, "%s", colon);
            }
            break;
        }
    }
    fclose(f);
}

static void copy_env(char *buf, size_t size, const char *name)
{
    const char *v = getenv(name);
    snprintf(buf, size, "%s", v ? v : "");
}

void provenance_collect(provenance *p)
{
    memset(p, 0, sizeof *p);
    gethostname(p->host, sizeof p->host - 1);
    read_cpu_model(p->cpu_model, sizeof p->cpu_model);
    p->cores_allowed = affinity_cores(p->affinity, sizeof p->affinity);
    p->cores_online = (int)sysconf(_SC_NPROCESSORS_ONLN);
    p->version = PRIMES_VERSION;
    p->git_commit = PRIMES_GIT_COMMIT;
    p->compiler = PRIMES_COMPILER;
    p->cflags = PRIMES_CFLAGS;
    snprintf(p->gmp, sizeof p->gmp, "%s", gmp_version);
    snprintf(p->gsl, sizeof p->gsl, "%s", GSL_VERSION);
    snprintf(p->mpi_library, sizeof p->mpi_library, "%s", mpi_env_library());
    p->mpi_thread_level = mpi_env_thread_level();
    size_t used = 0;
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "OMP_", 4) == 0 && used + strlen(*e) + 2 < sizeof p->omp_env)
            used += (size_t)snprintf(p->omp_env + used, sizeof p->omp_env - used, "%s%s", used ? " " : "", *e);
    copy_env(p->slurm_job_id, sizeof p->slurm_job_id, "SLURM_JOB_ID");
    copy_env(p->slurm_nodelist, sizeof p->slurm_nodelist, "SLURM_JOB_NODELIST");
    mpi_env_simulation(&p->sim);
}

void provenance_timestamp(char *buf, unsigned long size)
{
    struct timeval tv;
    /* in parentheses: the real clock even under smpicc, whose gettimeofday macro reads simulated time */
    (gettimeofday)(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%03dZ", base, (int)(tv.tv_usec / 1000));
}
