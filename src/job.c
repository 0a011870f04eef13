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
    j->n_items = (j->n - j->from - 1) / chunk + 1;
}

void job_item(const job *j, uint64_t index, work_item *item)
{
    item->index = index;
    item->lo = j->from + index * j->chunk;
    item->hi = index + 1 == j->n_items ? j->n : item->lo + j->chunk;
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
