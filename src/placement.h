/* placement.h: whether the workers of a run fit the cores they may run on, node by node. */
#ifndef PRIMES_PLACEMENT_H
#define PRIMES_PLACEMENT_H

#include <stdbool.h>

typedef struct placement {
    bool oversubscribed;       /* on some node, ranks x threads exceed the CPUs those ranks may use */
    char node[64];             /* the first such node */
    int node_workers, node_cpus;
    int single_core_rank;      /* a rank with threads > 1 whose affinity is one CPU, or -1 */
    int single_core_cpu;
} placement;

/* Collects every rank's host, affinity mask and thread count (collective under MPI); the verdict is
 * meaningful on rank 0. */
void placement_assess(int threads, placement *out);

/* The warning for the verdict, one line each, on stderr (call on rank 0 only). */
void placement_warn(const placement *p, int threads);

#endif
