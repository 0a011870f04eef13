/* mpi_env.c: the driver's only door to MPI (the mpi and hybrid models call MPI themselves for their
 * protocols). Without MPI in the build, or when the process was not started by mpirun/srun and no MPI
 * model was asked for, every call here has its serial meaning and MPI is never initialised, so a plain
 * run pays no MPI start-up. */
#include "mpi_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if PRIMES_MPI
#include <mpi.h>
#endif

static bool active;
static char library[256] = "none";

static int env_int(const char *const names[], int fallback)
{
    for (int i = 0; names[i]; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            return atoi(v);
    }
    return fallback;
}

int mpi_env_launcher_rank(void)
{
    static const char *const names[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", NULL};
    return env_int(names, 0);
}

int mpi_env_launcher_size(void)
{
    static const char *const names[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", NULL};
    int size = env_int(names, 0);
    if (size == 0 && getenv("PMIX_RANK") && getenv("SLURM_NTASKS"))
        size = atoi(getenv("SLURM_NTASKS"));
    return size > 0 ? size : 1;
}

bool mpi_env_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

#if PRIMES_MPI

static int provided_level = -1;

int mpi_env_start(int *argc, char ***argv)
{
    if (active)
        return 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided_level);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    active = true;
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    text[0] = 0;
    int len = 0;
    MPI_Get_library_version(text, &len);
    text[strcspn(text, "\n")] = '\0';
    text[sizeof library - 1] = '\0';
    memcpy(library, text, sizeof library);
    return 0;
}

int mpi_env_rank(void)
{
    int rank = 0;
    if (active)
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int mpi_env_size(void)
{
    int size = 1;
    if (active)
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

void mpi_env_barrier(void)
{
    if (active)
        MPI_Barrier(MPI_COMM_WORLD);
}

double mpi_env_max_double(double value)
{
    double out = value;
    if (active)
        MPI_Allreduce(&value, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    return out;
}

uint64_t mpi_env_max_u64(uint64_t value)
{
    uint64_t out = value;
    if (active)
        MPI_Allreduce(&value, &out, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    return out;
}

uint64_t mpi_env_sum_u64(uint64_t value)
{
    uint64_t out = value;
    if (active)
        MPI_Allreduce(&value, &out, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    return out;
}

_Noreturn void mpi_env_abort(int status)
{
    fflush(stdout);
    fflush(stderr);
    if (active)
        MPI_Abort(MPI_COMM_WORLD, status);
    exit(status);
}

void mpi_env_finish(void)
{
    if (active) {
        MPI_Finalize();
        active = false;
    }
}

const char *mpi_env_thread_level(void)
{
    if (provided_level < 0)
        return "none";
    if (provided_level == MPI_THREAD_SINGLE)
        return "single";
    if (provided_level == MPI_THREAD_FUNNELED)
        return "funneled";
    if (provided_level == MPI_THREAD_SERIALIZED)
        return "serialized";
    return "multiple";
}

void mpi_env_gather_hosts(char (*hosts)[64])
{
    char mine[64] = {0};
    gethostname(mine, sizeof mine - 1);
    if (!active) {
        memcpy(hosts[0], mine, sizeof mine);
        return;
    }
    MPI_Gather(mine, 64, MPI_CHAR, hosts ? hosts[0] : NULL, 64, MPI_CHAR, 0, MPI_COMM_WORLD);
}

void mpi_env_gather_bytes(const void *mine, int len, void *all)
{
    if (!active) {
        memcpy(all, mine, (size_t)len);
        return;
    }
    MPI_Gather(mine, len, MPI_BYTE, all, len, MPI_BYTE, 0, MPI_COMM_WORLD);
}

#else

void mpi_env_gather_bytes(const void *mine, int len, void *all)
{
    memcpy(all, mine, (size_t)len);
}

int mpi_env_start(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return -1;
}
int mpi_env_rank(void) { return 0; }
int mpi_env_size(void) { return 1; }
void mpi_env_barrier(void) {}
double mpi_env_max_double(double value) { return value; }
uint64_t mpi_env_max_u64(uint64_t value) { return value; }
uint64_t mpi_env_sum_u64(uint64_t value) { return value; }
_Noreturn void mpi_env_abort(int status)
{
    fflush(stdout);
    fflush(stderr);
    exit(status);
}
void mpi_env_finish(void) {}
const char *mpi_env_thread_level(void) { return "none"; }
void mpi_env_gather_hosts(char (*hosts)[64])
{
    memset(hosts[0], 0, 64);
    gethostname(hosts[0], 63);
}

#endif

bool mpi_env_active(void)
{
    return active;
}

const char *mpi_env_library(void)
{
    return library;
}
