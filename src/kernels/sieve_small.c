/* sieve_small.c: crossing off the small sieving primes (p <= small_max, 16 Ki by default): whole periods of
 * 8 crossings, unrolled, over L1-sized chunks of the segment, specialised per residue class; the partial
 * period at a chunk's end is crossed in full and spills into the next chunk or the padding. */
#include "kernels/sieve_internal.h"

/* Every period of every small prime of class c that starts before byte n of the chunk: 8 crossings
 * each, unrolled, with no test between them (a period that reaches past n writes into the next chunk or
 * the padding: the same composites, crossed again or ignored). */
static ALWAYS_INLINE void small_cross(uint8_t *seg, int32_t n32, small_prime *sp, size_t count, const int c)
{
    const uint32_t r = wheel_residue[c];
    const int64_t n = n32;
    for (size_t i = 0; i < count; i++) {
        const uint64_t q = sp[i].q;
        const int64_t p = (int64_t)(30 * q + r);
        int64_t b = sp[i].b;
        for (; b < n; b += p)
            cross_period(seg + b, q, c);
        sp[i].b = (int32_t)(b - n);
    }
}

/* At a segment's start: the period before each small prime's current one again, whose crossings past
 * the previous segment's end went into its padding. */
static ALWAYS_INLINE void small_head(uint8_t *seg, const small_prime *sp, size_t count, const int c)
{
    const uint32_t r = wheel_residue[c];
    for (size_t i = 0; i < count; i++) {
        const uint32_t q = sp[i].q;
        cross_period(seg + sp[i].b - (int32_t)(30 * q + r), q, c);
    }
}

PER_CLASS(small_cross_class, small_cross, (uint8_t * seg, int32_t n, small_prime *sp, size_t count), seg, n, sp, count)
PER_CLASS(small_head_class, small_head, (uint8_t * seg, const small_prime *sp, size_t count), seg, sp, count)

typedef void (*small_cross_fn)(uint8_t *, int32_t, small_prime *, size_t);
typedef void (*small_head_fn)(uint8_t *, const small_prime *, size_t);
static const small_cross_fn small_cross_by_class[8] = {small_cross_class_0, small_cross_class_1, small_cross_class_2,
                                                       small_cross_class_3, small_cross_class_4, small_cross_class_5,
                                                       small_cross_class_6, small_cross_class_7};
static const small_head_fn small_head_by_class[8] = {small_head_class_0, small_head_class_1, small_head_class_2,
                                                     small_head_class_3, small_head_class_4, small_head_class_5,
                                                     small_head_class_6, small_head_class_7};

/* The small primes' periods cut short by the previous segment's end, crossed again at this one's start. */
void small_head_segment(sieve_scratch *s, uint8_t *seg)
{
    for (int c = 0; c < 8; c++)
        small_head_by_class[c](seg, s->small[c].v, s->small[c].n);
}

/* Every small prime over the segment of nbytes, one chunk of chunk_bytes at a time. */
void small_cross_segment(sieve_scratch *s, uint8_t *seg, size_t nbytes)
{
    for (size_t at = 0; at < nbytes; at += s->chunk_bytes) {
        int32_t n = (int32_t)(nbytes - at < s->chunk_bytes ? nbytes - at : s->chunk_bytes);
        for (int c = 0; c < 8; c++)
            small_cross_by_class[c](seg + at, n, s->small[c].v, s->small[c].n);
    }
}
