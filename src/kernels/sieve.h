/* sieve.h: a segmented Sieve of Eratosthenes on a mod-30 wheel over any range [lo, hi) below 2^64.
 * A byte holds the 30 numbers 30b + {1,7,11,13,17,19,23,29}, one bit each; 2, 3 and 5 are outside the
 * wheel and reported by sieve_wheel_primes. Memory: the sieving primes up to sqrt(hi) plus one segment. */
#ifndef PRIMES_SIEVE_H
#define PRIMES_SIEVE_H

#include <stddef.h>
#include <stdint.h>

#define SIEVE_MAX_ITEM_BYTES 0xFFFFFFF0u   /* one sieve_range call covers at most this many wheel bytes */

extern const uint8_t sieve_wheel_residue[8];

/* Per-worker state: sieving primes, crossing offsets, pre-sieve patterns, the segment buffer. */
typedef struct sieve_scratch sieve_scratch;

/* Receives one segment: bit k of bytes[i] set <=> 30 * (base_byte + i) + residue[k] is a prime >= 7 in
 * [lo, hi). nbytes is a multiple of 8 (zero padded) so the visitor may read whole 64-bit words. */
typedef void (*sieve_visit)(void *ctx, const uint8_t *bytes, size_t nbytes, uint64_t base_byte);

sieve_scratch *sieve_scratch_new(void);
void sieve_scratch_free(sieve_scratch *s);

/* Sieves [lo, hi), segment by segment, in increasing order. (hi - lo) / 30 < SIEVE_MAX_ITEM_BYTES. */
void sieve_range(sieve_scratch *s, uint64_t lo, uint64_t hi, sieve_visit visit, void *ctx);

/* The primes 2, 3, 5 that lie in [lo, hi), ascending, into out; returns how many. */
unsigned sieve_wheel_primes(uint64_t lo, uint64_t hi, uint64_t out[3]);

/* The offset within a 64-bit word of a segment (8 bytes, 240 numbers) of the number its bit b stands
 * for: 30 * (b / 8) + residue[b % 8]. */
extern const uint8_t sieve_word_bit_offset[64];

/* The number that bit `bit` (0..63) of 64-bit word `word` of a segment stands for. */
static inline uint64_t sieve_word_bit_value(uint64_t base_byte, size_t word, unsigned bit)
{
    return 30 * (base_byte + word * 8) + sieve_word_bit_offset[bit];
}

/* Calls each(ctx, p) for every prime p of a segment handed to a visitor, in increasing order. */
static inline void sieve_segment_each(const uint8_t *bytes, size_t nbytes, uint64_t base_byte,
                                      void (*each)(void *ctx, uint64_t prime), void *ctx)
{
    for (size_t w = 0; w < nbytes / 8; w++) {
        uint64_t word;
        __builtin_memcpy(&word, bytes + 8 * w, sizeof word);
        const uint64_t first = 30 * (base_byte + w * 8);
        for (; word; word &= word - 1)
            each(ctx, first + sieve_word_bit_offset[__builtin_ctzll(word)]);
    }
}

/* Floor of the square root of x, exact for every 64-bit x. */
uint64_t isqrt_u64(uint64_t x);

#endif
