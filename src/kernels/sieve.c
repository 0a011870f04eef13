/* sieve.c: the segmented mod-30 wheel sieve. Owns the sieving-prime list, the pre-sieve patterns for the
 * primes 7..97, the per-prime crossing loop (8 crossings per period, unrolled) and the segment walk.
 * Nothing here knows what the primes are used for: a visitor gets each finished segment. */
#include "sieve.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../xalloc.h"

const uint8_t sieve_wheel_residue[8] = {1, 7, 11, 13, 17, 19, 23, 29};

/* Gap from residue k to residue k+1 (the last one wraps to 31 = 30 + 1). */
static const uint8_t wheel_gap[8] = {6, 4, 2, 4, 2, 4, 6, 2};

/* For p = 30q + r with r the class's residue: the multiple p * (30j + R[k]) is the number
 * 30 * (p*j + q*R[k] + wheel_carry[class][k]) + R[wheel_bit[class][k]], where wheel_carry = floor(r*R[k]/30)
 * and wheel_bit is the wheel position of r*R[k] mod 30. */
static const uint8_t wheel_carry[8][8] = {
    {0, 0, 0, 0, 0, 0, 0, 0},    {0, 1, 2, 3, 3, 4, 5, 6},     {0, 2, 4, 4, 6, 6, 8, 10},
    {0, 3, 4, 5, 7, 8, 9, 12},   {0, 3, 6, 7, 9, 10, 13, 16},  {0, 4, 6, 8, 10, 12, 14, 18},
    {0, 5, 8, 9, 13, 14, 17, 22}, {0, 6, 10, 12, 16, 18, 22, 28},
};
static const uint8_t wheel_bit[8][8] = {
    {0, 1, 2, 3, 4, 5, 6, 7}, {1, 5, 4, 0, 7, 3, 2, 6}, {2, 4, 0, 6, 1, 7, 3, 5}, {3, 0, 6, 5, 2, 1, 7, 4},
    {4, 7, 1, 2, 5, 6, 0, 3}, {5, 3, 7, 1, 6, 0, 4, 2}, {6, 2, 3, 7, 0, 4, 5, 1}, {7, 6, 5, 4, 3, 2, 1, 0},
};

/* Wheel position of n mod 30, or -1 when n shares a factor with 30. */
static const int8_t wheel_index_of[30] = {
    -1, 0, -1, -1, -1, -1, -1, 1, -1, -1, -1, 2, -1, 3, -1, -1, -1, 4, -1, 5, -1, -1, -1, 6, -1, -1, -1, -1, -1, 7,
};

/* The primes removed by pre-sieving, in groups whose patterns repeat every product-of-group bytes. */
#define PRESIEVE_LAST_PRIME 97u

/* Sieving primes up to this bound are kept in a list; a narrower range than SIEVE_NARROW_BYTES whose
 * sqrt(hi) lies beyond both the bound and the list streams its sieving primes instead. */
#define SIEVE_STORED_ROOT (1u << 26)
#define SIEVE_NARROW_BYTES (1u << 20)
static const uint16_t presieve_groups[][3] = {
    {7, 11, 13}, {17, 19, 23}, {29, 31, 1}, {37, 41, 1}, {43, 47, 1},
    {53, 59, 1}, {61, 67, 1},  {71, 73, 1}, {79, 83, 1}, {89, 97, 1},
};
#define PRESIEVE_GROUP_COUNT (sizeof presieve_groups / sizeof presieve_groups[0])
static const uint8_t presieve_primes[] = {7,  11, 13, 17, 19, 23, 29, 31, 37, 41, 43,
                                          47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};

/* Per-class constants of the unrolled crossing loop. */
typedef struct wheel_class {
    uint8_t mask[8];   /* clears the bit that crossing k lands on */
    uint8_t carry[8];  /* wheel_carry of the class */
    uint8_t step_carry[8]; /* byte step from crossing k to k+1 is q * wheel_gap[k] + step_carry[k] */
} wheel_class;

