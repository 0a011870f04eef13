/* serial.c: the `serial` model, every item in order on the calling thread: the baseline of every study. */
#include "../timer.h"
#include "model.h"
#include "worker.h"

static int serial_run(const job *j, const model_options *opt, void *partial, run_stats *stats)
{
    (void)opt;
    run_stats_prepare(j, stats, 1, 1);
    double t0 = timer_now();
    for (uint64_t i = 0; i < j->n_items; i++)
        worker_run_item(j, i, partial, &stats->items[i], 0, 0, t0);
    double settle_start = timer_now();
    worker_settle(j, partial);
    double merge_start = timer_now();
    stats->settle_s = merge_start - settle_start;
    j->kernel->complete(j, partial);
    stats->merge_s = timer_now() - merge_start;
    return 0;
}

const model model_serial = {
    .name = "serial",
    .summary = "every item in order on one thread (the baseline)",
    .uses_mpi = false,
    .run = serial_run,
};
