/* sieve.c: the segmented mod-30 wheel sieve. Owns the sieving-prime list, the pre-sieve patterns for the
 * primes 7..97 and three crossing-off loops, one per size of sieving prime (as primesieve does):
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
 * Measurements and the choices they led to: docs/performance.md. */
#include "kernels/sieve.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

const uint8_t sieve_wheel_residue[8] = {1, 7, 11, 13, 17, 19, 23, 29};

/* Gap from residue k to residue k+1 (the last one wraps to 31 = 30 + 1). */
static const uint8_t wheel_gap[8] = {6, 4, 2, 4, 2, 4, 6, 2};
/* residue[k] - 1: crossing k of a period lies q * wheel_offset[k] + wheel_carry[class][k] bytes after
 * crossing 0 (p = 30q + r). */
static const uint8_t wheel_offset[8] = {0, 6, 10, 12, 16, 18, 22, 28};

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
/* From n mod 30 to the next number on the wheel (n itself when it is on it). */
static const uint8_t wheel_advance[30] = {
    1, 0, 5, 4, 3, 2, 1, 0, 3, 2, 1, 0, 1, 0, 3, 2, 1, 0, 1, 0, 3, 2, 1, 0, 5, 4, 3, 2, 1, 0,
};

/* The bit crossing k of a prime of class c clears, and the byte step from crossing k to k + 1 (from
 * crossing 7 to crossing 0 of the next period: 2q + r - carry[7]) beyond q * wheel_gap[k]. */
#define CROSS_MASK(c, k) ((uint8_t)~(1u << wheel_bit[c][k]))
#define STEP_CARRY(c, k) \
    ((uint32_t)((k) < 7 ? wheel_carry[c][(k) + 1] - wheel_carry[c][k] : sieve_wheel_residue[c] - wheel_carry[c][7]))

/* The primes removed by pre-sieving, in groups whose patterns repeat every product-of-group bytes. */
#define PRESIEVE_LAST_PRIME 97u
static const uint16_t presieve_groups[][3] = {
    {7, 11, 13}, {17, 19, 23}, {29, 31, 1}, {37, 41, 1}, {43, 47, 1},
    {53, 59, 1}, {61, 67, 1},  {71, 73, 1}, {79, 83, 1}, {89, 97, 1},
};
#define PRESIEVE_GROUP_COUNT (sizeof presieve_groups / sizeof presieve_groups[0])
static const uint8_t presieve_primes[] = {7,  11, 13, 17, 19, 23, 29, 31, 37, 41, 43,
                                          47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};

/* Sieving primes up to this bound are kept in a list; a narrower range than SIEVE_NARROW_BYTES whose
 * sqrt(hi) lies beyond both the bound and the list streams its sieving primes instead. */
#define SIEVE_STORED_ROOT (1u << 26)
#define SIEVE_NARROW_BYTES (1u << 23)

/* Tuning (bytes of sieve; one byte holds 30 numbers). Measured on Zen 5 (L1d 48 KiB, L2 1 MiB); see
 * docs/performance.md. The environment variables exist for benchmarks and are read once per scratch. */
#define CHUNK_BYTES (32u * 1024)          /* small primes cross off one L1-sized chunk at a time */
#define SMALL_MAX_DEFAULT (CHUNK_BYTES / 2) /* p up to here is small: >= 2 periods per chunk */
#define MEDIUM_FACTOR_DEFAULT 1u            /* p up to segment * this is medium, beyond it big */
#define SEGMENT_MIN (1u << 12)
#define SEGMENT_MAX (1u << 22)

/* A small prime: q = p / 30 (its class is the list it is in) and the byte where its current period
 * (crossing 0) starts, relative to the current chunk; may be negative (the period began before). */
typedef struct small_prime {
    uint32_t q;
    int32_t b;
} small_prime;

/* A medium prime: q and (b << 3 | k): its next crossing is crossing k of a period, at byte b of the
 * current segment. */
