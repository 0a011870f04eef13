/* sieve_presieve.c: the pre-sieve of the primes 7..97: their patterns (built once per scratch), filling a
 * segment with the AND of the patterns in place of crossing them off, and putting the primes themselves
 * back into the segment that holds them. */
#include "kernels/sieve_internal.h"

#include <stdlib.h>
#include <string.h>

/* The primes removed by pre-sieving, in groups whose patterns repeat every product-of-group bytes. */
static const uint16_t presieve_groups[][3] = {
    {7, 11, 13}, {17, 19, 23}, {29, 31, 1}, {37, 41, 1}, {43, 47, 1},
    {53, 59, 1}, {61, 67, 1},  {71, 73, 1}, {79, 83, 1}, {89, 97, 1},
};
static const uint8_t presieve_primes[] = {7,  11, 13, 17, 19, 23, 29, 31, 37, 41, 43,
                                          47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};

static_assert(sizeof presieve_groups / sizeof presieve_groups[0] == PRESIEVE_GROUP_COUNT,
              "PRESIEVE_GROUP_COUNT counts the pattern groups");
static_assert(PRESIEVE_GROUP_COUNT == 10, "presieve_segment ANDs exactly ten pattern windows");
static_assert(sizeof presieve_primes == PRESIEVE_PRIME_COUNT, "PRESIEVE_PRIME_COUNT counts the primes 7..97");

/* Each pattern: bit k of byte b clear when 30b + residue[k] is a multiple of a prime of the group,
 * crossed off multiple by multiple (odd multiples only: the wheel holds no even number). */
void presieve_build(sieve_scratch *s)
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

void presieve_free(sieve_scratch *s)
{
    for (size_t g = 0; g < PRESIEVE_GROUP_COUNT; g++)
        free(s->pattern[g]);
}

/* Fills the segment with the AND of the pre-sieve patterns, starting at wheel byte base: one pass, in
 * runs during which no pattern window wraps (each pattern is stored twice over). */
void presieve_segment(const sieve_scratch *s, uint8_t *restrict seg, size_t nbytes, uint64_t base)
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

/* In a segment starting at wheel byte base (30 * base <= PRESIEVE_LAST_PRIME): clears 1 and sets the
 * bits of 7..97 again, which their own patterns cleared. */
void presieve_restore(uint8_t *seg, size_t nbytes, uint64_t base)
{
    if (base == 0)
        seg[0] &= (uint8_t)~1u;
    for (size_t i = 0; i < sizeof presieve_primes; i++) {
        uint64_t b = presieve_primes[i] / 30;
        if (b >= base && b < base + nbytes)
            seg[b - base] |= (uint8_t)(1u << wheel_index_of[presieve_primes[i] % 30]);
    }
}
