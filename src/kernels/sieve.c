/* sieve.c: the segmented mod-30 wheel sieve's coordination: the public API of sieve.h, the scratch's
 * life, the geometry of a range (segment size, which sieving primes are small, medium or big) and the
 * segment loop. Each segment is pre-sieved, crossed off by three loops, one per size of sieving prime (as
 * primesieve does), and handed to the visitor:
 *   small  (p <= 16 Ki):      whole periods of 8 crossings, unrolled, over 32 KiB (L1) chunks of the
 *                             segment; the last, partial period of a chunk is crossed in full and spills
 *                             into the next chunk or into padding, so the loop has no tail and no test per
 *                             crossing (a segment starts by crossing each prime's previous period again,
 *                             for what spilled past the last one);
 *   medium (p <= segment):    over the whole segment: the rest of the current period one tested crossing
 *                             at a time, then whole periods untested, then the partial period tested; the
 *                             code is specialised per residue class (constant masks and carries) and the
 *                             primes are kept in lists by wheel position, so the entry jump predicts;
 *   big    (the rest):        buckets: each prime waits in the list of the segment its next multiple
 *                             falls into, so a segment touches only the primes that cross it.
 * Segments are 128 KiB to 1 MiB (L2) by sqrt(hi); a sieving prime joins when the segment reaching p*p
 * comes up. Nothing here knows what the primes are used for: a visitor gets each finished segment.
 * The parts, each in its file: sieve_presieve.c (the patterns of 7..97), sieve_primes.c (the sieving
 * primes, stored or streamed), sieve_small.c, sieve_medium.c, sieve_big.c (the three loops),
 * sieve_buckets.c (the big primes' buckets); sieve_internal.h holds what they share.
 * Measurements and the choices they led to: docs/performance.md. */
#include "kernels/sieve.h"

#include <stdlib.h>
#include <string.h>

#include "kernels/sieve_internal.h"

const uint8_t sieve_wheel_residue[8] = WHEEL_RESIDUES;

#define WORD_BYTE(b) 30 * (b) + 1, 30 * (b) + 7, 30 * (b) + 11, 30 * (b) + 13, 30 * (b) + 17, 30 * (b) + 19, \
                     30 * (b) + 23, 30 * (b) + 29
static_assert(30 * 7 + 29 <= UINT8_MAX, "a word's offsets fit a byte");
const uint8_t sieve_word_bit_offset[64] = {WORD_BYTE(0), WORD_BYTE(1), WORD_BYTE(2), WORD_BYTE(3),
                                           WORD_BYTE(4), WORD_BYTE(5), WORD_BYTE(6), WORD_BYTE(7)};

static size_t env_size(const char *name, size_t lo, size_t hi)
{
    const char *v = getenv(name);
    if (!v)
        return 0;
    long x = atol(v);
    return x >= (long)lo && x <= (long)hi ? (size_t)x : 0;
}

sieve_scratch *sieve_scratch_new(void)
{
    sieve_scratch *s = xcalloc(1, sizeof *s, "sieve state");
    presieve_build(s);
    size_t kib = env_size("PRIMES_SEGMENT_KIB", 4, SEGMENT_MAX / 1024);
    if (kib) {
        size_t bytes = SEGMENT_MIN;
        while (2 * bytes <= kib * 1024)
            bytes *= 2;
        s->segment_override = bytes;
    }
    s->chunk_bytes = env_size("PRIMES_SIEVE_CHUNK_KIB", 4, CHUNK_KIB_MAX) * 1024;
    if (!s->chunk_bytes)
        s->chunk_bytes = CHUNK_BYTES;
    s->small_max = env_size("PRIMES_SIEVE_SMALL_MAX", 97, 1u << 20);
    if (!s->small_max)
        s->small_max = SMALL_MAX_DEFAULT;
    s->medium_factor = (unsigned)env_size("PRIMES_SIEVE_MEDIUM_FACTOR", 1, MEDIUM_FACTOR_MAX);
    if (!s->medium_factor)
        s->medium_factor = MEDIUM_FACTOR_DEFAULT;
    big_tables_init(s);
    return s;
}