typedef struct medium_prime {
    uint32_t q;
    uint32_t bk;
} medium_prime;

/* A big prime in a bucket: (q << 3 | class) and (b << 3 | k), b relative to the bucket's segment. */
typedef struct bucket_entry {
    uint32_t qc;
    uint32_t bk;
} bucket_entry;

#define BUCKET_ENTRIES 1023u
typedef struct bucket {
    struct bucket *next;
    uint32_t count;
    bucket_entry entry[BUCKET_ENTRIES];
} bucket;

/* Blocks of buckets are allocated in slabs and never freed before the scratch. */
#define BUCKETS_PER_SLAB 64u
typedef struct bucket_slab {
    struct bucket_slab *next;
    bucket bucket[BUCKETS_PER_SLAB];
} bucket_slab;

typedef struct prime_list {
    void *v;
    size_t n, cap;
} prime_list;

struct sieve_scratch {
    uint32_t *primes;       /* every prime from 7 up to primes_limit, ascending */
    size_t n_primes, cap_primes;
    uint64_t primes_limit;
    uint8_t *buffer;        /* pad + segment + pad */
    size_t buffer_cap, pad;
    uint8_t *pattern[PRESIEVE_GROUP_COUNT]; /* each pattern stored twice over, for wrap-free windows */
    uint32_t period[PRESIEVE_GROUP_COUNT];
    prime_list small[8];    /* the active small primes, by residue class */
    /* the active medium primes by generation, class and wheel position of the next crossing: a segment
     * reads generation medium_gen and files each prime under its new position in the other one, so the
     * primes of one list all enter the crossing loop at the same place (a predictable jump) */
    prime_list medium[2][8][8];
    unsigned medium_gen;
    bucket **ring;          /* ring[i & ring_mask]: the big primes whose next crossing is in segment i */
    size_t ring_size;
    bucket *free_buckets;
    bucket_slab *slabs;
    size_t segment_override;  /* PRIMES_SEGMENT_KIB, for benchmarks; 0: choose by the range */
    size_t small_max;         /* PRIMES_SIEVE_SMALL_MAX */
    size_t chunk_bytes;       /* PRIMES_SIEVE_CHUNK_KIB */
    unsigned medium_factor;   /* PRIMES_SIEVE_MEDIUM_FACTOR */
    uint8_t big_mask[64], big_carry[64]; /* per (class, position): mask and step carry of big primes */
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

static void *list_append(prime_list *l, size_t size)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = xrealloc(l->v, l->cap * size, "sieving primes");
    }
    return (char *)l->v + size * l->n++;
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
static void sieving_primes_extend(sieve_scratch *s, uint64_t limit)
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

/* Each pattern: bit k of byte b clear when 30b + residue[k] is a multiple of a prime of the group,
 * crossed off multiple by multiple (odd multiples only: the wheel holds no even number). */
static void presieve_build(sieve_scratch *s)
{
    for (size_t g = 0; g < PRESIEVE_GROUP_COUNT; g++) {
        uint32_t period = 1;
        for (int k = 0; k < 3; k++)
            period *= presieve_groups[g][k];
        uint8_t *pat = xmalloc(2 * (size_t)period, "pre-sieve pattern");
        memset(pat, 0xFF, period);
        for (int i = 0; i < 3; i++) {
            uint32_t p = presieve_groups[g][i];
            if (p == 1)
                continue;
            for (uint32_t v = p; v < 30 * period; v += 2 * p) {
                int k = wheel_index_of[v % 30];
                if (k >= 0)
                    pat[v / 30] &= (uint8_t)~(1u << k);
            }
        }
        memcpy(pat + period, pat, period);
        s->pattern[g] = pat;
        s->period[g] = period;
    }
}

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
    s->chunk_bytes = env_size("PRIMES_SIEVE_CHUNK_KIB", 4, 1024) * 1024;
    if (!s->chunk_bytes)
        s->chunk_bytes = CHUNK_BYTES;
    s->small_max = env_size("PRIMES_SIEVE_SMALL_MAX", 97, 1u << 20);
    if (!s->small_max)
        s->small_max = SMALL_MAX_DEFAULT;
    s->medium_factor = (unsigned)env_size("PRIMES_SIEVE_MEDIUM_FACTOR", 1, 64);
    if (!s->medium_factor)
        s->medium_factor = MEDIUM_FACTOR_DEFAULT;
    for (int c = 0; c < 8; c++)
        for (int k = 0; k < 8; k++) {
            s->big_mask[c * 8 + k] = CROSS_MASK(c, k);
            s->big_carry[c * 8 + k] = (uint8_t)STEP_CARRY(c, k);
        }
    return s;
}

