/* events.c: the `events` model, the tutorials' asyncio in C: one thread and an event loop. Items that only
 * wait (the kernel says how long, item_wait_s) are all started at once and finished by timers, so their
 * waits overlap without any other thread; items that compute run inline and hold the loop while they do,
 * exactly like a coroutine that never awaits. With --schedule batch and -t W the loop starts W items per
 * round and lets the round finish before the next (the tutorials' MAX_THREADS workaround). */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "timer.h"
#include "xalloc.h"
#include "models/model.h"
#include "models/worker.h"

typedef struct pending_wait {
    uint64_t index;
    double start, deadline;   /* seconds since t0 */
} pending_wait;

static void sleep_until(double t0, double deadline)
{
    double wake = t0 + deadline;
    struct timespec ts = {(time_t)wake, (long)((wake - (double)(time_t)wake) * 1e9)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

/* Fires every timer due by `now` (or, with `all`, every timer in deadline order). */
static size_t fire_due(const job *j, void *partial, pending_wait *pending, size_t count, run_stats *stats,
                       double t0, bool all)
{
    while (count > 0) {
        size_t first = 0;
        for (size_t k = 1; k < count; k++)
            if (pending[k].deadline < pending[first].deadline)
                first = k;
        double now = timer_now() - t0;
        if (!all && pending[first].deadline > now)
            break;
        if (pending[first].deadline > now)
            sleep_until(t0, pending[first].deadline);
        now = timer_now() - t0;
        work_item item;
        job_item(j, pending[first].index, &item);
        j->kernel->tasks->item_waited(j, &item, partial, now - pending[first].start);
        stats->items[item.index] = (trace_item){item.index, 0, 0, pending[first].start, now};
        pending[first] = pending[--count];
    }
    return count;
}

static int events_run(const job *j, const model_options *opt, void *partial, run_stats *stats)
{
    run_stats_prepare(j, stats, 1, 1);
    uint64_t round = j->schedule == SCHEDULE_BATCH ? (uint64_t)opt->threads : j->n_items;
    pending_wait *pending = xcalloc(round ? round : 1, sizeof *pending, "timers");
    double t0 = timer_now();
    for (uint64_t start = 0; start < j->n_items; start += round) {
        uint64_t end = j->n_items - start < round ? j->n_items : start + round;
        size_t count = 0;
        for (uint64_t i = start; i < end; i++) {
            work_item item;
            job_item(j, i, &item);
            const kernel_task_list *tasks = j->kernel->tasks;
            double wait = tasks && tasks->item_wait_s ? tasks->item_wait_s(j, &item) : 0;
            if (wait > 0) {
                double now = timer_now() - t0;
                pending[count++] = (pending_wait){i, now, now + wait};
            } else {
                count = fire_due(j, partial, pending, count, stats, t0, false);
                worker_run_item(j, i, partial, &stats->items[i], 0, 0, t0);
            }
        }
        fire_due(j, partial, pending, count, stats, t0, true);
    }
    free(pending);
    single_worker_finish(j, partial, stats);
    return 0;
}

const model model_events = {
    .name = "events",
    .summary = "one thread, an event loop: waits overlap, computations run one at a time (asyncio)",
    .uses_mpi = false,
    .one_thread = true,
    .threads_as_rounds = true,
    .threads_rule = ", one thread (allowed: 1, or with --schedule batch the round size)",
    .unsimulated = "its waits are real clock_nanosleep waits, which SMPI leaves out of simulated time",
    .run = events_run,
};
