/* run_usage.c: the CPU a run got and what else ran beside it (run_usage.h). */
#include "run_usage.h"

#include "timer.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static double seconds_of(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec * 1e-6;
}

/* The busy ticks of every CPU of the host since boot, in seconds: user, nice, system and steal (the
 * hypervisor's other guests). Idle and iowait are no one's; irq and softirq are left out too, as much of
 * them serves the run itself (its MPI traffic, its files). */
static double machine_busy_seconds(void)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return NAN;
    unsigned long long v[10] = {0};
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                     &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    fclose(f);
    long hz = sysconf(_SC_CLK_TCK);
    if (got < 7 || hz <= 0)
        return NAN;
    /* user nice system idle iowait irq softirq steal (guest and guest_nice are inside user and nice) */
    unsigned long long busy = v[0] + v[1] + v[2] + (got >= 8 ? v[7] : 0);
    return (double)busy / (double)hz;
}

static uint64_t children_sum_kib, children_largest_kib;
static unsigned children_count;

void usage_children_begin(void)
{
    children_sum_kib = children_largest_kib = 0;
    children_count = 0;
}

pid_t usage_wait_child(pid_t pid, int *status)
{
    struct rusage ru;
    pid_t got;
    while ((got = wait4(pid, status, 0, &ru)) < 0 && errno == EINTR)
        ;
    if (got > 0 && ru.ru_maxrss > 0) {
        uint64_t kib = (uint64_t)ru.ru_maxrss;
        children_sum_kib += kib;
        children_largest_kib = kib > children_largest_kib ? kib : children_largest_kib;
        children_count++;
    }
    return got;
}

void usage_children_peaks(uint64_t *sum_kib, uint64_t *largest_kib, unsigned *count)
{
    *sum_kib = children_sum_kib;
    *largest_kib = children_largest_kib;
    *count = children_count;
}

void usage_mark_now(usage_mark *m)
{
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    m->at = timer_now();
    m->cpu_s = seconds_of(self.ru_utime) + seconds_of(self.ru_stime) + seconds_of(children.ru_utime) +
               seconds_of(children.ru_stime);
    m->voluntary = (uint64_t)self.ru_nvcsw + (uint64_t)children.ru_nvcsw;
    m->involuntary = (uint64_t)self.ru_nivcsw + (uint64_t)children.ru_nivcsw;
    m->machine_busy_s = machine_busy_seconds();
}

usage_delta usage_between(const usage_mark *start, const usage_mark *end)
{
    return (usage_delta){
        .seconds = end->at - start->at,
        .cpu_s = end->cpu_s - start->cpu_s,
        .voluntary = end->voluntary - start->voluntary,
        .involuntary = end->involuntary - start->involuntary,
        .machine_busy_s = end->machine_busy_s - start->machine_busy_s,
    };
}

void usage_judge(run_usage *u, double busy_s, int free_cores, bool computing, bool oversubscribed)
{
    u->cpu_per_busy = busy_s > 0 ? u->cpu_s / busy_s : NAN;
    u->disturbed = false;
    u->disturbed_why[0] = '\0';
    if (!u->measured)
        return;
    double beyond = u->other_cpus - (free_cores > 0 ? free_cores : 0);
    double floor_s = fmax(USAGE_OTHER_CPU_S_MIN, u->other_floor_s);
    if (isfinite(u->other_cpus) && u->other_cpu_s > floor_s && beyond > USAGE_OTHER_CPUS_LIMIT) {
        u->disturbed = true;
        snprintf(u->disturbed_why, sizeof u->disturbed_why,
                 "other processes kept %.2f CPUs busy, %.2f beyond the %d the run left free", u->other_cpus, beyond,
                 free_cores > 0 ? free_cores : 0);
    } else if (computing && !oversubscribed && busy_s > USAGE_BUSY_S_MIN && isfinite(u->cpu_per_busy) &&
               u->cpu_per_busy < USAGE_CPU_PER_BUSY_MIN) {
        u->disturbed = true;
        snprintf(u->disturbed_why, sizeof u->disturbed_why,
                 "the workers got %.2f s of CPU for %.2f s busy (%.0f%%): they were descheduled", u->cpu_s, busy_s,
                 100 * u->cpu_per_busy);
    }
}
