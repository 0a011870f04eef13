/* range_chunk.c: default work-item size for range kernels. */
#include "range_chunk.h"

uint64_t range_chunk(const job *j, uint64_t min_chunk, unsigned items)
{
    uint64_t width = j->n > j->from ? j->n - j->from : 1;
    uint64_t chunk = width / items + 1;
    if (chunk < min_chunk)
        chunk = min_chunk;
    if (chunk > RANGE_CHUNK_MAX)
        chunk = RANGE_CHUNK_MAX;
    return (chunk + RANGE_CHUNK_ALIGN - 1) / RANGE_CHUNK_ALIGN * RANGE_CHUNK_ALIGN;
}

uint64_t range_count_chunk(const job *j)
{
    if (j->method == METHOD_SIEVE)
        return range_chunk(j, RANGE_SIEVE_MIN_CHUNK, 64);
    return range_chunk(j, RANGE_CHUNK_ALIGN, 256);
}

uint64_t range_product_chunk(const job *j)
{
    return range_chunk(j, j->method == METHOD_SIEVE ? RANGE_SIEVE_MIN_CHUNK : RANGE_CHUNK_ALIGN, 256);
}
