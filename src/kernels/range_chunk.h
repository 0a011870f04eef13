/* range_chunk.h: the default size of the work items of kernels that walk an integer range. */
#ifndef PRIMES_RANGE_CHUNK_H
#define PRIMES_RANGE_CHUNK_H

#include <stdint.h>

#include "job.h"

#define RANGE_CHUNK_ALIGN 240u                   /* 8 wheel bytes: items start on a byte of the sieve */
#define RANGE_CHUNK_MAX ((uint64_t)1 << 36)      /* keeps an item's sieve offsets within 32 bits */
/* the largest item: a multiple of the alignment within RANGE_CHUNK_MAX (the 2^36 that -s accepts) */
#define RANGE_CHUNK_LARGEST (RANGE_CHUNK_MAX - RANGE_CHUNK_MAX % RANGE_CHUNK_ALIGN)
#define RANGE_SIEVE_MIN_CHUNK (30u << 12)        /* 4 KiB of sieve: below that an item is mostly set-up */

#define RANGE_ITEMS_PER_WORKER 4u                /* room for the dynamic schedule to balance */

/* About `items` items over the range, or RANGE_ITEMS_PER_WORKER per planned worker when that is more,
 * at least min_chunk numbers each (the item's set-up), yet never so large that a planned worker gets no
 * item; a multiple of RANGE_CHUNK_ALIGN, never above RANGE_CHUNK_MAX. It depends on the range and on
 * job->plan_workers only, never on the model, so every model cuts the same items; up to items / 4
 * workers (16 for count, 64 for product) the worker count changes nothing either, and a study sizes
 * every point for its largest (--items-for), so all its points run the same items. */
uint64_t range_chunk(const job *j, uint64_t min_chunk, unsigned items);

/* The count kernel's items: 64 for the sieve (each item pays a set-up per sieving prime, so few large
 * items, and fewer still far out, where each is at least ~1000 pi(sqrt(n)) wide), 256 for the division
 * methods (whose cost grows along the range: more items balance better). */
uint64_t range_count_chunk(const job *j);

/* The product kernel's items: 256 of them (a product item costs far more than its set-up). */
uint64_t range_product_chunk(const job *j);

/* The set-up of one item of the job, in seconds: for the sieve about 1.5 us, plus about 10 ns for each
 * sieving prime up to sqrt(n) (measured: count -n 2e5 -s dynamic,1 at 1.6 us an item, -n 1e7 at 4.5 us);
 * trial division and the naive loop have none. */
double range_item_setup_s(const job *j);

#endif
