/* job.c: cutting a job's range into work items, and the names of schedules and methods. */
#include "job.h"

#include <string.h>

void job_set_chunk(job *j, uint64_t chunk)
{
    j->chunk = chunk;
    if (j->n <= j->from) {
        j->n_items = 0;
        return;
    }
    uint64_t first_block = j->from / chunk;
    uint64_t last_block = (j->n - 1) / chunk;
    j->n_items = last_block - first_block + 1;
}

void job_item(const job *j, uint64_t index, work_item *item)
{
    uint64_t first_block = j->from / j->chunk;
    uint64_t block = first_block + index;
    item->index = index;
    item->lo = index == 0 ? j->from : block * j->chunk;
    item->hi = index + 1 == j->n_items ? j->n : (block + 1) * j->chunk;
}

const char *schedule_name(schedule_kind kind)
{
    switch (kind) {
    case SCHEDULE_STATIC: return "static";
    case SCHEDULE_CYCLIC: return "cyclic";
    case SCHEDULE_DYNAMIC: return "dynamic";
    case SCHEDULE_GUIDED: return "guided";
    case SCHEDULE_BATCH: return "batch";
    }
    return "?";
}

const char *method_name(method_kind method)
{
    switch (method) {
    case METHOD_SIEVE: return "sieve";
    case METHOD_TRIAL: return "trial";
    case METHOD_NAIVE: return "naive";
    case METHOD_COUNT: break;
    }
    return "?";
}

bool method_find(const char *name, method_kind *out)
{
    for (int m = 0; m < METHOD_COUNT; m++)
        if (strcmp(name, method_name((method_kind)m)) == 0) {
            *out = (method_kind)m;
            return true;
        }
    return false;
}