struct sieve_scratch {
    uint32_t *primes;       /* every prime from 7 up to primes_limit, ascending */
    size_t n_primes, cap_primes;
    uint64_t primes_limit;
    uint32_t *offset;       /* per sieving prime > 97: next crossing, bytes from the current segment */
    uint8_t *wheel_pos;     /* per sieving prime > 97: which of its 8 crossings comes next */
    size_t cap_state;
    uint8_t *segment;
    size_t segment_cap;
    uint8_t *pattern[PRESIEVE_GROUP_COUNT]; /* each pattern stored twice over, for wrap-free windows */
    uint32_t period[PRESIEVE_GROUP_COUNT];
    wheel_class classes[8];
    size_t segment_override;  /* PRIMES_SEGMENT_KIB, for benchmarks; 0: choose by the range */
    struct sieve_scratch *inner; /* sieves the sieving primes themselves beyond 2^16 */
};

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

static void append_segment_primes(void *ctx, const uint8_t *bytes, size_t nbytes, uint64_t base_byte)
{
    sieve_scratch *s = ctx;
    for (size_t w = 0; w < nbytes / 8; w++) {
        uint64_t word;
        memcpy(&word, bytes + 8 * w, sizeof word);
        for (; word; word &= word - 1)
            append_prime(s, (uint32_t)sieve_word_bit_value(base_byte, w, (unsigned)__builtin_ctzll(word)));
    }
}

static sieve_scratch *inner_sieve(sieve_scratch *s)
{
    if (!s->inner)
        s->inner = sieve_scratch_new();
    return s->inner;
}

/* Makes the list hold every prime from 7 up to limit (at most 2^32 - 1): those below 2^16 by trial
 * division, the rest by this same sieve on an inner scratch (whose own list never needs more than 2^16). */
static void sieving_primes_extend(sieve_scratch *s, uint64_t limit)
{
    if (limit > 0xFFFFFFFFu)
        limit = 0xFFFFFFFFu;
    if (s->primes_limit == 0) {
        for (uint32_t v = 7; v < 65536; v += 2) {
            bool prime = v % 3 != 0 && v % 5 != 0;
            for (uint32_t d = 7; d * d <= v && prime; d += 2)
                prime = v % d != 0;
            if (prime)
                append_prime(s, v);
        }
        s->primes_limit = 65535;
    }
    if (limit > s->primes_limit) {
        sieve_range(inner_sieve(s), s->primes_limit + 1, limit + 1, append_segment_primes, s);
        s->primes_limit = limit;
    }
}

static void presieve_build(sieve_scratch *s)
{
    for (size_t g = 0; g < PRESIEVE_GROUP_COUNT; g++) {
        uint32_t period = 1;
        for (int k = 0; k < 3; k++)
            period *= presieve_groups[g][k];
        uint8_t *pat = xmalloc(2 * (size_t)period, "pre-sieve pattern");
        for (uint32_t b = 0; b < period; b++) {
            uint8_t bits = 0xFF;
            for (int k = 0; k < 8; k++) {
                uint64_t v = 30 * (uint64_t)b + sieve_wheel_residue[k];
                for (int i = 0; i < 3; i++)
                    if (presieve_groups[g][i] > 1 && v % presieve_groups[g][i] == 0)
                        bits &= (uint8_t)~(1u << k);
            }
            pat[b] = pat[b + period] = bits;
        }
        s->pattern[g] = pat;
        s->period[g] = period;
    }
}

sieve_scratch *sieve_scratch_new(void)
{
    sieve_scratch *s = xcalloc(1, sizeof *s, "sieve state");
    presieve_build(s);
    const char *kib = getenv("PRIMES_SEGMENT_KIB");
    if (kib && atol(kib) > 0 && atol(kib) <= 65536)
        s->segment_override = (size_t)atol(kib) * 1024;
    for (int c = 0; c < 8; c++) {
        wheel_class *w = &s->classes[c];
        for (int k = 0; k < 8; k++) {
            w->mask[k] = (uint8_t)~(1u << wheel_bit[c][k]);
            w->carry[k] = wheel_carry[c][k];
            /* from crossing 7 of one period to crossing 0 of the next: 2q + r - carry[7] */
            w->step_carry[k] = (uint8_t)(k < 7 ? wheel_carry[c][k + 1] - wheel_carry[c][k]
                                               : sieve_wheel_residue[c] - wheel_carry[c][7]);
        }
    }
    return s;
}

