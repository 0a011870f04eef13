/* provenance.h: where and how a run happened: machine, build, libraries, parallel settings, scheduler. */
#ifndef PRIMES_PROVENANCE_H
#define PRIMES_PROVENANCE_H

#include <sched.h>

#include "mpi_env.h"

typedef struct provenance {
    char host[64];
    char cpu_model[128];
    int cores_allowed;          /* CPUs in this process's affinity mask */
    int cores_online;           /* CPUs the machine has online */
    char affinity[128];         /* the mask as a list, e.g. "0-1" */
    const char *version, *git_commit, *compiler, *cflags;
    char gmp[32], gsl[32];            /* library versions */
    char mpi_library[256];
    const char *mpi_thread_level;
    char omp_env[512];          /* every OMP_* variable set, "NAME=value" separated by spaces */
    char slurm_job_id[32], slurm_nodelist[256];
    simulation_info sim;        /* a simulated run's platform and speeds (sim.simulated false otherwise) */
} provenance;

/* Collects the facts (call after MPI is started, if it is). */
void provenance_collect(provenance *p);

/* Current UTC time as ISO 8601 with milliseconds, "2026-11-23T18:45:39.123Z". */
void provenance_timestamp(char *buf, unsigned long size);

/* The CPUs this process may run its workers on: the union of the OpenMP places when OpenMP has places
 * (with OMP_PLACES or OMP_PROC_BIND set, libgomp pins the initial thread to one place at start-up, so the
 * thread's own mask would say one CPU), else the process's affinity mask. */
void process_cpu_set(cpu_set_t *set);

/* How many CPUs process_cpu_set holds, and (when list is not NULL) them as a list ("0-3,8"). */
int affinity_cores(char *list, unsigned long size);

#endif
