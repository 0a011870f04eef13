/* counting.h: the tutorials' pure-CPU loops, shared by the spin kernel and the tasks kernel. Each keeps
 * its accumulator in a register and passes it through an empty asm statement after every addition, so the
 * compiler may neither delete the loop nor replace it by its closed form: the loop runs one dependent
 * addition per number, as the tutorials' Python loops do.
 *
 * The loops are unrolled by 8, written out so that it does not depend on the optimisation level (gcc -O2
 * leaves a loop of asm statements rolled): one addition per number still, one loop branch per eight
 * numbers. Rolled, the loop was `inc; inc; cmp; jb`, a taken branch per number besides the chain of
 * additions, and on this project's shared VM it ran at 0.44-0.96 iterations per cycle from one run to
 * the next. Unrolled, the chain of additions (one cycle each) bounds it: 0.96 per cycle alone, 0.86-0.97
 * per thread with both vCPUs busy. */
#ifndef PRIMES_COUNTING_H
#define PRIMES_COUNTING_H

#include <stdint.h>

/* acc += add, kept as one real addition: the compiler may not merge it with the next. */
#define COUNTING_STEP(acc, add)                 \
    do {                                        \
        (acc) += (add);                         \
        __asm__ volatile("" : "+r"(acc));       \
    } while (0)

/* STEP(0); STEP(1); ... STEP(7): one unrolled trip of the loops below. */
#define COUNTING_EIGHT(STEP)                                                    \
    do {                                                                        \
        STEP(0); STEP(1); STEP(2); STEP(3); STEP(4); STEP(5); STEP(6); STEP(7); \
    } while (0)

/* count += 1 for each number of [lo, hi): the tutorials' "count to 9^9". Returns hi - lo (0 when
 * hi <= lo). */
static inline uint64_t counting_loop(uint64_t lo, uint64_t hi)
{
    uint64_t counter = 0, left = hi > lo ? hi - lo : 0;
#define COUNTING_ONE(k) COUNTING_STEP(counter, 1)
    for (; left >= 8; left -= 8)
        COUNTING_EIGHT(COUNTING_ONE);
#undef COUNTING_ONE
    for (; left > 0; left--)
        COUNTING_STEP(counter, 1);
    return counter;
}

/* total += i for each i of [0, n): the tutorials' cpu_heavy loop. Returns n (n - 1) / 2 mod 2^64. */
static inline uint64_t summing_loop(uint64_t n)
{
    uint64_t total = 0, i = 0;
#define SUMMING_ONE(k) COUNTING_STEP(total, i + (k))
    for (; n - i >= 8; i += 8)
        COUNTING_EIGHT(SUMMING_ONE);
#undef SUMMING_ONE
    for (; i < n; i++)
        COUNTING_STEP(total, i);
    return total;
}

#endif