void sieve_scratch_free(sieve_scratch *s)
{
    if (!s)
        return;
    for (size_t g = 0; g < PRESIEVE_GROUP_COUNT; g++)
        free(s->pattern[g]);
    free(s->primes);
    free(s->offset);
    free(s->wheel_pos);
    free(s->segment);
    sieve_scratch_free(s->inner);
    free(s);
}

unsigned sieve_wheel_primes(uint64_t lo, uint64_t hi, uint64_t out[3])
{
    static const uint64_t small[3] = {2, 3, 5};
    unsigned n = 0;
    for (int i = 0; i < 3; i++)
        if (small[i] >= lo && small[i] < hi)
            out[n++] = small[i];
    return n;
}

/* Fills the segment with the product of the pre-sieve patterns, starting at wheel byte base. */
static void presieve_segment(const sieve_scratch *s, uint8_t *seg, size_t nbytes, uint64_t base)
{
    for (size_t g = 0; g < PRESIEVE_GROUP_COUNT; g++) {
        const uint8_t *window = s->pattern[g] + base % s->period[g];
        size_t period = s->period[g];
        for (size_t pos = 0; pos < nbytes; pos += period) {
            size_t len = nbytes - pos < period ? nbytes - pos : period;
            uint8_t *dst = seg + pos;
            if (g == 0)
                memcpy(dst, window, len);
            else
                for (size_t i = 0; i < len; i++)
                    dst[i] &= window[i];
        }
    }
}

/* Crosses off the multiples of every sieving prime > 97 that fall into this segment, and carries each
 * prime's next crossing into the next segment. */
static void cross_off_segment(sieve_scratch *s, uint8_t *seg, size_t nbytes, size_t first, size_t end)
{
    for (size_t t = first; t < end; t++) {
        uint64_t b = s->offset[t];
        if (b >= nbytes) {
            if (s->offset[t] != UINT32_MAX)
                s->offset[t] = (uint32_t)(b - nbytes);
            continue;
        }
        uint32_t p = s->primes[t];
        uint64_t q = p / 30;
        const wheel_class *w = &s->classes[wheel_index_of[p % 30]];
        unsigned k = s->wheel_pos[t];
        while (k != 0 && b < nbytes) {
            seg[b] &= w->mask[k];
            b += q * wheel_gap[k] + w->step_carry[k];
            k = (k + 1) & 7;
        }
        if (k == 0) {
            /* whole periods: the 8 crossings of p * (30j + R[k]) at fixed distances, p bytes apart */
            const uint64_t o1 = q * 6 + w->carry[1], o2 = q * 10 + w->carry[2], o3 = q * 12 + w->carry[3],
                           o4 = q * 16 + w->carry[4], o5 = q * 18 + w->carry[5], o6 = q * 22 + w->carry[6],
                           o7 = q * 28 + w->carry[7];
            if (nbytes > o7) {
                const uint8_t m0 = w->mask[0], m1 = w->mask[1], m2 = w->mask[2], m3 = w->mask[3],
                              m4 = w->mask[4], m5 = w->mask[5], m6 = w->mask[6], m7 = w->mask[7];
                for (uint64_t limit = nbytes - o7; b < limit; b += p) {
                    uint8_t *x = seg + b;
                    x[0] &= m0;
                    x[o1] &= m1;
                    x[o2] &= m2;
                    x[o3] &= m3;
                    x[o4] &= m4;
                    x[o5] &= m5;
                    x[o6] &= m6;
                    x[o7] &= m7;
                }
            }
            while (b < nbytes) {
                seg[b] &= w->mask[k];
                b += q * wheel_gap[k] + w->step_carry[k];
                k = (k + 1) & 7;
            }
        }
        s->offset[t] = (uint32_t)(b - nbytes);
        s->wheel_pos[t] = (uint8_t)k;
    }
}

