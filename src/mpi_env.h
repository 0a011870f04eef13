/* mpi_env.h: the driver's view of MPI (start, rank, size, collective maxima, abort, finish), with serial
 * stand-ins when the build has no MPI or the process was not started by a launcher. */
#ifndef PRIMES_MPI_ENV_H
#define PRIMES_MPI_ENV_H

#include <stdbool.h>
#include <stdint.h>

/* Rank and size as the launcher's environment tells them (before MPI is started); 0 and 1 without one. */
int mpi_env_launcher_rank(void);
int mpi_env_launcher_size(void);
bool mpi_env_launched(void);

/* Starts MPI with MPI_THREAD_FUNNELED (once). Returns 0, or -1 when the build has no MPI. */
int mpi_env_start(int *argc, char ***argv);
bool mpi_env_active(void);
int mpi_env_rank(void);
int mpi_env_size(void);
void mpi_env_barrier(void);
double mpi_env_max_double(double value);
uint64_t mpi_env_max_u64(uint64_t value);
uint64_t mpi_env_sum_u64(uint64_t value);
/* Ends every rank of the job with this status (MPI_Abort when active, else exit). */
_Noreturn void mpi_env_abort(int status);
void mpi_env_finish(void);

/* "Open MPI v4.1.4, ..." (first line of MPI_Get_library_version), or "none". */
const char *mpi_env_library(void);
/* The thread level MPI provided ("funneled", ...), or "none" when MPI is not active. */
const char *mpi_env_thread_level(void);
/* Host names of all ranks, rank order, each 64 bytes, collected on rank 0 (size entries). */
void mpi_env_gather_hosts(char (*hosts)[64]);
/* Every rank's `len` bytes, in rank order, into all (size * len bytes, used on rank 0 only). */
void mpi_env_gather_bytes(const void *mine, int len, void *all);

#endif
