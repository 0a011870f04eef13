/* kernels/work_rules.h: how the work of a range method grows with n, in any unit, for the kernels' `work`
 * facts (the weak-scaling rule of docs/scaling-guide.md). Only the leading term counts: weak scaling keeps
 * the work per worker constant, and the analysis divides by the ratio it implies for the n really run. */
#ifndef PRIMES_WORK_RULES_H
#define PRIMES_WORK_RULES_H

#include <math.h>

#include "job.h"

/* Below 16 the logarithms stop being meaningful growth factors: n counts as 16 there. */
static inline double work_at_least_16(double n)
{
    return n > 16 ? n : 16;
}

/* The division methods: each prime i divided by every odd number up to sqrt i (trial, n^1.5 / ln n) or
 * by every number up to i/2 (naive, n^2 / ln n). */
static inline double work_of_division(method_kind method, double n)
{
    double m = work_at_least_16(n);
    return method == METHOD_NAIVE ? n * m / log(m) : n * sqrt(m) / log(m);
}

#endif
