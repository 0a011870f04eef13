/* serial.c: the `serial` model, every item in order on the calling thread: the baseline of every study. */
#include "timer.h"
#include "models/model.h"
#include "models/worker.h"

static int serial_run(const job *j, const model_options *opt, void *partial, run_stats *stats)
{
    (void)opt;
    run_stats_prepare(j, stats, 1, 1);
    double t0 = timer_now();
    for (uint64_t i = 0; i < j->n_items; i++)
        worker_run_item(j, i, partial, &stats->items[i], 0, 0, t0);
    single_worker_finish(j, partial, stats);
    return 0;
}

const model model_serial = {
    .name = "serial",
    .summary = "every item in order on one thread (the baseline)",
    .uses_mpi = false,
    .one_thread = true,
    .threads_rule = " (allowed: 1)",
    .default_for = MODEL_DEFAULT_ALONE,
    .run = serial_run,
};
