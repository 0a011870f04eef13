/* analyze/work.c: the weak-scaling work rule per kernel and method, and the n it gives P workers. */
#include "analyze/work.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Below 16 the logarithms stop being meaningful growth factors: treat n as 16 there. */
static double at_least_16(double n)
{
    return n > 16 ? n : 16;
}

double work_of(const char *kernel, const char *method, double n)
{
    if (n <= 0)
        return 0;
    double m = at_least_16(n);
    bool count = strcmp(kernel, "count") == 0, product = strcmp(kernel, "product") == 0;
    if (!count && !product)
        return n;
    if (strcmp(method, "trial") == 0)
        return n * sqrt(m) / log(m);
    if (strcmp(method, "naive") == 0)
        return n * m / log(m);
    if (strcmp(method, "sieve") != 0)
        return n;
    return count ? n * log(log(m)) : n * log2(m) * log2(m);
}

double work_ratio(const char *kernel, const char *method, uint64_t from, uint64_t base_n, uint64_t n)
{
    double w0 = work_of(kernel, method, (double)from);
    return (work_of(kernel, method, (double)n) - w0) / (work_of(kernel, method, (double)base_n) - w0);
}

int work_rule_method(const char *kernel, const char *method, const char **resolved, char *why, size_t why_size)
{
    if (strcmp(kernel, "spin") == 0) {
        if (method && strcmp(method, "none") != 0) {
            snprintf(why, why_size, "--method: '%s' does not apply to kernel spin (allowed: none)", method);
            return -1;
        }
        *resolved = "none";
        return 0;
    }
    if (strcmp(kernel, "count") != 0 && strcmp(kernel, "product") != 0) {
        snprintf(why, why_size, "--kernel: '%s' has no work rule (allowed: count, product, spin)", kernel);
        return -1;
    }
    *resolved = method ? method : "sieve";
    if (strcmp(*resolved, "sieve") != 0 && strcmp(*resolved, "trial") != 0 && strcmp(*resolved, "naive") != 0) {
        snprintf(why, why_size, "--method: '%s' is not a method of count and product (allowed: sieve, trial, naive)",
                 *resolved);
        return -1;
    }
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