void sieve_scratch_free(sieve_scratch *s)
{
    if (!s)
        return;
    for (size_t g = 0; g < PRESIEVE_GROUP_COUNT; g++)
        free(s->pattern[g]);
    for (int c = 0; c < 8; c++) {
        free(s->small[c].v);
        for (int k = 0; k < 8; k++) {
            free(s->medium[0][c][k].v);
            free(s->medium[1][c][k].v);
        }
    }
    while (s->slabs) {
        bucket_slab *next = s->slabs->next;
        free(s->slabs);
        s->slabs = next;
    }
    free(s->ring);
    free(s->primes);
    free(s->buffer);
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

/* Fills the segment with the AND of the pre-sieve patterns, starting at wheel byte base: one pass, in
 * runs during which no pattern window wraps (each pattern is stored twice over). */
static void presieve_segment(const sieve_scratch *s, uint8_t *restrict seg, size_t nbytes, uint64_t base)
{
    size_t off[PRESIEVE_GROUP_COUNT];
    for (size_t g = 0; g < PRESIEVE_GROUP_COUNT; g++)
        off[g] = (size_t)(base % s->period[g]);
    for (size_t pos = 0; pos < nbytes;) {
        size_t len = nbytes - pos;
        for (size_t g = 0; g < PRESIEVE_GROUP_COUNT; g++)
            if (2 * s->period[g] - off[g] < len)
                len = 2 * s->period[g] - off[g];
        const uint8_t *restrict w0 = s->pattern[0] + off[0], *restrict w1 = s->pattern[1] + off[1],
                                *restrict w2 = s->pattern[2] + off[2], *restrict w3 = s->pattern[3] + off[3],
                                *restrict w4 = s->pattern[4] + off[4], *restrict w5 = s->pattern[5] + off[5],
                                *restrict w6 = s->pattern[6] + off[6], *restrict w7 = s->pattern[7] + off[7],
                                *restrict w8 = s->pattern[8] + off[8], *restrict w9 = s->pattern[9] + off[9];
        uint8_t *restrict dst = seg + pos;
        for (size_t i = 0; i < len; i++)
            dst[i] = (uint8_t)(w0[i] & w1[i] & w2[i] & w3[i] & w4[i] & w5[i] & w6[i] & w7[i] & w8[i] & w9[i]);
        pos += len;
        for (size_t g = 0; g < PRESIEVE_GROUP_COUNT; g++)
            off[g] = (off[g] + len) % s->period[g];
    }
}

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* The 8 crossings of one period of a sieving prime 30q + r of wheel class c, x pointing at the first of
 * them: the offsets and masks are constants of the class. */
static ALWAYS_INLINE void cross_period(uint8_t *x, uint64_t q, const int c)
{
    x[0] &= CROSS_MASK(c, 0);
    x[q * 6 + wheel_carry[c][1]] &= CROSS_MASK(c, 1);
    x[q * 10 + wheel_carry[c][2]] &= CROSS_MASK(c, 2);
    x[q * 12 + wheel_carry[c][3]] &= CROSS_MASK(c, 3);
    x[q * 16 + wheel_carry[c][4]] &= CROSS_MASK(c, 4);
    x[q * 18 + wheel_carry[c][5]] &= CROSS_MASK(c, 5);
    x[q * 22 + wheel_carry[c][6]] &= CROSS_MASK(c, 6);
    x[q * 28 + wheel_carry[c][7]] &= CROSS_MASK(c, 7);
}

/* Every period of every small prime of class c that starts before byte n of the chunk: 8 crossings
 * each, unrolled, with no test between them (a period that reaches past n writes into the next chunk or
 * the padding: the same composites, crossed again or ignored). */
static ALWAYS_INLINE void small_cross(uint8_t *seg, int32_t n32, small_prime *sp, size_t count, const int c)
{
    const uint32_t r = sieve_wheel_residue[c];
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
    const uint32_t r = sieve_wheel_residue[c];
    for (size_t i = 0; i < count; i++) {
        const uint32_t q = sp[i].q;
        cross_period(seg + sp[i].b - (int32_t)(30 * q + r), q, c);
    }
}

/* Every crossing of every medium prime of class c inside [0, n): from the prime's wheel position to the
 * end of its period one tested crossing at a time, then whole periods of 8 untested crossings while the
 * period fits, then tested crossings up to n. Steps, offsets and masks are constants of the class. */
static ALWAYS_INLINE void medium_file(prime_list *out, uint32_t q, uint64_t b, unsigned k)
{
    prime_list *o = &out[k];
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 256;
        o->v = xrealloc(o->v, o->cap * sizeof(medium_prime), "sieving primes");
    }
    ((medium_prime *)o->v)[o->n++] = (medium_prime){q, (uint32_t)(b << 3) | k};
}

