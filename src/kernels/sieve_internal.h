/* sieve_internal.h: what the sieve's files share and nothing outside them may use: the mod-30 wheel tables,
 * the tuning bounds with the packing invariants they must keep, the sieving-prime records, the definition
 * of sieve_scratch, the inline helpers the crossing loops need, and each file's internal functions. The
 * tables are static here so that every file folds them to constants in the per-class loops. */
#ifndef PRIMES_SIEVE_INTERNAL_H
#define PRIMES_SIEVE_INTERNAL_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/sieve.h"
#include "xalloc.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* The wheel: sieve_wheel_residue (sieve.h) is defined from the same initializer, and wheel_residue is the
 * copy the loops read, visible to the compiler in every file. */
#define WHEEL_RESIDUES {1, 7, 11, 13, 17, 19, 23, 29}
static const uint8_t wheel_residue[] = WHEEL_RESIDUES;
static_assert(sizeof wheel_residue == 8, "the wheel has 8 residues, one bit of a byte each");

/* Gap from residue k to residue k+1 (the last one wraps to 31 = 30 + 1). */
static const uint8_t wheel_gap[] = {6, 4, 2, 4, 2, 4, 6, 2};
/* residue[k] - 1: crossing k of a period lies q * wheel_offset[k] + wheel_carry[class][k] bytes after
 * crossing 0 (p = 30q + r). */
static const uint8_t wheel_offset[] = {0, 6, 10, 12, 16, 18, 22, 28};
static_assert(sizeof wheel_gap == 8 && sizeof wheel_offset == 8, "one gap and one offset per wheel position");

/* For p = 30q + r with r the class's residue: the multiple p * (30j + R[k]) is the number
 * 30 * (p*j + q*R[k] + wheel_carry[class][k]) + R[wheel_bit[class][k]], where wheel_carry = floor(r*R[k]/30)
 * and wheel_bit is the wheel position of r*R[k] mod 30. */
static const uint8_t wheel_carry[][8] = {
    {0, 0, 0, 0, 0, 0, 0, 0},    {0, 1, 2, 3, 3, 4, 5, 6},     {0, 2, 4, 4, 6, 6, 8, 10},
    {0, 3, 4, 5, 7, 8, 9, 12},   {0, 3, 6, 7, 9, 10, 13, 16},  {0, 4, 6, 8, 10, 12, 14, 18},
    {0, 5, 8, 9, 13, 14, 17, 22}, {0, 6, 10, 12, 16, 18, 22, 28},
};
static const uint8_t wheel_bit[][8] = {
    {0, 1, 2, 3, 4, 5, 6, 7}, {1, 5, 4, 0, 7, 3, 2, 6}, {2, 4, 0, 6, 1, 7, 3, 5}, {3, 0, 6, 5, 2, 1, 7, 4},
    {4, 7, 1, 2, 5, 6, 0, 3}, {5, 3, 7, 1, 6, 0, 4, 2}, {6, 2, 3, 7, 0, 4, 5, 1}, {7, 6, 5, 4, 3, 2, 1, 0},
};
static_assert(sizeof wheel_carry == 64 && sizeof wheel_bit == 64,
              "one row per residue class, one column per position");

/* Wheel position of n mod 30, or -1 when n shares a factor with 30. */
static const int8_t wheel_index_of[] = {
    -1, 0, -1, -1, -1, -1, -1, 1, -1, -1, -1, 2, -1, 3, -1, -1, -1, 4, -1, 5, -1, -1, -1, 6, -1, -1, -1, -1, -1, 7,
};
/* From n mod 30 to the next number on the wheel (n itself when it is on it). */
static const uint8_t wheel_advance[] = {
    1, 0, 5, 4, 3, 2, 1, 0, 3, 2, 1, 0, 1, 0, 3, 2, 1, 0, 1, 0, 3, 2, 1, 0, 5, 4, 3, 2, 1, 0,
};
static_assert(sizeof wheel_index_of == 30 && sizeof wheel_advance == 30, "one entry per residue mod 30");

/* The bit crossing k of a prime of class c clears, and the byte step from crossing k to k + 1 (from
 * crossing 7 to crossing 0 of the next period: 2q + r - carry[7]) beyond q * wheel_gap[k]. */
#define CROSS_MASK(c, k) ((uint8_t)~(1u << wheel_bit[c][k]))
#define STEP_CARRY(c, k) \
    ((uint32_t)((k) < 7 ? wheel_carry[c][(k) + 1] - wheel_carry[c][k] : wheel_residue[c] - wheel_carry[c][7]))

