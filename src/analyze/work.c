/* analyze/work.c: the weak-scaling work rule per kernel and method, and the n it gives P workers. */
#include "analyze/work.h"

#include "kernels/kernel.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The kernel of that name when it has a work rule. */
static const kernel *rule_of(const char *name)
{
    const kernel *k = kernel_find(name);
    return k && k->work ? k : NULL;
}

double work_of(const char *kernel_name, const char *method, double n)
{
    if (n <= 0)
        return 0;
    const kernel *k = rule_of(kernel_name);
    method_kind m = METHOD_SIEVE;
    if (!k || (k->takes_method && !method_find(method, &m)))
        return n; /* recorded by another version: work proportional to n */
    return k->work(m, n);
}

double work_ratio(const char *kernel, const char *method, uint64_t from, uint64_t base_n, uint64_t n)
{
    double w0 = work_of(kernel, method, (double)from);
    return (work_of(kernel, method, (double)n) - w0) / (work_of(kernel, method, (double)base_n) - w0);
}

/* "count, product, spin": the kernels with a work rule. */
static void kernels_with_rule(char *buf, size_t size)
{
    buf[0] = '\0';
    for (const kernel *const *k = kernel_list(); *k; k++)
        if ((*k)->work)
            snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? ", " : "", (*k)->name);
}

int work_rule_method(const char *kernel_name, const char *method, const char **resolved, char *why, size_t why_size)
{
    const kernel *k = rule_of(kernel_name);
    char names[128];
    if (!k) {
        kernels_with_rule(names, sizeof names);
        snprintf(why, why_size, "--kernel: '%s' has no work rule (allowed: %s)", kernel_name, names);
        return -1;
    }
    if (!k->takes_method) {
        if (method && strcmp(method, "none") != 0) {
            snprintf(why, why_size, "--method: '%s' does not apply to kernel %s (allowed: none)", method, k->name);
            return -1;
        }
        *resolved = "none";
        return 0;
    }
    method_kind m = METHOD_SIEVE; /* the default method */
    if (method && !method_find(method, &m)) {
        char methods[64] = "";
        for (int i = 0; i < METHOD_COUNT; i++)
            snprintf(methods + strlen(methods), sizeof methods - strlen(methods), "%s%s", i ? ", " : "",
                     method_name((method_kind)i));
        snprintf(why, why_size, "--method: '%s' is not a method of kernel %s (allowed: %s)", method, k->name,
                 methods);
        return -1;
    }
    *resolved = method_name(m);
    return 0;
}

static double three_digits(double x)
{
    if (x < 1000)
        return round(x);
    double scale = pow(10, floor(log10(x)) - 2);
    return round(x / scale) * scale;
}

int work_weak_size(const char *kernel, const char *method, uint64_t from, uint64_t base_n, unsigned workers,
                   uint64_t *n, char *why, size_t why_size)
{
    if (base_n <= from || workers < 1) {
        snprintf(why, why_size, "the base range [%llu, %llu) is empty", (unsigned long long)from,
                 (unsigned long long)base_n);
        return -1;
    }
    double w0 = work_of(kernel, method, (double)from);
    double target = workers * (work_of(kernel, method, (double)base_n) - w0);
    double lo = (double)base_n, hi = lo;
    const double limit = 18446744073709549568.0; /* the largest double below 2^64 */
    while (work_of(kernel, method, hi) - w0 < target) {
        lo = hi;
        hi *= 2;
        if (hi > limit) {
            snprintf(why, why_size, "%u workers would need n beyond 2^64-1", workers);
            return -1;
        }
    }
    for (int step = 0; step < 200 && hi - lo > 0.5; step++) {
        double mid = lo + (hi - lo) / 2;
        if (work_of(kernel, method, mid) - w0 < target)
            lo = mid;
        else
            hi = mid;
    }
    double rounded = three_digits(hi);
    if (rounded <= (double)from)
        rounded = (double)from + 1;
    if (rounded > limit) {
        snprintf(why, why_size, "%u workers would need n beyond 2^64-1", workers);
        return -1;
    }
    *n = workers == 1 ? base_n : (uint64_t)rounded;
    return 0;
}
