/* sieve_primes.c: the sieving primes: the stored list of every prime from 7 up to min(sqrt(hi),
 * SIEVE_STORED_ROOT), extended on demand by the sieve itself on an inner scratch and kept for the
 * worker's next ranges, and beyond that bound the stream: the same inner sieve run block by block
 * while the range needs more, each block's primes handed out once and forgotten (near 2^64 the list
 * would be the 813 MB of all primes below 2^32, per worker). */
#include "kernels/sieve_internal.h"

#include <stdlib.h>

uint64_t isqrt_u64(uint64_t x)
{
    uint64_t r = (uint64_t)__builtin_sqrt((double)x);
    while (r > 0xFFFFFFFFu || r * r > x)
        r--;
    while (r < 0xFFFFFFFFu && (r + 1) * (r + 1) <= x)
        r++;
    return r;
}

static void append_prime(sieve_scratch *s, uint32_t prime)
{
    if (s->n_primes == s->cap_primes) {
        s->cap_primes = s->cap_primes ? 2 * s->cap_primes : 8192;
        s->primes = xrealloc(s->primes, s->cap_primes * sizeof *s->primes, "sieving primes");
    }
    s->primes[s->n_primes++] = prime;
}

static void append_one(void *ctx, uint64_t prime)
{
    append_prime(ctx, (uint32_t)prime);
}

static void append_segment_primes(void *ctx, const uint8_t *bytes, size_t nbytes, uint64_t base_byte)
{
    sieve_segment_each(bytes, nbytes, base_byte, append_one, ctx);
}

static sieve_scratch *inner_sieve(sieve_scratch *s)
{
    if (!s->inner)
        s->inner = sieve_scratch_new();
    return s->inner;
}

/* Makes the list hold every prime from 7 up to limit (at most 2^32 - 1): those below 2^16 by a plain
 * sieve of the odd numbers, the rest by this same sieve on an inner scratch (whose own list never needs
 * more than 2^16). */
void sieving_primes_extend(sieve_scratch *s, uint64_t limit)
{
    if (limit > 0xFFFFFFFFu)
        limit = 0xFFFFFFFFu;
    if (s->primes_limit == 0) {
        uint8_t odd[32768] = {0};  /* odd[i]: 2i + 1 is composite */
        for (uint32_t i = 1; i < 128; i++)
            if (!odd[i])
                for (uint32_t m = 2 * i * (i + 1); m < 32768; m += 2 * i + 1)
                    odd[m] = 1;
        for (uint32_t i = 3; i < 32768; i++)
            if (!odd[i])
                append_prime(s, 2 * i + 1);
        s->primes_limit = 65535;
    }
    if (limit > s->primes_limit) {
        sieve_range(inner_sieve(s), s->primes_limit + 1, limit + 1, append_segment_primes, s);
        s->primes_limit = limit;
    }
}

void sieving_primes_free(sieve_scratch *s)
{
    free(s->primes);
    free(s->stream);
    sieve_scratch_free(s->inner);
}

static void stream_append(void *ctx, uint64_t prime)
{
    sieve_scratch *s = ctx;
    if (s->stream_n == s->stream_cap) {
        s->stream_cap = s->stream_cap ? 2 * s->stream_cap : 65536;
        s->stream = xrealloc(s->stream, s->stream_cap * sizeof *s->stream, "sieving primes");
    }
    s->stream[s->stream_n++] = (uint32_t)prime;
}

static void stream_segment(void *ctx, const uint8_t *bytes, size_t nbytes, uint64_t base_byte)
{
    sieve_segment_each(bytes, nbytes, base_byte, stream_append, ctx);
}

void sieving_stream_start(sieve_scratch *s, uint64_t from, uint64_t root)
{
    s->stream_n = s->stream_pos = 0;
    s->stream_next = from;
    s->stream_root = root;
}

uint32_t sieving_stream_refill(sieve_scratch *s)
{
    while (s->stream_pos == s->stream_n && s->stream_next <= s->stream_root) {
        uint64_t hi = s->stream_root - s->stream_next < STREAM_BLOCK ? s->stream_root + 1
                                                                     : s->stream_next + STREAM_BLOCK;
        s->stream_n = s->stream_pos = 0;
        sieve_range(inner_sieve(s), s->stream_next, hi, stream_segment, s);
        s->stream_next = hi;
    }
    return s->stream_pos < s->stream_n ? s->stream[s->stream_pos] : 0;
}