/* Pre-sieving (sieve_presieve.c) removes the 22 primes 7..97, in 10 groups of patterns; the sieving-prime
 * list starts at 7, so its first PRESIEVE_PRIME_COUNT entries are the pre-sieved ones. */
#define PRESIEVE_LAST_PRIME 97u
#define PRESIEVE_PRIME_COUNT 22u
#define PRESIEVE_GROUP_COUNT 10u

/* Tuning (bytes of sieve; one byte holds 30 numbers). Measured on Zen 5 (L1d 48 KiB, L2 1 MiB); see
 * docs/performance.md. The environment variables exist for benchmarks and are read once per scratch. */
#define CHUNK_BYTES (32u * 1024)          /* small primes cross off one L1-sized chunk at a time */
#define SMALL_MAX_DEFAULT (CHUNK_BYTES / 2) /* p up to here is small: >= 2 periods per chunk */
#define MEDIUM_FACTOR_DEFAULT 1u            /* p up to segment * this is medium, beyond it big */
#define MEDIUM_FACTOR_MAX 64u               /* PRIMES_SIEVE_MEDIUM_FACTOR's largest value */
#define CHUNK_KIB_MAX 1024u                 /* PRIMES_SIEVE_CHUNK_KIB's largest value */
#define SEGMENT_MIN (1u << 12)
#define SEGMENT_MAX (1u << 22)

static_assert((SEGMENT_MIN & (SEGMENT_MIN - 1)) == 0 && (SEGMENT_MAX & (SEGMENT_MAX - 1)) == 0,
              "segments are powers of two: their shift is a ctz, their offset a mask");
static_assert(SEGMENT_MIN <= SEGMENT_MAX, "the segment bounds are ordered");
static_assert(SMALL_MAX_DEFAULT * 2 <= CHUNK_BYTES, "a default small prime has >= 2 periods in a chunk");
static_assert((uint64_t)CHUNK_KIB_MAX * 1024 <= INT32_MAX, "a chunk's length and offsets fit an int32_t");

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

static_assert(sizeof(small_prime) == 8 && sizeof(medium_prime) == 8 && sizeof(bucket_entry) == 8,
              "a sieving prime's record is two packed 32-bit words");
static_assert((uint64_t)SEGMENT_MAX * MEDIUM_FACTOR_MAX <= (1u << 29),
              "a medium prime's next byte (below max(segment, p)) fits the 29 bits above k");
static_assert(SEGMENT_MAX <= (1u << 29), "a bucket entry's byte within its segment fits the 29 bits above k");
static_assert(0xFFFFFFFFu / 30 < (1u << 29), "q of a sieving prime < 2^32 fits the 29 bits above its class");

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

static_assert(SEGMENT_MAX + 6 * (0xFFFFFFFFull / 30 + 1) <= 0xFFFFFFFFull,
              "big_cross's 32-bit byte offset cannot overflow on a step past the segment");
static_assert(BUCKETS_PER_SLAB >= 1, "a slab holds at least one bucket");

typedef struct prime_list {
    void *v;
    size_t n, cap;
} prime_list;

struct sieve_scratch {
    uint32_t *primes;       /* every prime from 7 up to primes_limit, ascending */
    size_t n_primes, cap_primes;
    uint64_t primes_limit;
    uint32_t *stream;       /* beyond the list: the current block of streamed sieving primes */
    size_t stream_n, stream_pos, stream_cap;
    uint64_t stream_next, stream_root; /* the next number the stream sieves, and its last */
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

/* name_0 .. name_7: fn specialised for each residue class (the class a compile-time constant). */
#define PER_CLASS(name, fn, params, ...)                                                                \
    static void name##_0 params { fn(__VA_ARGS__, 0); } static void name##_1 params { fn(__VA_ARGS__, 1); } \
    static void name##_2 params { fn(__VA_ARGS__, 2); } static void name##_3 params { fn(__VA_ARGS__, 3); } \
    static void name##_4 params { fn(__VA_ARGS__, 4); } static void name##_5 params { fn(__VA_ARGS__, 5); } \
    static void name##_6 params { fn(__VA_ARGS__, 6); } static void name##_7 params { fn(__VA_ARGS__, 7); }

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

/* Room for one more record of `size` bytes at the end of l (grown by doubling), returned. */
static ALWAYS_INLINE void *prime_list_append(prime_list *l, size_t size)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = xrealloc(l->v, l->cap * size, "sieving primes");
    }
    return (char *)l->v + size * l->n++;
}

