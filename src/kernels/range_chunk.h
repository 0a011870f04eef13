/* range_chunk.h: the default size of the work items of kernels that walk an integer range. */
#ifndef PRIMES_RANGE_CHUNK_H
#define PRIMES_RANGE_CHUNK_H

#include <stdint.h>

#include "../job.h"

#define RANGE_CHUNK_ALIGN 240u                   /* 8 wheel bytes: items start on a byte of the sieve */
#define RANGE_CHUNK_MAX ((uint64_t)1 << 36)      /* keeps an item's sieve offsets within 32 bits */
#define RANGE_SIEVE_MIN_CHUNK (30u << 12)        /* 4 KiB of sieve: below that an item is mostly set-up */

/* About `items` items over the range, at least min_chunk numbers each, a multiple of RANGE_CHUNK_ALIGN,
 * never above RANGE_CHUNK_MAX. It depends on the range only, never on the number of workers, so every
 * model cuts the same items. */
uint64_t range_chunk(const job *j, uint64_t min_chunk, unsigned items);

/* The count kernel's items: 64 for the sieve (each item pays a set-up per sieving prime, so few large
 * items, and fewer still far out, where each is at least ~1000 pi(sqrt(n)) wide), 256 for the division
 * methods (whose cost grows along the range: more items balance better). */
uint64_t range_count_chunk(const job *j);

/* The product kernel's items: 256 of them (a product item costs far more than its set-up). */
uint64_t range_product_chunk(const job *j);

#endif