static ALWAYS_INLINE void medium_cross(uint8_t *seg, uint32_t n32, const medium_prime *mp, size_t count,
                                       prime_list *out, const int c)
{
    const uint64_t n = n32;
    const uint32_t r = sieve_wheel_residue[c];
    for (size_t i = 0; i < count; i++) {
        const uint64_t q = mp[i].q;
        uint64_t b = mp[i].bk >> 3;
        unsigned k = mp[i].bk & 7;
        if (b >= n) {
            medium_file(out, (uint32_t)q, b - n, k);
            continue;
        }
        const uint64_t s0 = q * 6 + STEP_CARRY(c, 0), s1 = q * 4 + STEP_CARRY(c, 1), s2 = q * 2 + STEP_CARRY(c, 2), s3 = q * 4 + STEP_CARRY(c, 3),
                       s4 = q * 2 + STEP_CARRY(c, 4), s5 = q * 4 + STEP_CARRY(c, 5), s6 = q * 6 + STEP_CARRY(c, 6),
                       s7 = q * 2 + STEP_CARRY(c, 7);
#define MEDIUM_TESTED(j)                                                                                    \
    if (b >= n) {                                                                                           \
        k = j;                                                                                              \
        goto done;                                                                                          \
    }                                                                                                       \
    seg[b] &= CROSS_MASK(c, j);                                                                             \
    b += s##j;
        switch (k) {
        case 1: goto h1;
        case 2: goto h2;
        case 3: goto h3;
        case 4: goto h4;
        case 5: goto h5;
        case 6: goto h6;
        case 7: goto h7;
        default: goto whole;
        }
    h1: MEDIUM_TESTED(1)
    h2: MEDIUM_TESTED(2)
    h3: MEDIUM_TESTED(3)
    h4: MEDIUM_TESTED(4)
    h5: MEDIUM_TESTED(5)
    h6: MEDIUM_TESTED(6)
    h7: MEDIUM_TESTED(7)
    whole: {
            const uint64_t p = 30 * q + r, o7 = q * 28 + wheel_carry[c][7];
            if (n > o7)
                for (const uint64_t limit = n - o7; b < limit; b += p)
                    cross_period(seg + b, q, c);
        }
        MEDIUM_TESTED(0)
        MEDIUM_TESTED(1)
        MEDIUM_TESTED(2)
        MEDIUM_TESTED(3)
        MEDIUM_TESTED(4)
        MEDIUM_TESTED(5)
        MEDIUM_TESTED(6)
        k = 7; /* crossing 7 of this period lies at or past n */
#undef MEDIUM_TESTED
    done:
        medium_file(out, (uint32_t)q, b - n, k);
    }
}