/* Files a medium prime under the wheel position k of its next crossing, at byte b of the next segment
 * (out: the next generation's lists of its class). */
static ALWAYS_INLINE void medium_file(prime_list *out, uint32_t q, uint64_t b, unsigned k)
{
    *(medium_prime *)prime_list_append(&out[k], sizeof(medium_prime)) = (medium_prime){q, (uint32_t)(b << 3) | k};
}

/* sieve_buckets.c: the ring of per-segment bucket lists and the buckets' memory. */
bucket *bucket_take(sieve_scratch *s);
void buckets_drain(sieve_scratch *s);
void buckets_ring_reserve(sieve_scratch *s, uint64_t root, unsigned shift);
void buckets_free(sieve_scratch *s);

/* Files a big prime in the ring slot of the segment of its next crossing. */
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

/* x / p and x % p for x / p < 2^50 (p > x >> 50) from a double quotient, whose error is then under 1/4,
 * corrected by one step on the remainder, without a branch: a 64-bit integer division costs several
 * times as much, and far out every item divides by each of the 2e8 primes below 2^32. xd is (double)x,
 * which a caller dividing one x by many p converts once (from a uint64_t above 2^63 the conversion
 * branches); the quotient goes through int64_t, which it fits, for the same reason. */
static inline uint64_t div_below_2_50_from(uint64_t x, double xd, uint64_t p, uint64_t *rem)
{
    uint64_t q = (uint64_t)(int64_t)(xd / (double)p);
    int64_t r = (int64_t)(x - q * p);
    q -= r < 0;
    r += r < 0 ? (int64_t)p : 0;
    q += r >= (int64_t)p;
    r -= r >= (int64_t)p ? (int64_t)p : 0;
    *rem = (uint64_t)r;
    return q;
}

static inline uint64_t div_below_2_50(uint64_t x, uint64_t p, uint64_t *rem)
{
    return div_below_2_50_from(x, (double)x, p, rem);
}

/* The first crossing of p at or after lo: the smallest p*m >= max(p*p, lo) with m on the wheel, as a
 * wheel byte and the position k of m. */
static inline uint64_t first_crossing(uint64_t p, uint64_t lo, unsigned *k)
{
    uint64_t m, r;
    if ((lo >> 50) < p)
        m = div_below_2_50(lo, p, &r), m += r != 0;
    else
        m = lo / p + (lo % p != 0);
    if (m < p)
        m = p;
    m += wheel_advance[m % 30];
    *k = (unsigned)wheel_index_of[m % 30];
    return p * (m / 30) + p * wheel_residue[*k] / 30;  /* floor(p * m / 30) without overflow */
}

/* sieve_presieve.c: the patterns of 7..97. */
void presieve_build(sieve_scratch *s);
void presieve_free(sieve_scratch *s);
void presieve_segment(const sieve_scratch *s, uint8_t *restrict seg, size_t nbytes, uint64_t base);
void presieve_restore(uint8_t *seg, size_t nbytes, uint64_t base);

/* sieve_primes.c: the sieving primes, stored or streamed. The list holds primes up to this bound at most
 * (3.9 M primes, 16 MB); the stream sieves blocks of STREAM_BLOCK numbers (about 1.5 MB of primes). */
#define SIEVE_STORED_ROOT (1u << 26)
#define STREAM_BLOCK ((uint64_t)1 << 25)
void sieving_primes_extend(sieve_scratch *s, uint64_t limit);
void sieving_primes_free(sieve_scratch *s);
/* Starts the stream at `from` (beyond the list) up to root; then sieving_stream_peek gives the next
 * prime (0 when none is left) and s->stream_pos++ takes it. */
void sieving_stream_start(sieve_scratch *s, uint64_t from, uint64_t root);
uint32_t sieving_stream_refill(sieve_scratch *s);
static inline uint32_t sieving_stream_peek(sieve_scratch *s)
{
    return s->stream_pos < s->stream_n ? s->stream[s->stream_pos] : sieving_stream_refill(s);
}

/* sieve_small.c, sieve_medium.c, sieve_big.c: the three crossing-off loops, one segment at a time. */
void small_head_segment(sieve_scratch *s, uint8_t *seg);
void small_cross_segment(sieve_scratch *s, uint8_t *seg, size_t nbytes);
void medium_cross_segment(sieve_scratch *s, uint8_t *seg, size_t nbytes);
void big_tables_init(sieve_scratch *s);
void big_cross(sieve_scratch *s, uint8_t *seg, uint32_t n, uint64_t index, unsigned shift, uint64_t segments);

#endif
