/* range_chunk.c: default work-item size for range kernels. */
#include "kernels/range_chunk.h"

#include <math.h>

uint64_t range_chunk(const job *j, uint64_t min_chunk, unsigned items)
{
    uint64_t width = j->n > j->from ? j->n - j->from : 1;
    uint64_t workers = j->plan_workers ? j->plan_workers : 1;
    uint64_t wanted = workers > UINT64_MAX / RANGE_ITEMS_PER_WORKER ? UINT64_MAX : workers * RANGE_ITEMS_PER_WORKER;
    if (wanted < items)
        wanted = items;
    uint64_t chunk = width / wanted + 1;
    if (chunk < min_chunk)
        chunk = min_chunk;
    chunk = chunk >= RANGE_CHUNK_LARGEST ? RANGE_CHUNK_LARGEST
                                         : (chunk + RANGE_CHUNK_ALIGN - 1) / RANGE_CHUNK_ALIGN * RANGE_CHUNK_ALIGN;
    /* every planned worker gets an item, set-up or not (a rank without work is worse than a costly item),
     * as long as the range holds an aligned item for each: the largest aligned chunk that still cuts
     * `workers` items (rounded up, it usually cuts exactly that many; a last sliver of an item would
     * otherwise go to one worker alone, after everyone else has asked for more) */
    uint64_t share = width / workers + (width % workers != 0);
    uint64_t fair = (share + RANGE_CHUNK_ALIGN - 1) / RANGE_CHUNK_ALIGN * RANGE_CHUNK_ALIGN;
    if (width / fair + (width % fair != 0) < workers)
        fair = width / workers / RANGE_CHUNK_ALIGN * RANGE_CHUNK_ALIGN;
    return fair && chunk > fair ? fair : chunk;
}

/* Each sieve item computes the first crossing of every sieving prime up to sqrt(n) (about 10 ns each,
 * with the prime's own sieving, near 2^32) while it sieves about 1e10 numbers a second: an item at least 1024 times as wide as
 * pi(sqrt(n)) ~ sqrt(n) / ln(sqrt(n)) keeps that set-up near 25% at worst and negligible for ranges that
 * start at 0 (n = 1e10: 7.5e6 against items of 1.6e8). It matters far out: 1e8 numbers below 2^64 are
 * one item, not 64 items each re-deriving the 2e8 primes below 2^32 (and the items count from `from`,
 * job.h, so such a range is not cut in two at a multiple of the chunk). */
static uint64_t sieve_setup_chunk(const job *j)
{
    double root = sqrt((double)j->n);
    if (root < 16)
        return RANGE_SIEVE_MIN_CHUNK;
    double chunk = 1024.0 * root / log(root);
    return chunk > (double)RANGE_CHUNK_MAX ? RANGE_CHUNK_MAX
           : chunk < RANGE_SIEVE_MIN_CHUNK ? RANGE_SIEVE_MIN_CHUNK : (uint64_t)chunk;
}

uint64_t range_count_chunk(const job *j)
{
    if (j->method == METHOD_SIEVE)
        return range_chunk(j, sieve_setup_chunk(j), 64);
    return range_chunk(j, RANGE_CHUNK_ALIGN, 256);
}

uint64_t range_product_chunk(const job *j)
{
    return range_chunk(j, j->method == METHOD_SIEVE ? RANGE_SIEVE_MIN_CHUNK : RANGE_CHUNK_ALIGN, 256);
}

double range_item_setup_s(const job *j)
{
    if (j->method != METHOD_SIEVE)
        return 0;
    double root = sqrt((double)j->n);
    double sieving_primes = root < 16 ? 6 : root / log(root);
    return 1.5e-6 + 1e-8 * sieving_primes;
}