/* name_0 .. name_7: fn specialised for each residue class (the class a compile-time constant). */
#define PER_CLASS(name, fn, params, ...)                                                                \
    static void name##_0 params { fn(__VA_ARGS__, 0); } static void name##_1 params { fn(__VA_ARGS__, 1); } \
    static void name##_2 params { fn(__VA_ARGS__, 2); } static void name##_3 params { fn(__VA_ARGS__, 3); } \
    static void name##_4 params { fn(__VA_ARGS__, 4); } static void name##_5 params { fn(__VA_ARGS__, 5); } \
    static void name##_6 params { fn(__VA_ARGS__, 6); } static void name##_7 params { fn(__VA_ARGS__, 7); }

PER_CLASS(small_cross_class, small_cross, (uint8_t * seg, int32_t n, small_prime *sp, size_t count), seg, n, sp, count)
PER_CLASS(small_head_class, small_head, (uint8_t * seg, const small_prime *sp, size_t count), seg, sp, count)
PER_CLASS(medium_cross_class, medium_cross,
          (uint8_t * seg, uint32_t n, const medium_prime *mp, size_t count, prime_list *out), seg, n, mp, count, out)

typedef void (*small_cross_fn)(uint8_t *, int32_t, small_prime *, size_t);
typedef void (*small_head_fn)(uint8_t *, const small_prime *, size_t);
typedef void (*medium_cross_fn)(uint8_t *, uint32_t, const medium_prime *, size_t, prime_list *);
static const small_cross_fn small_cross_by_class[8] = {small_cross_class_0, small_cross_class_1, small_cross_class_2,
                                                       small_cross_class_3, small_cross_class_4, small_cross_class_5,
                                                       small_cross_class_6, small_cross_class_7};
static const small_head_fn small_head_by_class[8] = {small_head_class_0, small_head_class_1, small_head_class_2,
                                                     small_head_class_3, small_head_class_4, small_head_class_5,
                                                     small_head_class_6, small_head_class_7};
static const medium_cross_fn medium_cross_by_class[8] = {
    medium_cross_class_0, medium_cross_class_1, medium_cross_class_2, medium_cross_class_3,
    medium_cross_class_4, medium_cross_class_5, medium_cross_class_6, medium_cross_class_7};


static bucket *bucket_take(sieve_scratch *s)
{
    if (!s->free_buckets) {
        bucket_slab *slab = xmalloc(sizeof *slab, "sieve buckets");
        slab->next = s->slabs;
        s->slabs = slab;
        for (unsigned i = 0; i < BUCKETS_PER_SLAB; i++) {
            slab->bucket[i].next = s->free_buckets;
            s->free_buckets = &slab->bucket[i];
        }
    }
    bucket *b = s->free_buckets;
    s->free_buckets = b->next;
    b->count = 0;
    return b;
}

static inline void bucket_push(sieve_scratch *s, size_t slot, uint32_t qc, uint32_t bk)
{
    bucket *head = s->ring[slot];
    if (!head || head->count == BUCKET_ENTRIES) {
        bucket *fresh = bucket_take(s);
        fresh->next = head;
        s->ring[slot] = head = fresh;
    }
    head->entry[head->count++] = (bucket_entry){qc, bk};
}

/* Crosses off the big primes waiting for segment `index` (n bytes, a full segment is 1 << shift) and
 * files each under the segment of its next crossing; the last segment files nothing. */
