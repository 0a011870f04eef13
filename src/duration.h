/* duration.h: how the suite writes a duration for people: the one formatter behind the run report's
 * times and primes overhead's tables ("146.47 ms", "0.3 us", "1.234 s"). */
#ifndef PRIMES_DURATION_H
#define PRIMES_DURATION_H

#include <stddef.h>

typedef enum duration_floor {
    DURATION_FLOOR_US, /* below 1 ms in microseconds, down to "0.0 us" (the run report) */
    DURATION_FLOOR_NS, /* below 1 us in nanoseconds (primes overhead's costs) */
} duration_floor;

/* Writes seconds s into buf: "%.0f ns" (floor ns only), "%.1f us", "%.2f ms" or "%.3f s"; "-" when s is
 * not finite. */
void format_duration(char *buf, size_t size, double s, duration_floor floor);

#endif
