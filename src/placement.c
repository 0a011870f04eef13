/* placement.c: the classic traps of parallel runs, detected and reported once: more workers on a node
 * than CPUs they may run on, and all of a rank's threads bound to one core (mpirun -np 2 binds each rank
 * to a core unless told --bind-to none). */
#include "placement.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpi_env.h"
#include "provenance.h"
#include "xalloc.h"

typedef struct rank_view {
    char host[64];
    cpu_set_t cpus;
    int threads;
} rank_view;

void placement_assess(int threads, placement *out)
{
    memset(out, 0, sizeof *out);
    out->single_core_rank = -1;
    rank_view mine;
    memset(&mine, 0, sizeof mine);
    gethostname(mine.host, sizeof mine.host - 1);
    process_cpu_set(&mine.cpus);
    mine.threads = threads;
    int size = mpi_env_size();
    rank_view *all = mpi_env_rank() == 0 ? xcalloc((size_t)size, sizeof *all, "placement") : NULL;
    mpi_env_gather_bytes(&mine, (int)sizeof mine, all);
    if (!all)
        return;
    for (int r = 0; r < size; r++) {
        if (all[r].threads > 1 && CPU_COUNT(&all[r].cpus) == 1 && out->single_core_rank < 0) {
            out->single_core_rank = r;
            for (int c = 0; c < CPU_SETSIZE; c++)
                if (CPU_ISSET(c, &all[r].cpus))
                    out->single_core_cpu = c;
        }
        bool first_on_host = true;
        for (int q = 0; q < r; q++)
            first_on_host &= strcmp(all[q].host, all[r].host) != 0;
        if (!first_on_host)
            continue;
        cpu_set_t cpus;
        CPU_ZERO(&cpus);
        int workers = 0;
        for (int q = r; q < size; q++)
            if (strcmp(all[q].host, all[r].host) == 0) {
                CPU_OR(&cpus, &cpus, &all[q].cpus);
                workers += all[q].threads;
            }
        if (workers > CPU_COUNT(&cpus) && !out->oversubscribed) {
            out->oversubscribed = true;
            snprintf(out->node, sizeof out->node, "%s", all[r].host);
            out->node_workers = workers;
            out->node_cpus = CPU_COUNT(&cpus);
        }
    }
    free(all);
}

void placement_warn(const placement *p, int threads)
{
    if (p->single_core_rank >= 0)
        fprintf(stderr,
                "primes: warning: all %d threads of rank %d may only run on one core (CPU %d); under mpirun, which "
                "binds each rank to a core for -np <= 2, use --bind-to none (or --map-by slot:PE=%d) and -x "
                "OMP_NUM_THREADS\n",
                threads, p->single_core_rank, p->single_core_cpu, threads);
    if (p->oversubscribed)
        fprintf(stderr,
                "primes: warning: %d workers on %s share %d CPU%s they may run on: oversubscribed, so timings "
                "measure time sharing, not scaling\n",
                p->node_workers, p->node, p->node_cpus, p->node_cpus == 1 ? "" : "s");
}
