/* run_usage.h: what a run got from the machine, beside how long it took: the CPU time of all its threads
 * and child processes, its context switches, and the CPUs other processes kept busy meanwhile (from
 * /proc/stat); and from those, whether the run was disturbed. The driver marks each repetition's start
 * and end on every rank; mpi_env combines the ranks. */
#ifndef PRIMES_RUN_USAGE_H
#define PRIMES_RUN_USAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The disturbance rules, the bench's measures applied to every run (docs/scaling-guide.md):
 * other processes kept more than USAGE_OTHER_CPUS_LIMIT CPUs busy beyond the cores the run left free, or
 * the workers of a computing kernel got less than USAGE_CPU_PER_BUSY_MIN of a CPU for each second they
 * were busy (they were descheduled) although the run was not oversubscribed. */
#define USAGE_OTHER_CPUS_LIMIT 0.25
#define USAGE_CPU_PER_BUSY_MIN 0.8
/* Below these a run is too short to judge: /proc/stat counts every CPU in ticks of 10 ms, so its total is
 * uncertain by about a tick per CPU; other processes must have used more than USAGE_OTHER_CPU_S_MIN and
 * a tick for each CPU of the host (usage_judge's other_floor_s), and the workers must have been busy
 * 50 ms, for a verdict. */
#define USAGE_OTHER_CPU_S_MIN 0.03
#define USAGE_TICK_S 0.01
#define USAGE_BUSY_S_MIN 0.05

/* One rank's counters at a moment. */
typedef struct usage_mark {
    double at;                      /* timer_now() when taken */
    double cpu_s;                   /* user + system, this process's threads and its waited-for children */
    uint64_t voluntary, involuntary; /* context switches, likewise */
    double machine_busy_s;          /* CPU-seconds every process of this host has used (NAN: unreadable) */
} usage_mark;

void usage_mark_now(usage_mark *m);

/* The memory of the processes a run forked: usage_children_begin forgets the earlier ones, the models
 * reap their worker processes with usage_wait_child (waitpid that keeps the child's peak resident set),
 * and usage_children_peaks gives the sum and the largest of those peaks and how many there were. */
void usage_children_begin(void);
pid_t usage_wait_child(pid_t pid, int *status);
void usage_children_peaks(uint64_t *sum_kib, uint64_t *largest_kib, unsigned *count);

/* One rank's share of a run: its counters' differences. */
typedef struct usage_delta {
    double seconds;                 /* between the two marks */
    double cpu_s;
    uint64_t voluntary, involuntary;
    double machine_busy_s;          /* NAN: unreadable */
} usage_delta;

usage_delta usage_between(const usage_mark *start, const usage_mark *end);

/* The whole run's, on rank 0. */
typedef struct run_usage {
    bool measured;                  /* false under simulation: no real CPU stands behind its time */
    double cpu_s;                   /* summed over ranks */
    uint64_t ctx_voluntary, ctx_involuntary;
    double other_cpu_s;             /* CPU-seconds other processes used on the host where they used the most */
    double other_cpus;              /* that over the marks' window: CPUs they kept busy, on average; NAN unknown */
    double other_floor_s;           /* other_cpu_s below this says nothing: the host's tick uncertainty */
    double cpu_per_busy;            /* cpu_s over the workers' busy time (NAN when nothing was busy) */
    bool disturbed;
    char disturbed_why[160];        /* "" when not disturbed */
} run_usage;

/* The verdict on a run from its measures: free_cores is the cores the run left unused on its busiest
 * host (0 when oversubscribed), computing whether its items only compute (no waits, no I/O). */
void usage_judge(run_usage *u, double busy_s, int free_cores, bool computing, bool oversubscribed);

#endif
