/* analyze/work.h: the weak-scaling work rule: how much work a kernel does on [from, n), up to a constant
 * factor (each kernel's `work` fact: kernels/work_rules.h and the kernels say which rule and why), and the n
 * that gives P workers P times the work of one worker. Only the leading term counts: the rule keeps the
 * per-worker work constant as n grows, and the analysis divides by the work ratio it implies for the n
 * actually run, so rounding n costs nothing. */
#ifndef PRIMES_ANALYZE_WORK_H
#define PRIMES_ANALYZE_WORK_H

#include <stddef.h>
#include <stdint.h>

/* The work of kernel/method on [0, n), in arbitrary units. */
double work_of(const char *kernel, const char *method, double n);

/* The work on [from, n) relative to [from, base_n): (W(n) - W(from)) / (W(base_n) - W(from)). */
double work_ratio(const char *kernel, const char *method, uint64_t from, uint64_t base_n, uint64_t n);

/* Whether the rule has a line of its own for kernel and method (NULL: the kernel's default, sieve for
 * count and product, none for spin): 0 with the method to use in *resolved, or -1 with what is allowed
 * in why. work_of itself takes any kernel (a rule of n), as the analysis of recorded runs needs. */
int work_rule_method(const char *kernel, const char *method, const char **resolved, char *why, size_t why_size);

/* The n (rounded to three significant digits) that makes [from, n) `workers` times the work of
 * [from, base_n). Returns 0, or -1 with a reason in why (an empty base range, or n beyond 2^64-1). */
int work_weak_size(const char *kernel, const char *method, uint64_t from, uint64_t base_n, unsigned workers,
                   uint64_t *n, char *why, size_t why_size);

#endif
