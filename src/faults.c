/* faults.c: reads PRIMES_FAULT for the test hooks of faults.h. */
#include "faults.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    bool targeted; /* written name@N */
} fault_spec[] = {
    [FAULT_MISCOUNT] = {"miscount", false},
    [FAULT_FILES_CORRUPT] = {"files-corrupt", false},
    [FAULT_KILL_WORKER] = {"kill-worker", true},
    [FAULT_OOM] = {"oom", true},
};
static_assert(sizeof fault_spec / sizeof fault_spec[0] == FAULT_OOM + 1, "one spelling per fault");

bool fault_armed(fault_kind kind, int target)
{
    const char *v = getenv("PRIMES_FAULT");
    if (!v)
        return false;
    const char *name = fault_spec[kind].name;
    size_t len = strlen(name);
    if (!fault_spec[kind].targeted)
        return strcmp(v, name) == 0;
    return strncmp(v, name, len) == 0 && v[len] == '@' && atoi(v + len + 1) == target;
}
