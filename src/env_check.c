/* env_check.c: the run's environment variables checked like options (env_check.h). */
#include "env_check.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "options.h"

/* Without this check, OMP_NUM_THREADS=99999 crashed libgomp, 32768 made it exit 1 (read as a failed
 * verification) and abc ran serially. libgomp reads a list, one entry per nesting level: the first counts. */
int env_check_threads(int *threads, char *error, size_t size)
{
    static const char *const names[] = {"OMP_NUM_THREADS", "SLURM_CPUS_PER_TASK"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        if (!v || !*v)
            continue;
        char first[64];
        snprintf(first, sizeof first, "%.*s", (int)strcspn(v, ","), v);
        uint64_t t;
        char why[96];
        if (numparse_u64(first, &t, why, sizeof why) != 0 || t < 1 || t > OPTIONS_MAX_THREADS)
            return options_reject(error, size,
                                  "%s: '%s' is not allowed (allowed: a whole number 1 .. %u, as for -t; or -t T, "
                                  "which takes precedence)",
                                  names[i], v, OPTIONS_MAX_THREADS);
        if (!*threads)
            *threads = (int)t;
    }
    return 0;
}

int env_parse_stacksize(const char *text, uint64_t *bytes)
{
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    uint64_t value = 0;
    for (; isdigit((unsigned char)*p); p++) {
        if (value > (UINT64_MAX - 9) / 10)
            return -1;
        value = value * 10 + (uint64_t)(*p - '0');
    }
    while (isspace((unsigned char)*p))
        p++;
    unsigned shift = 10; /* no unit: kilobytes */
    if (*p) {
        switch (tolower((unsigned char)*p)) {
        case 'b': shift = 0; break;
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        default: return -1;
        }
        p++;
        while (isspace((unsigned char)*p))
            p++;
        if (*p)
            return -1;
    }
    if (value > (UINT64_MAX >> shift))
        return -1;
    *bytes = value << shift;
    return 0;
}

int env_check_stacksize(char *error, size_t size)
{
    /* libgomp reads GOMP_STACKSIZE when OMP_STACKSIZE is unset, by the same syntax */
    static const char *const names[] = {"OMP_STACKSIZE", "GOMP_STACKSIZE"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = getenv(names[i]);
        if (!v)
            continue;
        uint64_t bytes;
        if (env_parse_stacksize(v, &bytes) != 0 || bytes < ENV_STACKSIZE_MIN || bytes > ENV_STACKSIZE_MAX)
            return options_reject(error, size,
                                  "%s: '%s' is not allowed (allowed: 1M .. 1G, a whole number with B, K, M or G, K "
                                  "when none; or unset it for the default)",
                                  names[i], v);
        if (i == 0)
            return 0; /* OMP_STACKSIZE set: GOMP_STACKSIZE is ignored */
    }
    return 0;
}
