/* mpi_env.c: the driver's only door to MPI (the mpi and hybrid models call MPI themselves for their
 * protocols). Without MPI in the build, or when the process was not started by mpirun/srun and no MPI
 * model was asked for, every call here has its serial meaning and MPI is never initialised, so a plain
 * run pays no MPI start-up.
 *
 * Built by smpicc (PRIMES_SMPI), every rank is an actor of SimGrid's simulator in one process: no launcher
 * environment tells a rank who it is, so MPI starts first thing (mpi_env_early_start) and the rank and
 * size come from MPI itself; the simulation's facts (platform, speeds, SimGrid version) come from here. */
#include "mpi_env.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"
#include "timer.h"

#if PRIMES_MPI
#include <mpi.h>
#endif
#if PRIMES_SMPI
#include <simgrid/host.h>
#include <simgrid/version.h>
#include <simgrid/zone.h>
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

static bool env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

/* A launcher's rank variables are believed only beside the way back to the launcher that comes with them
 * (Open MPI 4: PMIx's namespace or the HNP's address; srun --mpi=pmix: the namespace; MPICH's hydra and
 * srun --mpi=pmi2: the PMI socket): a rank variable left in a shell is not a launch. */
static bool launcher_connected(void)
{
    if (env_set("OMPI_COMM_WORLD_RANK") || env_set("OMPI_COMM_WORLD_SIZE"))
        return env_set("PMIX_NAMESPACE") || env_set("OMPI_MCA_orte_hnp_uri");
    if (env_set("PMIX_RANK"))
        return env_set("PMIX_NAMESPACE");
    if (env_set("PMI_RANK") || env_set("PMI_SIZE"))
        return env_set("PMI_FD") || env_set("PMI_PORT");
    return false;
}

const char *mpi_env_stray_launcher_variable(void)
{
    static const char *const names[] = {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                        "PMI_SIZE", NULL};
    if (PRIMES_SMPI || launcher_connected())
        return NULL;
    for (int i = 0; names[i]; i++)
        if (env_set(names[i]))
            return names[i];
    return NULL;
}

