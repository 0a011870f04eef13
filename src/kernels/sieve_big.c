/* sieve_big.c: crossing off the big sieving primes (beyond the medium ones): a segment crosses only the
 * primes waiting in its bucket list of the ring, each at most a few times, and files each one under the
 * segment of its next crossing (the buckets themselves: sieve_buckets.c). */
#include "kernels/sieve_internal.h"

/* The per (class, position) masks and step carries that big_cross reads (its class is not a constant). */
void big_tables_init(sieve_scratch *s)
{
    for (int c = 0; c < 8; c++)
        for (int k = 0; k < 8; k++) {
            s->big_mask[c * 8 + k] = CROSS_MASK(c, k);
            s->big_carry[c * 8 + k] = (uint8_t)STEP_CARRY(c, k);
        }
}

/* Crosses off the big primes waiting for segment `index` (n bytes, a full segment is 1 << shift) and
 * files each under the segment of its next crossing, or drops it when that lies past the range's last
 * segment (far out most big primes cross a range once, or not at all). */
void big_cross(sieve_scratch *s, uint8_t *seg, uint32_t n, uint64_t index, unsigned shift, uint64_t segments)
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
            if (index + (b >> shift) < segments)
                bucket_push(s, (size_t)((index + (b >> shift)) & mask), qc, ((b & low) << 3) | k);
        }
        bucket *next = list->next;
        list->next = s->free_buckets;
        s->free_buckets = list;
        list = next;
    }
}
