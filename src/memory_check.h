/* memory_check.h: what memory a run may count on here, so that a run whose kernel estimates more is
 * refused before it starts (one line, exit 2) instead of being killed by the kernel's OOM killer hours in. */
#ifndef PRIMES_MEMORY_CHECK_H
#define PRIMES_MEMORY_CHECK_H

#include <stdint.h>

/* Bytes this process may still use: /proc/meminfo's MemAvailable, or less when its memory cgroup (v2, or
 * v1, as Slurm's jobs get) or one above it has a lower limit (the limit less what the group uses). *where
 * names the bound that decided ("MemAvailable" or "its cgroup's memory limit"). 0 when neither is read. */
uint64_t memory_available_bytes(const char **where);

#endif
