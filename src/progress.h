/* progress.h: the progress line of long runs (stderr, rank 0, terminals only): percent, rate, ETA. */
#ifndef PRIMES_PROGRESS_H
#define PRIMES_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Starts watching a run of `expected_items` items of this process (numbers_per_item numbers each): after
 * 2 s a line appears and is refreshed twice a second. Does nothing unless `enabled` and stderr is a
 * terminal. */
void progress_start(bool enabled, uint64_t expected_items, double numbers_per_item);

/* Counts one finished item (any thread or fork worker of this process; one relaxed atomic add). */
void progress_item_done(void);

/* Stops the watcher and clears its line. */
void progress_stop(void);

#endif