/* The first crossing of p inside [lo, ...): the smallest p*m >= max(p*p, lo) with m on the wheel, as a
 * byte offset from first_byte (clamped to UINT32_MAX: never reached) and its wheel position. */
static void first_crossing(uint64_t p, uint64_t lo, uint64_t first_byte, uint32_t *offset, uint8_t *pos)
{
    uint64_t m = lo / p + (lo % p != 0);
    if (m < p)
        m = p;
    uint64_t j = m / 30;
    int k = -1;
    for (uint64_t r = m % 30; k < 0; r++) {
        if (r == 30) {
            r = 0;
            j++;
        }
        k = wheel_index_of[r];
    }
    uint64_t byte = p * j + p * sieve_wheel_residue[k] / 30;  /* floor(p * m / 30) without overflow */
    uint64_t off = byte - first_byte > UINT32_MAX ? UINT32_MAX : byte - first_byte;
    *offset = (uint32_t)off;
    *pos = (uint8_t)k;
}

/* Bytes per segment: near the L1 size while the sieving primes are small, larger when they are many. */
static size_t segment_bytes_for(const sieve_scratch *s, uint64_t sqrt_hi)
{
    if (s->segment_override)
        return s->segment_override;
    if (sqrt_hi < (1u << 17))
        return 64 * 1024;
    size_t bytes = 128 * 1024;
    while (bytes < sqrt_hi && bytes < 4u * 1024 * 1024)
        bytes *= 2;
    return bytes;
}

/* After crossing off: restore 7..97 (pre-sieving removed them), clear 1, keep only [lo, hi), pad the
 * segment to whole 64-bit words and hand it to the visitor. */
static void segment_deliver(uint8_t *seg, size_t nbytes, uint64_t base, uint64_t lo, uint64_t hi, sieve_visit visit,
                            void *ctx)
{
    if (base * 30 <= PRESIEVE_LAST_PRIME) {
        if (base == 0)
            seg[0] &= (uint8_t)~1u;
        for (size_t i = 0; i < sizeof presieve_primes; i++) {
            uint64_t b = presieve_primes[i] / 30;
            if (b >= base && b < base + nbytes)
                seg[b - base] |= (uint8_t)(1u << wheel_index_of[presieve_primes[i] % 30]);
        }
    }
    for (int k = 0; k < 8; k++) {
        __extension__ unsigned __int128 first = (unsigned __int128)30 * base + sieve_wheel_residue[k];
        __extension__ unsigned __int128 last = (unsigned __int128)30 * (base + nbytes - 1) + sieve_wheel_residue[k];
        if (first < lo)
            seg[0] &= (uint8_t)~(1u << k);
        if (last >= hi)
            seg[nbytes - 1] &= (uint8_t)~(1u << k);
    }
    size_t padded = (nbytes + 7) & ~(size_t)7;
    memset(seg + nbytes, 0, padded - nbytes);
    visit(ctx, seg, padded, base);
}

static void segment_reserve(sieve_scratch *s, size_t bytes)
{
    if (s->segment_cap < bytes + 8) {
        free(s->segment);
        s->segment_cap = bytes + 8;
        s->segment = xmalloc(s->segment_cap, "sieve segment");
    }
}

/* Crosses off every multiple of p (>= p*p) in the one segment [30*base, 30*(base+nbytes)), no state kept. */
static void cross_off_once(const sieve_scratch *s, uint8_t *seg, size_t nbytes, uint64_t base, uint64_t lo,
                           uint32_t p)
{
    uint32_t offset;
    uint8_t k;
    first_crossing(p, lo, base, &offset, &k);
    uint64_t q = p / 30;
    const wheel_class *w = &s->classes[wheel_index_of[p % 30]];
    for (uint64_t b = offset; b < nbytes; k = (k + 1) & 7) {
        seg[b] &= w->mask[k];
        b += q * wheel_gap[k] + w->step_carry[k];
    }
}

