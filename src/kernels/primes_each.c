/* primes_each.c: enumerating and counting the primes of a range by sieve, trial or naive division. */
#include "kernels/primes_each.h"

#include <string.h>

#include "kernels/trial.h"

typedef struct each_ctx {
    prime_visit visit;
    void *ctx;
} each_ctx;

static void each_in_segment(void *ctx, const uint8_t *bytes, size_t nbytes, uint64_t base_byte)
{
    const each_ctx *e = ctx;
    sieve_segment_each(bytes, nbytes, base_byte, e->visit, e->ctx);
}

static void count_in_segment(void *ctx, const uint8_t *bytes, size_t nbytes, uint64_t base_byte)
{
    (void)base_byte;
    uint64_t *count = ctx, sum = 0;
    for (size_t w = 0; w < nbytes / 8; w++) {
        uint64_t word;
        memcpy(&word, bytes + 8 * w, sizeof word);
        sum += (uint64_t)__builtin_popcountll(word);
    }
    *count += sum;
}

static void each_by_division(method_kind method, uint64_t lo, uint64_t hi, prime_visit visit, void *ctx)
{
    for (uint64_t x = lo; x < hi; x++) {
        if (x > 2 && !(x & 1))
            continue;
        if (method == METHOD_TRIAL ? prime_by_trial(x) : prime_by_naive(x))
            visit(ctx, x);
    }
}

void primes_each(sieve_scratch *scratch, method_kind method, uint64_t lo, uint64_t hi, prime_visit visit,
                 void *ctx)
{
    if (method != METHOD_SIEVE) {
        each_by_division(method, lo, hi, visit, ctx);
        return;
    }
    uint64_t small[3];
    unsigned n_small = sieve_wheel_primes(lo, hi, small);
    for (unsigned i = 0; i < n_small; i++)
        visit(ctx, small[i]);
    each_ctx e = {visit, ctx};
    sieve_range(scratch, lo, hi, each_in_segment, &e);
}

static void count_one(void *ctx, uint64_t prime)
{
    (void)prime;
    ++*(uint64_t *)ctx;
}

uint64_t primes_count(sieve_scratch *scratch, method_kind method, uint64_t lo, uint64_t hi)
{
    uint64_t count = 0;
    if (method != METHOD_SIEVE) {
        each_by_division(method, lo, hi, count_one, &count);
        return count;
    }
    uint64_t small[3];
    count = sieve_wheel_primes(lo, hi, small);
    sieve_range(scratch, lo, hi, count_in_segment, &count);
    return count;
}
