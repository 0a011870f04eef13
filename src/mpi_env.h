/* mpi_env.h: the driver's view of MPI (start, rank, size, collective maxima, abort, finish), with serial
 * stand-ins when the build has no MPI or the process was not started by a launcher. */
#ifndef PRIMES_MPI_ENV_H
#define PRIMES_MPI_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Rank and size as the launcher's environment tells them (before MPI is started; once it is, MPI's own);
 * 0 and 1 without one, or when its variables are strays (mpi_env_stray_launcher_variable). */
int mpi_env_launcher_rank(void);
int mpi_env_launcher_size(void);
bool mpi_env_launched(void);
/* The name of a launcher's rank or size variable that is set without the launcher's connection beside it
 * (left over in a shell, so ignored: the run is one process), or NULL. */
const char *mpi_env_stray_launcher_variable(void);

/* What started this process, for messages: "Open MPI's mpirun (OMPI_COMM_WORLD_SIZE=2)", "srun --mpi=pmix
 * (...)", "MPICH's mpiexec, Hydra (PMI_SIZE=2)", ..., or "no launcher". */
void mpi_env_launcher_name(char *out, size_t len);
/* Under a multi-task srun step that gives no way to the other tasks (no --mpi plugin): the variable that
 * says so ("SLURM_STEP_NUM_TASKS=2"), else NULL. Such tasks would each run alone. */
const char *mpi_env_unconnected_srun(void);

/* Whether this build runs on SimGrid's simulated MPI (smpicc, make smpi): every time it reads is simulated
 * time, and its ranks are actors of one simulator process. */
bool mpi_env_simulated(void);
/* Under simulation, starts MPI at once (a rank knows itself only from MPI); elsewhere does nothing. */
void mpi_env_early_start(int *argc, char ***argv);

/* What makes a simulated run what it is. */
typedef struct simulation_info {
    bool simulated;
    char platform[64];             /* the platform's root zone, as its file names it */
    char platform_file[256];       /* the file smpirun was given ("" when it cannot be told) */
    char platform_sha256[65];      /* of that file ("" when unreadable) */
    double host_speed;             /* flop/s of rank 0's simulated host */
    char reference_speed[32];      /* smpi/host-speed: flop/s that one CPU second here stands for ("" unset) */
    char simgrid_version[16];
} simulation_info;
/* The simulation's facts (all zero and false outside a simulated build). */
void mpi_env_simulation(simulation_info *out);
/* Under simulation: whether some simulated host runs more ranks x threads than it has cores (hosts: the
 * host of each of `ranks` ranks). Always false elsewhere. */
bool mpi_env_simulated_oversubscribed(char (*hosts)[64], int ranks, int threads);

/* Starts MPI with MPI_THREAD_FUNNELED (once). Returns 0, or -1 when the build has no MPI. */
int mpi_env_start(int *argc, char ***argv);
bool mpi_env_active(void);
/* Seconds to add to this rank's timer_now() to read rank 0's clock: 0 on rank 0's host (one monotonic
 * clock per host), else estimated once per host by the quickest of a few ping-pongs of its first rank
 * with rank 0 (error at most half that round trip; under simulation exactly 0). Collective on the first
 * call, which the driver makes at start-up, outside any timed run. */
double mpi_env_clock_offset(void);
int mpi_env_rank(void);
int mpi_env_size(void);
void mpi_env_barrier(void);
double mpi_env_max_double(double value);
uint64_t mpi_env_max_u64(uint64_t value);
uint64_t mpi_env_sum_u64(uint64_t value);
double mpi_env_sum_double(double value);
/* The sum over the ranks of this rank's host (its shared-memory communicator), on each of them. */
double mpi_env_host_sum_double(double value);
/* Ends every rank of the job with this status (MPI_Abort when active, else exit). */
_Noreturn void mpi_env_abort(int status);
void mpi_env_finish(void);

/* "Open MPI v4.1.4, ..." (first line of MPI_Get_library_version) once MPI is active, else "none": the
 * record's word on the MPI a run used. */
const char *mpi_env_library(void);
/* The MPI library this binary is linked with, started or not ("none" without MPI in the build). */
const char *mpi_env_built_library(void);
/* The thread level MPI provided ("funneled", ...), or "none" when MPI is not active. */
const char *mpi_env_thread_level(void);
/* This rank's host: MPI's processor name once MPI is active (the simulated host under SMPI), else
 * gethostname; NUL-terminated within 64 bytes. */
void mpi_env_host_name(char name[64]);
/* Host names of all ranks, rank order, each 64 bytes, collected on rank 0 (size entries). */
void mpi_env_gather_hosts(char (*hosts)[64]);
/* Every rank's `len` bytes, in rank order, into all (size * len bytes, used on rank 0 only). */
void mpi_env_gather_bytes(const void *mine, int len, void *all);

#endif
