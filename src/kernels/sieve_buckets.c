/* sieve_buckets.c: the buckets of the big sieving primes: the ring of per-segment bucket lists (sized
 * for the range), the free list, and the slabs the buckets come from, freed only with the scratch. */
#include "kernels/sieve_internal.h"

#include <stdlib.h>

bucket *bucket_take(sieve_scratch *s)
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

/* Returns every bucket still in the ring to the free list. */
void buckets_drain(sieve_scratch *s)
{
    for (size_t i = 0; i < s->ring_size; i++)
        while (s->ring[i]) {
            bucket *next = s->ring[i]->next;
            s->ring[i]->next = s->free_buckets;
            s->free_buckets = s->ring[i];
            s->ring[i] = next;
        }
}

/* Makes the ring (a power of two of slots) cover every segment a big prime up to root may next cross,
 * segments being 1 << shift bytes. */
void buckets_ring_reserve(sieve_scratch *s, uint64_t root, unsigned shift)
{
    /* a big prime's next crossing is at most (root / 30) * 6 + 6 bytes ahead, plus one segment */
    size_t need = (size_t)((root / 5 + 8) >> shift) + 3, ring = 4;
    while (ring < need)
        ring *= 2;
    if (ring > s->ring_size) {
        buckets_drain(s);
        free(s->ring);
        s->ring = xcalloc(ring, sizeof *s->ring, "sieve buckets");
        s->ring_size = ring;
    }
}

void buckets_free(sieve_scratch *s)
{
    while (s->slabs) {
        bucket_slab *next = s->slabs->next;
        free(s->slabs);
        s->slabs = next;
    }
    free(s->ring);
}
