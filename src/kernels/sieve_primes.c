/* sieve_primes.c: the sieving primes: the stored list of every prime from 7 up to sqrt(hi), extended on
 * demand by the sieve itself on an inner scratch, and, for a narrow range far out, the same primes
 * streamed from the inner sieve and crossed off in the one segment as they come (no state kept). */
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
    sieve_scratch_free(s->inner);
}

/* Crosses off every multiple of p (>= p*p) in the one segment [30*base, 30*(base+nbytes)), no state kept. */
static void cross_off_once(uint8_t *seg, size_t nbytes, uint64_t base, uint64_t lo, uint32_t p)
{
    unsigned k;
    uint64_t byte = first_crossing(p, lo, &k);
    if (byte - base >= nbytes)
        return;
    uint64_t q = p / 30;
    const int c = wheel_index_of[p % 30];
    for (uint64_t b = byte - base; b < nbytes; k = (k + 1) & 7) {
        seg[b] &= CROSS_MASK(c, k);
        b += q * wheel_gap[k] + STEP_CARRY(c, k);
    }
}

typedef struct stream_ctx {
    uint8_t *seg;
    size_t nbytes;
    uint64_t base, lo;
} stream_ctx;

static void cross_off_one(void *ctx, uint64_t prime)
{
    const stream_ctx *c = ctx;
    cross_off_once(c->seg, c->nbytes, c->base, c->lo, (uint32_t)prime);
}

static void cross_off_streamed(void *ctx, const uint8_t *bytes, size_t nbytes, uint64_t base_byte)
{
    sieve_segment_each(bytes, nbytes, base_byte, cross_off_one, ctx);
}

/* Crosses off, in the one pre-sieved segment [30*base, 30*(base+nbytes)), the multiples of every sieving
 * prime beyond 97 up to root: those of the list, then those beyond it streamed from the inner sieve
 * instead of stored, so near 2^64 it needs kilobytes, not the 800 MB of all primes < 2^32. */
void sieving_primes_cross_once(sieve_scratch *s, uint8_t *seg, size_t nbytes, uint64_t base, uint64_t lo,
                               uint64_t root)
{
    for (size_t t = PRESIEVE_PRIME_COUNT; t < s->n_primes && s->primes[t] <= root; t++)
        cross_off_once(seg, nbytes, base, lo, s->primes[t]);
    stream_ctx c = {seg, nbytes, base, lo};
    if (root > s->primes_limit)
        sieve_range(inner_sieve(s), s->primes_limit + 1, root + 1, cross_off_streamed, &c);
}