typedef struct stream_ctx {
    const sieve_scratch *s;
    uint8_t *seg;
    size_t nbytes;
    uint64_t base, lo;
} stream_ctx;

static void cross_off_streamed(void *ctx, const uint8_t *bytes, size_t nbytes, uint64_t base_byte)
{
    const stream_ctx *c = ctx;
    for (size_t w = 0; w < nbytes / 8; w++) {
        uint64_t word;
        memcpy(&word, bytes + 8 * w, sizeof word);
        for (; word; word &= word - 1) {
            uint64_t p = sieve_word_bit_value(base_byte, w, (unsigned)__builtin_ctzll(word));
            cross_off_once(c->s, c->seg, c->nbytes, c->base, c->lo, (uint32_t)p);
        }
    }
}

/* A narrow range far out (sqrt(hi) beyond the list): one segment, its sieving primes streamed from the
 * inner sieve instead of stored, so near 2^64 it needs kilobytes, not the 800 MB of all primes < 2^32. */
static void sieve_narrow_streamed(sieve_scratch *s, uint64_t lo, uint64_t hi, uint64_t root, sieve_visit visit,
                                  void *ctx)
{
    uint64_t base = lo / 30;
    size_t nbytes = (size_t)((hi - 1) / 30 + 1 - base);
    segment_reserve(s, nbytes);
    presieve_segment(s, s->segment, nbytes, base);
    for (size_t t = sizeof presieve_primes; t < s->n_primes && s->primes[t] <= root; t++)
        cross_off_once(s, s->segment, nbytes, base, lo, s->primes[t]);
    stream_ctx c = {s, s->segment, nbytes, base, lo};
    if (root > s->primes_limit)
        sieve_range(inner_sieve(s), s->primes_limit + 1, root + 1, cross_off_streamed, &c);
    segment_deliver(s->segment, nbytes, base, lo, hi, visit, ctx);
}

void sieve_range(sieve_scratch *s, uint64_t lo, uint64_t hi, sieve_visit visit, void *ctx)
{
    if (lo < 7)
        lo = 7;
    if (hi <= lo)
        return;
    uint64_t root = isqrt_u64(hi - 1);
    uint64_t first_byte = lo / 30;
    uint64_t end_byte = (hi - 1) / 30 + 1;
    if (root > SIEVE_STORED_ROOT && root > s->primes_limit && end_byte - first_byte <= SIEVE_NARROW_BYTES) {
        sieving_primes_extend(s, 65535);
        sieve_narrow_streamed(s, lo, hi, root, visit, ctx);
        return;
    }
    sieving_primes_extend(s, root < 97 ? 97 : root);

    /* the sieving primes > 97 up to sqrt(hi - 1), each with its first crossing */
    size_t first = sizeof presieve_primes;  /* the list starts at 7: its first 22 entries are pre-sieved */
    size_t end = first;
    while (end < s->n_primes && s->primes[end] <= root)
        end++;
    if (end > s->cap_state) {
        s->cap_state = end + end / 2;
        s->offset = xrealloc(s->offset, s->cap_state * sizeof *s->offset, "sieve offsets");
        s->wheel_pos = xrealloc(s->wheel_pos, s->cap_state, "sieve offsets");
    }
    for (size_t t = first; t < end; t++)
        first_crossing(s->primes[t], lo, first_byte, &s->offset[t], &s->wheel_pos[t]);

    size_t seg_bytes = segment_bytes_for(s, root);
    if (seg_bytes > end_byte - first_byte)
        seg_bytes = (size_t)(end_byte - first_byte + 7) & ~(size_t)7;
    segment_reserve(s, seg_bytes);
    for (uint64_t base = first_byte; base < end_byte; base += seg_bytes) {
        size_t nbytes = end_byte - base < seg_bytes ? (size_t)(end_byte - base) : seg_bytes;
        presieve_segment(s, s->segment, nbytes, base);
        cross_off_segment(s, s->segment, nbytes, first, end);
        segment_deliver(s->segment, nbytes, base, lo, hi, visit, ctx);
    }
}
