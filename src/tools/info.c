/* tools/info.c: `primes info`: what this binary and this machine offer a run, in one screen. */
#include "tools/info.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernel.h"
#include "models/model.h"
#include "mpi_env.h"
#include "provenance.h"
#include "xalloc.h"

static const char *proc_bind_name(omp_proc_bind_t bind)
{
    switch (bind) {
    case omp_proc_bind_false: return "false";
    case omp_proc_bind_true: return "true";
    case omp_proc_bind_master: return "master";
    case omp_proc_bind_close: return "close";
    case omp_proc_bind_spread: return "spread";
    }
    return "?";
}

int info_run(int *argc, char ***argv, int launcher_rank)
{
    if (mpi_env_launched())
        mpi_env_start(argc, argv);
    int size = mpi_env_size();
    char (*hosts)[64] = launcher_rank == 0 ? xcalloc((size_t)size, 64, "host names") : NULL;
    mpi_env_gather_hosts(hosts);
    if (mpi_env_rank() != 0) {
        mpi_env_finish();
        return 0;
    }
    provenance p;
    provenance_collect(&p);
    printf("primes %s (git %s)\n", p.version, p.git_commit);
    printf("build      %s\n           flags %s\n", p.compiler, p.cflags);
    printf("machine    %s: %s\n", p.host, p.cpu_model);
    printf("cores      %d online, %d allowed to this process (CPUs %s)\n", p.cores_online, p.cores_allowed,
           p.affinity);
    printf("libraries  GMP %s, GSL %s\n", p.gmp, p.gsl);
#if PRIMES_MPI
    char launcher[128];
    mpi_env_launcher_name(launcher, sizeof launcher);
    printf("mpi        %s (%s)\n", mpi_env_built_library(), mpi_env_active() ? launcher : "not started: no launcher");
#else
    printf("mpi        not compiled in (built with MPI=0)\n");
#endif
    if (mpi_env_active()) {
        printf("           %d rank%s, thread level provided: %s, hosts:", size, size == 1 ? "" : "s",
               p.mpi_thread_level);
        for (int r = 0; r < size; r++)
            printf(" %s", hosts[r]);
        printf("\n");
    }
    printf("openmp     %d threads by default, proc_bind %s, %d places%s%s\n", omp_get_max_threads(),
           proc_bind_name(omp_get_proc_bind()), omp_get_num_places(), p.omp_env[0] ? "; " : "", p.omp_env);
    if (p.slurm_job_id[0])
        printf("slurm      job %s on %s\n", p.slurm_job_id, p.slurm_nodelist);
    else
        printf("slurm      not inside a Slurm job\n");
    printf("kernels   ");
    for (const kernel *const *k = kernel_list(); *k; k++)
        printf(" %s", (*k)->name);
    printf("\nmodels    ");
    for (const model *const *m = model_list(); *m; m++)
        printf(" %s", (*m)->name);
    printf("\n");
    free(hosts);
    mpi_env_finish();
    return 0;
}