static void big_cross(sieve_scratch *s, uint8_t *seg, uint32_t n, uint64_t index, unsigned shift, bool last)
{
    size_t mask = s->ring_size - 1;
    bucket *list = s->ring[index & mask];
    s->ring[index & mask] = NULL;
    const uint32_t low = (1u << shift) - 1;
    const uint8_t *big_mask = s->big_mask, *big_carry = s->big_carry;
    while (list) {
        const bucket_entry *e = list->entry;
        for (uint32_t i = 0, count = list->count; i < count; i++) {
            const uint32_t qc = e[i].qc, q = qc >> 3, cls = (qc & 7) << 3;
            uint32_t b = e[i].bk >> 3, k = e[i].bk & 7;
            while (b < n) {
                seg[b] &= big_mask[cls | k];
                b += q * wheel_gap[k] + big_carry[cls | k];
                k = (k + 1) & 7;
            }
            if (!last)
                bucket_push(s, (size_t)((index + (b >> shift)) & mask), qc, ((b & low) << 3) | k);
        }
        bucket *next = list->next;
        list->next = s->free_buckets;
        s->free_buckets = list;
        list = next;
    }
}

/* Returns every bucket still in the ring to the free list. */
static void buckets_drain(sieve_scratch *s)
{
    for (size_t i = 0; i < s->ring_size; i++)
        while (s->ring[i]) {
            bucket *next = s->ring[i]->next;
            s->ring[i]->next = s->free_buckets;
            s->free_buckets = s->ring[i];
            s->ring[i] = next;
        }
}

/* The first crossing of p at or after lo: the smallest p*m >= max(p*p, lo) with m on the wheel, as a
 * wheel byte and the position k of m. */
