/* duration.c: the duration formatter of duration.h. */
#include "duration.h"

#include <math.h>
#include <stdio.h>

void format_duration(char *buf, size_t size, double s, duration_floor floor)
{
    if (!isfinite(s))
        snprintf(buf, size, "-");
    else if (floor == DURATION_FLOOR_NS && s < 1e-6)
        snprintf(buf, size, "%.0f ns", s * 1e9);
    else if (s < 1e-3)
        snprintf(buf, size, "%.1f us", s * 1e6);
    else if (s < 1)
        snprintf(buf, size, "%.2f ms", s * 1e3);
    else
        snprintf(buf, size, "%.3f s", s);
}
