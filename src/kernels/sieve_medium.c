/* sieve_medium.c: crossing off the medium sieving primes (above small_max, up to the segment size times
 * medium_factor): over the whole segment, specialised per residue class, the primes kept in lists by
 * wheel position of their next crossing and refiled after each segment, so the jump into the loop
 * predicts. */
#include "kernels/sieve_internal.h"

/* Every crossing of every medium prime of class c inside [0, n): from the prime's wheel position to the
 * end of its period one tested crossing at a time, then whole periods of 8 untested crossings while the
 * period fits, then tested crossings up to n. Steps, offsets and masks are constants of the class. */
static ALWAYS_INLINE void medium_cross(uint8_t *seg, uint32_t n32, const medium_prime *mp, size_t count,
                                       prime_list *out, const int c)
{
    const uint64_t n = n32;
    const uint32_t r = wheel_residue[c];
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

PER_CLASS(medium_cross_class, medium_cross,
          (uint8_t * seg, uint32_t n, const medium_prime *mp, size_t count, prime_list *out), seg, n, mp, count, out)

typedef void (*medium_cross_fn)(uint8_t *, uint32_t, const medium_prime *, size_t, prime_list *);
static const medium_cross_fn medium_cross_by_class[8] = {
    medium_cross_class_0, medium_cross_class_1, medium_cross_class_2, medium_cross_class_3,
    medium_cross_class_4, medium_cross_class_5, medium_cross_class_6, medium_cross_class_7};

/* Every medium prime over the segment of nbytes: each list of generation medium_gen in turn, its primes
 * refiled into the other generation, which the next segment reads. */
void medium_cross_segment(sieve_scratch *s, uint8_t *seg, size_t nbytes)
{
    unsigned gen = s->medium_gen;
    for (int c = 0; c < 8; c++)
        for (int k = 0; k < 8; k++) {
            prime_list *in = &s->medium[gen][c][k];
            medium_cross_by_class[c](seg, (uint32_t)nbytes, in->v, in->n, s->medium[gen ^ 1][c]);
            in->n = 0;
        }
    s->medium_gen = gen ^ 1;
}
