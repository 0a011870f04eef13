/* counting.h: the tutorials' pure-CPU loops, shared by the spin kernel and the tasks kernel. Each keeps
 * its accumulator in a register and passes it through an empty asm statement every iteration, so the
 * compiler may neither delete the loop nor replace it by its closed form: the loop runs, one iteration
 * per number, as the tutorials' Python loops do. */
#ifndef PRIMES_COUNTING_H
#define PRIMES_COUNTING_H

#include <stdint.h>

/* count += 1 for each number of [lo, hi): the tutorials' "count to 9^9". Returns hi - lo. */
static inline uint64_t counting_loop(uint64_t lo, uint64_t hi)
{
    uint64_t counter = 0;
    for (uint64_t i = lo; i < hi; i++) {
        counter++;
        __asm__ volatile("" : "+r"(counter));
    }
    return counter;
}

/* total += i for each i of [0, n): the tutorials' cpu_heavy loop. Returns n (n - 1) / 2 mod 2^64. */
static inline uint64_t summing_loop(uint64_t n)
{
    uint64_t total = 0;
    for (uint64_t i = 0; i < n; i++) {
        total += i;
        __asm__ volatile("" : "+r"(total));
    }
    return total;
}

#endif