static inline uint64_t first_crossing(uint64_t p, uint64_t lo, unsigned *k)
{
    uint64_t m = lo / p + (lo % p != 0);
    if (m < p)
        m = p;
    m += wheel_advance[m % 30];
    *k = (unsigned)wheel_index_of[m % 30];
    return p * (m / 30) + p * sieve_wheel_residue[*k] / 30;  /* floor(p * m / 30) without overflow */
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

/* A narrow range far out (sqrt(hi) beyond the list): one segment, its sieving primes streamed from the
 * inner sieve instead of stored, so near 2^64 it needs kilobytes, not the 800 MB of all primes < 2^32. */
static void sieve_narrow_streamed(sieve_scratch *s, uint64_t lo, uint64_t hi, uint64_t root, sieve_visit visit,
                                  void *ctx)
{
    uint64_t base = lo / 30;
    size_t nbytes = (size_t)((hi - 1) / 30 + 1 - base);
    uint8_t *seg = segment_reserve(s, nbytes, 64);
    presieve_segment(s, seg, nbytes, base);
    for (size_t t = sizeof presieve_primes; t < s->n_primes && s->primes[t] <= root; t++)
        cross_off_once(seg, nbytes, base, lo, s->primes[t]);
    stream_ctx c = {seg, nbytes, base, lo};
    if (root > s->primes_limit)
        sieve_range(inner_sieve(s), s->primes_limit + 1, root + 1, cross_off_streamed, &c);
    segment_deliver(seg, nbytes, base, lo, hi, visit, ctx);
}

/* The geometry of one sieve_range call. */
typedef struct sweep {
    uint64_t lo, first_byte;
    size_t seg_bytes;        /* a full segment, a power of two */
    unsigned shift;          /* log2(seg_bytes) */
    uint32_t small_max, medium_max;
} sweep;

/* Adds sieving prime p to its loop, its first crossing counted from the segment at wheel byte seg_base
 * (segment number index). */
static void activate(sieve_scratch *s, const sweep *w, uint32_t p, uint64_t seg_base, uint64_t index)
{
    unsigned k;
    uint64_t rel = first_crossing(p, w->lo, &k) - seg_base;
    const uint32_t q = p / 30;
    const int c = wheel_index_of[p % 30];
    if (p <= w->small_max) {
        small_prime *sp = list_append(&s->small[c], sizeof *sp);
        sp->q = q;
        sp->b = (int32_t)((int64_t)rel - (int64_t)(q * wheel_offset[k] + wheel_carry[c][k]));
    } else if (p <= w->medium_max) {
        medium_file(s->medium[s->medium_gen][c], q, rel, k);
    } else {
        bucket_push(s, (size_t)((index + (rel >> w->shift)) & (s->ring_size - 1)), q << 3 | (uint32_t)c,
                    (uint32_t)((rel & (w->seg_bytes - 1)) << 3) | k);
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
    if (root > SIEVE_STORED_ROOT && root > s->primes_limit && end_byte - first_byte <= SIEVE_NARROW_BYTES) {
        sieving_primes_extend(s, 65535);
        sieve_narrow_streamed(s, lo, hi, root, visit, ctx);
        return;
    }
    sieving_primes_extend(s, root < 97 ? 97 : root);

    /* the sieving primes > 97 up to sqrt(hi - 1) */
    size_t next = sizeof presieve_primes;  /* the list starts at 7: its first 22 entries are pre-sieved */
    size_t end = next;
    while (end < s->n_primes && s->primes[end] <= root)
        end++;

    sweep w = {.lo = lo, .first_byte = first_byte};
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
    if (root > w.medium_max) {
        /* a big prime's next crossing is at most (root / 30) * 6 + 6 bytes ahead, plus one segment */
        size_t need = (size_t)((root / 5 + 8) >> w.shift) + 3, ring = 4;
        while (ring < need)
            ring *= 2;
        if (ring > s->ring_size) {
            buckets_drain(s);
            free(s->ring);
            s->ring = xcalloc(ring, sizeof *s->ring, "sieve buckets");
            s->ring_size = ring;
        }
    }

    uint64_t index = 0;
    for (uint64_t base = first_byte; base < end_byte; base += w.seg_bytes, index++) {
        size_t nbytes = end_byte - base < w.seg_bytes ? (size_t)(end_byte - base) : w.seg_bytes;
        bool last = base + nbytes == end_byte;
        presieve_segment(s, seg, nbytes, base);
        /* the small primes' periods cut short by the previous segment's end */
        if (index > 0)
            for (int c = 0; c < 8; c++)
                small_head_by_class[c](seg, s->small[c].v, s->small[c].n);
        /* the sieving primes whose square lies below this segment's end join */
        __extension__ unsigned __int128 seg_end = (unsigned __int128)30 * (base + nbytes);
        while (next < end && (uint64_t)s->primes[next] * s->primes[next] < seg_end)
            activate(s, &w, s->primes[next++], base, index);
        for (size_t at = 0; at < nbytes; at += s->chunk_bytes) {
            int32_t n = (int32_t)(nbytes - at < s->chunk_bytes ? nbytes - at : s->chunk_bytes);
            for (int c = 0; c < 8; c++)
                small_cross_by_class[c](seg + at, n, s->small[c].v, s->small[c].n);
        }
        unsigned gen = s->medium_gen;
        for (int c = 0; c < 8; c++)
            for (int k = 0; k < 8; k++) {
                prime_list *in = &s->medium[gen][c][k];
                medium_cross_by_class[c](seg, (uint32_t)nbytes, in->v, in->n, s->medium[gen ^ 1][c]);
                in->n = 0;
            }
        s->medium_gen = gen ^ 1;
        if (s->ring_size && root > w.medium_max)
            big_cross(s, seg, (uint32_t)nbytes, index, w.shift, last);
        segment_deliver(seg, nbytes, base, lo, hi, visit, ctx);
    }
    if (s->ring_size)
        buckets_drain(s);
}