void sieve_scratch_free(sieve_scratch *s)
{
    if (!s)
        return;
    presieve_free(s);
    for (int c = 0; c < 8; c++) {
        free(s->small[c].v);
        for (int k = 0; k < 8; k++) {
            free(s->medium[0][c][k].v);
            free(s->medium[1][c][k].v);
        }
    }
    buckets_free(s);
    sieving_primes_free(s);
    free(s->buffer);
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

/* Bytes per segment (a power of two): near the L1 size while the sieving primes are few, larger when
 * they are many, so each sieving prime's visit of a segment pays for itself. */
static size_t segment_bytes_for(const sieve_scratch *s, uint64_t sqrt_hi)
{
    if (s->segment_override)
        return s->segment_override;
    if (sqrt_hi < (1u << 15))     /* n below ~1e9: few primes, keep the segment in L2 comfortably */
        return 128 * 1024;
    if (sqrt_hi < (1u << 17))     /* ~1e10: 256 KiB measured 10% faster than 128 KiB */
        return 256 * 1024;
    if (sqrt_hi < (1u << 19))     /* ~1e11: 256 KiB, 512 KiB and 1 MiB within noise */
        return 512 * 1024;
    return 1024 * 1024;
}

/* After crossing off: restore 7..97 (pre-sieving removed them), clear 1, keep only [lo, hi), pad the
 * segment to whole 64-bit words and hand it to the visitor. */
static void segment_deliver(uint8_t *seg, size_t nbytes, uint64_t base, uint64_t lo, uint64_t hi, sieve_visit visit,
                            void *ctx)
{
    if (base * 30 <= PRESIEVE_LAST_PRIME)
        presieve_restore(seg, nbytes, base);
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

/* Makes the buffer hold pad + bytes + pad (pad >= 64, a multiple of 64) and returns the segment start. */
static uint8_t *segment_reserve(sieve_scratch *s, size_t bytes, size_t pad)
{
    pad = (pad + 127) & ~(size_t)63;
    if (s->buffer_cap < bytes + 2 * pad || s->pad != pad) {
        free(s->buffer);
        s->buffer_cap = bytes + 2 * pad;
        s->pad = pad;
        s->buffer = xmalloc(s->buffer_cap, "sieve segment");
    }
    return s->buffer + pad;
}

/* The geometry of one sieve_range call. */
typedef struct sweep {
    uint64_t lo, first_byte, end_byte;
    uint64_t width;          /* hi - lo */
    size_t seg_bytes;        /* a full segment, a power of two */
    unsigned shift;          /* log2(seg_bytes) */
    uint32_t small_max, medium_max;
} sweep;

/* Files sieving prime p in its loop, its first crossing in the range at wheel byte `byte`, crossing k of a
 * period, counted from the segment at wheel byte seg_base (segment number index). */
static void file_prime(sieve_scratch *s, const sweep *w, uint32_t p, uint64_t byte, unsigned k, uint64_t seg_base,
                       uint64_t index)
{
    uint64_t rel = byte - seg_base;
    const uint32_t q = p / 30;
    const int c = wheel_index_of[p % 30];
    if (p <= w->small_max) {
        small_prime *sp = prime_list_append(&s->small[c], sizeof *sp);
        sp->q = q;
        sp->b = (int32_t)((int64_t)rel - (int64_t)(q * wheel_offset[k] + wheel_carry[c][k]));
    } else if (p <= w->medium_max) {
        medium_file(s->medium[s->medium_gen][c], q, rel, k);
    } else {
        bucket_push(s, (size_t)((index + (rel >> w->shift)) & (s->ring_size - 1)), q << 3 | (uint32_t)c,
                    (uint32_t)((rel & (w->seg_bytes - 1)) << 3) | k);
    }
}

/* Adds sieving prime p to its loop; a big prime that first crosses past the range is dropped. */
static void activate(sieve_scratch *s, const sweep *w, uint32_t p, uint64_t seg_base, uint64_t index)
{
    unsigned k;
    uint64_t byte = first_crossing(p, w->lo, &k);
    if (p > w->medium_max && byte >= w->end_byte)
        return;
    file_prime(s, w, p, byte, k, seg_base, index);
}

__extension__ typedef unsigned __int128 uint128;
static_assert(SIEVE_STORED_ROOT > (UINT64_MAX >> 50), "a streamed prime p divides any lo by the double quotient");

/* p^-1 mod 30 for each wheel residue p: the multiplier of a multiple x of p is x * p^-1 mod 30. */
static const uint8_t wheel_inverse[] = {1, 13, 11, 7, 23, 19, 17, 29};
static_assert(sizeof wheel_inverse == 8, "one inverse per wheel residue");

/* The streamed primes are taken in blocks of this many, in three passes (activate_streamed). */
#define STREAM_ACTIVATE_BLOCK 1024
static_assert(STREAM_ACTIVATE_BLOCK <= UINT16_MAX + 1, "a prime's place in its block fits 16 bits");

/* Activates the streamed sieving primes whose square lies below seg_end. Far out (near 2^64 every one
 * of the 2e8 primes below 2^32 joins in the first segment) most have no multiple in the range, and of
 * those that have one, many cross nothing: the sieve crosses only multiples p*m with m on the wheel.
 * Pass 1: one division (by the double quotient) gives r = lo % p, so the first multiple from lo is
 * lo + d, d = p - r (or 0); keep the primes with d < width. Pass 2: the multiplier's residue is
 * (lo + d) * p^-1 mod 30 (or p itself when p^2 lies beyond lo + d); the first crossing is the next wheel
 * multiple; keep the primes whose first crossing lies in the range. Pass 3 files them. Whether a prime
 * is kept is a coin toss when the range is about as wide as the primes, so the first two passes count
 * instead of branching; each pass is one short loop the processor overlaps. Near 2^64, 1e9 wide, this
 * took the count from 6.4 s to 3.8 s (one loop calling first_crossing, two divisions per prime). */
static void activate_streamed(sieve_scratch *s, const sweep *w, uint128 seg_end,
                              uint64_t seg_base, uint64_t index)
{
    const uint64_t lo = w->lo, width = w->width;
    const double lo_d = (double)lo;
    const uint64_t lo30 = lo % 30;
    uint32_t keep_p[STREAM_ACTIVATE_BLOCK];
    uint64_t keep_d[STREAM_ACTIVATE_BLOCK];
    uint16_t keep_j[STREAM_ACTIVATE_BLOCK];
    uint8_t keep_k[STREAM_ACTIVATE_BLOCK];
    for (uint32_t p = sieving_stream_peek(s); p && (uint64_t)p * p < seg_end; p = sieving_stream_peek(s)) {
        const uint32_t *v = s->stream;
        size_t i = s->stream_pos, n = s->stream_n;
        /* the primes that join: v[i, n) is ascending, the last one with its square below seg_end ends it */
        if ((uint64_t)v[n - 1] * v[n - 1] >= seg_end) {
            size_t below = i, above = n - 1;  /* v[below]^2 < seg_end <= v[above]^2 */
            while (above - below > 1) {
                size_t mid = below + (above - below) / 2;
                *((uint64_t)v[mid] * v[mid] < seg_end ? &below : &above) = mid;
            }
            n = above;
        }
        while (i < n) {
            const size_t block = n - i < STREAM_ACTIVATE_BLOCK ? n - i : STREAM_ACTIVATE_BLOCK;
            size_t hit = 0, kept = 0;
            for (size_t j = 0; j < block; j++) {  /* the primes with a multiple lo + d in the range */
                uint64_t r;
                div_below_2_50_from(lo, lo_d, v[i + j], &r);
                const uint64_t d = r ? v[i + j] - r : 0;
                keep_j[hit] = (uint16_t)j;
                keep_d[hit] = d;
                hit += d < width;
            }
            for (size_t h = 0; h < hit; h++) {    /* of those, the ones whose first crossing is in it */
                const uint64_t prime = v[i + keep_j[h]], first = keep_d[h];
                /* the multiplier of lo + d is (lo + d) / p, its residue (lo + d) * p^-1 mod 30 */
                const uint64_t m30_first = (lo30 + first % 30) * wheel_inverse[wheel_index_of[prime % 30]] % 30;
                const bool past_square = prime * prime <= lo + first;
                const unsigned m30 = (unsigned)(past_square ? m30_first : prime % 30);  /* p^2 is on the wheel */
                const unsigned step = wheel_advance[m30];
                const uint64_t d = (past_square ? first : prime * prime - lo) + step * prime;  /* no overflow */
                keep_p[kept] = (uint32_t)prime;
                keep_d[kept] = d;
                keep_k[kept] = (uint8_t)wheel_index_of[m30 + step];  /* m30 + step <= 29 */
                kept += d < width;
            }
            for (size_t j = 0; j < kept; j++)
                file_prime(s, w, keep_p[j], (lo + keep_d[j]) / 30, keep_k[j], seg_base, index);
            i += block;
        }
        s->stream_pos = i;
    }
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
    sieving_primes_extend(s, root < 97 ? 97 : root > SIEVE_STORED_ROOT ? SIEVE_STORED_ROOT : root);
    bool streamed = root > s->primes_limit;
    if (streamed)
        sieving_stream_start(s, s->primes_limit + 1, root);

    /* the sieving primes > 97 up to sqrt(hi - 1) */
    size_t next = PRESIEVE_PRIME_COUNT;  /* the list starts at 7: its first 22 entries are pre-sieved */
    size_t end = next;
    while (end < s->n_primes && s->primes[end] <= root)
        end++;

    sweep w = {.lo = lo, .first_byte = first_byte, .end_byte = end_byte, .width = hi - lo};
    w.seg_bytes = segment_bytes_for(s, root);
    while (w.seg_bytes / 2 >= end_byte - first_byte && w.seg_bytes > SEGMENT_MIN)
        w.seg_bytes /= 2;
    w.shift = (unsigned)__builtin_ctzll(w.seg_bytes);
    w.small_max = (uint32_t)(s->small_max < w.seg_bytes ? s->small_max : w.seg_bytes);
    uint64_t medium_max = (uint64_t)w.seg_bytes * s->medium_factor;
    w.medium_max = medium_max > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)medium_max;
    if (w.medium_max < w.small_max)
        w.medium_max = w.small_max;
    uint8_t *seg = segment_reserve(s, w.seg_bytes, w.small_max);

    for (int c = 0; c < 8; c++) {
        s->small[c].n = 0;
        for (int k = 0; k < 8; k++)
            s->medium[0][c][k].n = s->medium[1][c][k].n = 0;
    }
    if (root > w.medium_max)
        buckets_ring_reserve(s, root, w.shift);

    const uint64_t segments = (end_byte - first_byte + w.seg_bytes - 1) >> w.shift;
    uint64_t index = 0;
    for (uint64_t base = first_byte; base < end_byte; base += w.seg_bytes, index++) {
        size_t nbytes = end_byte - base < w.seg_bytes ? (size_t)(end_byte - base) : w.seg_bytes;
        presieve_segment(s, seg, nbytes, base);
        /* the small primes' periods cut short by the previous segment's end */
        if (index > 0)
            small_head_segment(s, seg);
        /* the sieving primes whose square lies below this segment's end join */
        uint128 seg_end = (uint128)30 * (base + nbytes);
        while (next < end && (uint64_t)s->primes[next] * s->primes[next] < seg_end)
            activate(s, &w, s->primes[next++], base, index);
        if (streamed)
            activate_streamed(s, &w, seg_end, base, index);
        small_cross_segment(s, seg, nbytes);
        medium_cross_segment(s, seg, nbytes);
        if (s->ring_size && root > w.medium_max)
            big_cross(s, seg, (uint32_t)nbytes, index, w.shift, segments);
        segment_deliver(seg, nbytes, base, lo, hi, visit, ctx);
    }
    if (s->ring_size)
        buckets_drain(s);
}
