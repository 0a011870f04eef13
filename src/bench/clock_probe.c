/* clock_probe.c: how fast the cores really clock, without performance counters (`make bench`).
 *   clock-probe [SECONDS]          the core clock in Hz
 *   clock-probe --loop [SECONDS]   a rolled counting loop's rate right now, in iterations per second
 * The clock: a chain of dependent 64-bit multiplications (imul: 3 cycles of latency on every x86-64 core
 * of the last decade, AMD Zen included, and nothing can overlap a dependent chain) timed for about
 * SECONDS (default 0.2), the fastest of its blocks. The time-stamp counter is no help: it ticks at a fixed
 * rate (2.1 GHz here) while the cores boost to about 3.7 GHz. Run one copy per busy core to see the clock
 * under that load. --loop times a rolled counting loop (one taken branch per iteration: one iteration
 * per cycle on a core of its own) over SECONDS (default 0.01), all of it: divided by the clock, it shows
 * whether the core is shared right now with work this system cannot see (another virtual machine on the
 * same physical core halves it). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define IMUL_LATENCY 3.0
#define CHAIN 1000000u   /* multiplications per timed block */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CHAIN dependent multiplications, 10 per loop trip so the loop's own work hides under the chain. */
static uint64_t chain(uint64_t x)
{
    for (unsigned i = 0; i < CHAIN / 10; i++) {
#if defined(__x86_64__)
        __asm__ volatile("imul %0, %0\n\timul %0, %0\n\timul %0, %0\n\timul %0, %0\n\timul %0, %0\n\t"
                         "imul %0, %0\n\timul %0, %0\n\timul %0, %0\n\timul %0, %0\n\timul %0, %0"
                         : "+r"(x));
#else
#error "clock-probe measures the x86-64 imul latency"
#endif
    }
    return x;
}

/* A counting loop left rolled, timed over about `seconds`: iterations per second. Unlike the spin kernel's
 * (counting.h, unrolled by 8), each iteration here is a taken branch, one per cycle at best, and it is
 * this loop that slows when the physical core is shared: here it ran at 0.44-0.96 iterations per cycle
 * from one run to the next while the unrolled one kept 0.86-0.97. As the probe, the unrolled loop
 * flagged 25 runs of a full bench and the rolled one 377-394, and the bench with the unrolled probe kept
 * rounds in which the sieve's two-thread speedup was 1.66-1.78 against 1.92-2.24. */
static double loop_rate(double seconds)
{
    uint64_t counter = 0, iterations = 0;
    double start = now(), elapsed;
    do {
        for (unsigned i = 0; i < 1000000; i++) {
            counter++;
            __asm__ volatile("" : "+r"(counter));
        }
        iterations += 1000000;
        elapsed = now() - start;
    } while (elapsed < seconds);
    return (double)iterations / elapsed;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--loop") == 0) {
        double seconds = argc > 2 ? atof(argv[2]) : 0.01;
        if (!(seconds > 0 && seconds < 100)) {
            fprintf(stderr, "clock-probe: SECONDS must be in (0, 100)\n");
            return 2;
        }
        printf("%.0f\n", loop_rate(seconds));
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: clock-probe [SECONDS] | --loop [SECONDS]\nprints the core clock in Hz, from a dependent "
               "imul chain (3 cycles each) timed for about SECONDS (default 0.2); with --loop, a rolled "
               "counting loop's iterations per second over SECONDS (default 0.01)\n");
        return 0;
    }
    double seconds = argc > 1 ? atof(argv[1]) : 0.2;
    if (!(seconds > 0 && seconds < 100)) {
        fprintf(stderr, "clock-probe: SECONDS must be in (0, 100)\n");
        return 2;
    }
    uint64_t x = 3;
    x = chain(x); /* warm up: let the core leave its idle clock */
    double best = 1e300, start = now();
    unsigned blocks = 0;
    /* the fastest block: the one least disturbed by interrupts and other processes */
    while (now() - start < seconds || blocks < 5) {
        double t0 = now();
        x = chain(x);
        double t = now() - t0;
        if (t < best)
            best = t;
        blocks++;
    }
    printf("%.0f\n", IMUL_LATENCY * CHAIN / best);
    return x == 42; /* keep x alive */
}