/* The launcher's own word on how many ranks it started (0 when none started this process). */
static int launcher_env_size(void)
{
    static const char *const names[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", NULL};
    if (!launcher_connected())
        return 0;
    int size = env_int(names, 0);
    if (size == 0 && getenv("PMIX_RANK") && getenv("SLURM_NTASKS"))
        size = atoi(getenv("SLURM_NTASKS"));
    return size;
}

void mpi_env_launcher_name(char *out, size_t len)
{
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    if (!launcher_connected())
        snprintf(out, len, "no launcher");
    else if (env_set("SLURM_STEP_ID") && env_set("PMIX_RANK"))
        snprintf(out, len, "srun --mpi=pmix (SLURM_NTASKS=%s)", getenv("SLURM_NTASKS") ? getenv("SLURM_NTASKS") : "?");
    else if (env_set("SLURM_STEP_ID") && env_set("PMI_SIZE"))
        snprintf(out, len, "srun --mpi=pmi2 (PMI_SIZE=%s)", getenv("PMI_SIZE"));
    else if (size && *size)
        snprintf(out, len, "Open MPI's mpirun (OMPI_COMM_WORLD_SIZE=%s)", size);
    else if (env_set("PMI_SIZE"))
        snprintf(out, len, "MPICH's mpiexec, Hydra (PMI_SIZE=%s)", getenv("PMI_SIZE"));
    else
        snprintf(out, len, "a PMIx launcher (PMIX_RANK=%s)", getenv("PMIX_RANK"));
}

/* The variables a launcher tells each process its rank in (Open MPI, PMIx, PMI-1/2). */
static const char *const launcher_rank_names[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", NULL};

int mpi_env_launcher_rank(void)
{
    if (active)
        return mpi_env_rank();
    return launcher_connected() ? env_int(launcher_rank_names, 0) : 0;
}

int mpi_env_launcher_size(void)
{
    if (active)
        return mpi_env_size();
    int size = launcher_env_size();
    return size > 0 ? size : 1;
}

const char *mpi_env_unconnected_srun(void)
{
    static char text[96];
    const char *tasks = getenv("SLURM_STEP_NUM_TASKS");
    if (PRIMES_SMPI || !PRIMES_MPI || launcher_connected() || !env_set("SLURM_STEP_ID") || !tasks || atoi(tasks) < 2)
        return NULL;
    snprintf(text, sizeof text, "SLURM_STEP_NUM_TASKS=%s", tasks);
    return text;
}

bool mpi_env_launched(void)
{
    return PRIMES_SMPI || launcher_connected();
}

bool mpi_env_simulated(void)
{
    return PRIMES_SMPI;
}

void mpi_env_early_start(int *argc, char ***argv)
{
    if (PRIMES_SMPI)
        mpi_env_start(argc, argv);
}

#if PRIMES_MPI

static int provided_level = -1;
static bool offset_known;
static double offset;

#define TAG_CLOCK 51
#define CLOCK_PINGS 4

/* The ranks of this rank's host (its shared-memory communicator), made once, collectively, at the first
 * call (which every rank makes: the clock offset at start-up). */
static MPI_Comm host_comm(void)
{
    static MPI_Comm host = MPI_COMM_NULL;
    if (host == MPI_COMM_NULL)
        MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, mpi_env_rank(), MPI_INFO_NULL, &host);
    return host;
}

double mpi_env_clock_offset(void)
{
    if (!active || offset_known)
        return offset;
    offset_known = true;
    /* ranks of one host share its monotonic clock: one leader per host (the first rank of its shared-memory
     * communicator) asks, and rank 0 answers as many hosts as there are, not as many ranks */
    int rank = mpi_env_rank();
    MPI_Comm node = host_comm();
    int node_rank = 0;
    MPI_Comm_rank(node, &node_rank);
    char root_host[64], mine[64];
    mpi_env_host_name(mine);
    memcpy(root_host, mine, sizeof mine);
    MPI_Bcast(root_host, 64, MPI_CHAR, 0, MPI_COMM_WORLD);
    int asks = node_rank == 0 && strcmp(root_host, mine) != 0, askers = 0;
    MPI_Reduce(&asks, &askers, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        /* rank 0 times each host in turn, so no ping waits in a queue (which would skew its midpoint):
         * a leader says it is ready, then answers rank 0's pings with its clock at once */
        for (int h = 0; h < askers; h++) {
            MPI_Status status;
            MPI_Recv(NULL, 0, MPI_BYTE, MPI_ANY_SOURCE, TAG_CLOCK, MPI_COMM_WORLD, &status);
            int leader = status.MPI_SOURCE;
            double best = -1, estimate = 0;
            for (int k = 0; k < CLOCK_PINGS; k++) {
                double sent = timer_now(), leader_now;
                MPI_Send(NULL, 0, MPI_BYTE, leader, TAG_CLOCK, MPI_COMM_WORLD);
                MPI_Recv(&leader_now, 1, MPI_DOUBLE, leader, TAG_CLOCK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                double back = timer_now();
                if (best < 0 || back - sent < best) {
                    best = back - sent;
                    estimate = (sent + back) / 2 - leader_now;
                }
            }
            MPI_Send(&estimate, 1, MPI_DOUBLE, leader, TAG_CLOCK, MPI_COMM_WORLD);
        }
    } else if (asks) {
        MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_CLOCK, MPI_COMM_WORLD);
        for (int k = 0; k < CLOCK_PINGS; k++) {
            MPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_CLOCK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            double now = timer_now();
            MPI_Send(&now, 1, MPI_DOUBLE, 0, TAG_CLOCK, MPI_COMM_WORLD);
        }
        MPI_Recv(&offset, 1, MPI_DOUBLE, 0, TAG_CLOCK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    MPI_Bcast(&offset, 1, MPI_DOUBLE, 0, node);
    return offset;
}

const char *mpi_env_built_library(void)
{
    /* MPI_Get_library_version may be called before MPI_Init (MPI 3.0). MPI_MAX_LIBRARY_VERSION_STRING
     * differs between libraries (Open MPI 256, MPICH 8192, SMPI 100): the text is cut at its first line and
     * at whichever buffer is shorter */
    static char built[256];
    if (!built[0]) {
        char text[MPI_MAX_LIBRARY_VERSION_STRING + 1];
        int len = 0;
        MPI_Get_library_version(text, &len);
        text[len >= 0 && len < (int)sizeof text ? len : (int)sizeof text - 1] = '\0';
        size_t keep = strcspn(text, "\n");
        keep = keep < sizeof built - 1 ? keep : sizeof built - 1;
        memcpy(built, text, keep);
        /* MPICH's first line is "MPICH Version:<TAB>4.0.2": one space, not a tab, in a record */
        for (char *c = built; *c; c++)
            if (*c == '\t')
                *c = ' ';
    }
    return built;
}

/* The launchers this build's library meets its ranks through, for the mismatch message. */
#if defined(OPEN_MPI)
#define OWN_LAUNCHERS "Open MPI's mpirun (mpirun.openmpi) or srun --mpi=pmix"
#elif defined(MPICH_VERSION)
#define OWN_LAUNCHERS "MPICH's mpiexec (mpiexec.mpich) or srun --mpi=pmi2"
#else
#define OWN_LAUNCHERS "the launcher of that library"
#endif

/* A launch this build's library cannot take part in: every process stops with 2; the one the launcher
 * calls rank 0 names the launcher and the library (up to its first comma) and what would work. */
static _Noreturn void refuse_launch(const char *launcher, int launched, int launched_rank, const char *what)
{
    const char *lib = mpi_env_built_library();
    /* the launcher ends the others once one has exited: nothing is written yet, so its SIGTERM may end
     * this process as it stands, with no second line (files_guard_exits would announce the stop) */
    signal(SIGTERM, SIG_DFL);
    if (launched_rank == 0)
        fprintf(stderr, "primes: started by %s as %d ranks, but this binary's MPI library (%.*s) %s (allowed: %s)\n",
                launcher, launched, (int)strcspn(lib, ","), lib, what, OWN_LAUNCHERS);
    mpi_env_finish();
    exit(2);
}

int mpi_env_start(int *argc, char ***argv)
{
    if (active)
        return 0;
    /* read before MPI_Init: a library started as a singleton may set its own rank variables */
    int launched = launcher_env_size();
    int launched_rank = env_int(launcher_rank_names, 0);
    char launcher[128];
    mpi_env_launcher_name(launcher, sizeof launcher);
#if defined(OPEN_MPI)
    /* Open MPI speaks PMIx only: under a PMI-1/2 launcher (MPICH's Hydra, srun --mpi=pmi2) its MPI_Init
     * ends the process with a page of its own; say it in one line first */
    if (!PRIMES_SMPI && launched > 1 && !env_set("OMPI_COMM_WORLD_SIZE") && !env_set("PMIX_RANK"))
        refuse_launch(launcher, launched, launched_rank, "cannot join them");
#endif
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided_level);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    active = true;
    snprintf(library, sizeof library, "%s", mpi_env_built_library());
    /* A launcher of another MPI library starts N processes that each see a world of one (each a whole run
     * of its own, without a word): its own variables say N, the library says 1. Every such process stops;
     * the one the launcher calls rank 0 says why. */
    if (!PRIMES_SMPI && launched > 1 && mpi_env_size() == 1)
        refuse_launch(launcher, launched, launched_rank, "sees one: each would run alone");
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

/* One value combined over every rank (each gets the result); the value itself when MPI is not active. */
static double allreduce_double(double value, MPI_Op op, MPI_Comm comm)
{
    double out = value;
    if (active)
        MPI_Allreduce(&value, &out, 1, MPI_DOUBLE, op, comm);
    return out;
}

static uint64_t allreduce_u64(uint64_t value, MPI_Op op)
{
    uint64_t out = value;
    if (active)
        MPI_Allreduce(&value, &out, 1, MPI_UINT64_T, op, MPI_COMM_WORLD);
    return out;
}

double mpi_env_max_double(double value)
{
    return allreduce_double(value, MPI_MAX, MPI_COMM_WORLD);
}

uint64_t mpi_env_max_u64(uint64_t value)
{
    return allreduce_u64(value, MPI_MAX);
}

uint64_t mpi_env_sum_u64(uint64_t value)
{
    return allreduce_u64(value, MPI_SUM);
}

double mpi_env_sum_double(double value)
{
    return allreduce_double(value, MPI_SUM, MPI_COMM_WORLD);
}

double mpi_env_host_sum_double(double value)
{
    if (!active)
        return value;
    return allreduce_double(value, MPI_SUM, host_comm());
}

_Noreturn void mpi_env_abort(int status)
{
    fflush(stdout);
    fflush(stderr);
    /* A rank that fails before MPI started, under a launch of several: its peers wait in MPI_Init for it,
     * and MPICH's Hydra waits with them for ever (Open MPI's mpirun ends the job). Joining them lets
     * MPI_Abort end every rank. Failures every rank meets alike (bad usage) return before this. */
    if (!active && !PRIMES_SMPI && launcher_env_size() > 1) {
        MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided_level);
        active = true;
    }
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

void mpi_env_host_name(char name[64])
{
    memset(name, 0, 64);
    if (!active) {
        gethostname(name, 63);
        return;
    }
    /* the library's name for this rank's host: the simulated host under SMPI, gethostname elsewhere */
    char text[MPI_MAX_PROCESSOR_NAME + 1] = {0};
    int len = 0;
    MPI_Get_processor_name(text, &len);
    snprintf(name, 64, "%s", text);
}

void mpi_env_gather_hosts(char (*hosts)[64])
{
    char mine[64];
    mpi_env_host_name(mine);
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

double mpi_env_clock_offset(void)
{
    return 0;
}

void mpi_env_gather_bytes(const void *mine, int len, void *all)
{
    memcpy(all, mine, (size_t)len);
}

void mpi_env_host_name(char name[64])
{
    memset(name, 0, 64);
    gethostname(name, 63);
}

const char *mpi_env_built_library(void)
{
    return "none";
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
double mpi_env_sum_double(double value) { return value; }
double mpi_env_host_sum_double(double value) { return value; }
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
    mpi_env_host_name(hosts[0]);
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

#if PRIMES_SMPI

/* The simulator's own command line (smpirun starts `smpimain PROGRAM [--cfg=... --log=...] PLATFORM
 * ARGS`): the platform file is its first argument after the program that is not an option, and the
 * reference speed is the value of --cfg=smpi/host-speed. */
static void read_simulator_command_line(simulation_info *out)
{
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    /* malloc'd, not static: SMPI gives every rank its own copy of the program's data */
    enum { CMDLINE_MAX = 65536 };
    char *text = malloc(CMDLINE_MAX);
    if (!text) {
        close(fd);
        return;
    }
    size_t len = 0;
    for (ssize_t got; len < CMDLINE_MAX - 1 && (got = read(fd, text + len, CMDLINE_MAX - 1 - len)) != 0;) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    text[len] = '\0';
    static const char speed_option[] = "--cfg=smpi/host-speed:";
    int index = 0;
    for (size_t at = 0; at < len; at += strlen(text + at) + 1, index++) {
        const char *arg = text + at;
        if (strncmp(arg, speed_option, sizeof speed_option - 1) == 0)
            snprintf(out->reference_speed, sizeof out->reference_speed, "%s", arg + sizeof speed_option - 1);
        else if (index >= 2 && arg[0] && strncmp(arg, "--", 2) != 0 && !out->platform_file[0])
            snprintf(out->platform_file, sizeof out->platform_file, "%s", arg);
    }
    free(text);
}

void mpi_env_simulation(simulation_info *out)
{
    memset(out, 0, sizeof *out);
    out->simulated = true;
    int major = 0, minor = 0, patch = 0;
    sg_version_get(&major, &minor, &patch);
    snprintf(out->simgrid_version, sizeof out->simgrid_version, "%d.%d.%d", major, minor, patch);
    snprintf(out->platform, sizeof out->platform, "%s", sg_zone_get_name(sg_zone_get_root()));
    out->host_speed = sg_host_get_speed(sg_host_self());
    read_simulator_command_line(out);
    if (out->platform_file[0] && sha256_file(out->platform_file, 64u << 20, out->platform_sha256) != 0)
        out->platform_sha256[0] = '\0';
}

bool mpi_env_simulated_oversubscribed(char (*hosts)[64], int ranks, int threads)
{
    /* distinct hosts in order of first appearance, each with its count of ranks (a platform has at most
     * as many hosts as ranks; clusters have far fewer) */
    int *first = malloc((size_t)ranks * sizeof *first), *count = calloc((size_t)ranks, sizeof *count);
    int distinct = 0;
    bool over = false;
    for (int r = 0; first && count && r < ranks; r++) {
        int h = 0;
        while (h < distinct && strcmp(hosts[first[h]], hosts[r]) != 0)
            h++;
        if (h == distinct)
            first[distinct++] = r;
        count[h]++;
    }
    for (int h = 0; first && count && h < distinct && !over; h++) {
        sg_host_t host = sg_host_by_name(hosts[first[h]]);
        over = host && (long)count[h] * threads > sg_host_core_count(host);
    }
    free(first);
    free(count);
    return over;
}

#else

void mpi_env_simulation(simulation_info *out)
{
    memset(out, 0, sizeof *out);
}

bool mpi_env_simulated_oversubscribed(char (*hosts)[64], int ranks, int threads)
{
    (void)hosts;
    (void)ranks;
    (void)threads;
    return false;
}

#endif
