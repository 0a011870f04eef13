/* count.c: the `count` kernel, pi over [from, n): each worker's partial is a number of primes. */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "kernels/kernel.h"
#include "kernels/pi_exact.h"
#include "kernels/primes_each.h"
#include "kernels/range_chunk.h"
#include "kernels/verify.h"
#include "kernels/word_partial.h"
#include "kernels/work_rules.h"

typedef struct count_partial {
    uint64_t primes;          /* the word that is added (word_partial.h) */
    sieve_scratch *scratch;   /* the worker's sieve state, made on first use */
} count_partial;
static_assert(offsetof(count_partial, primes) == 0, "the added word comes first");

/* Eratosthenes: each prime p crosses out n / p numbers, sum 1/p ~ ln ln n. */
static double count_work(method_kind method, double n)
{
    return method == METHOD_SIEVE ? n * log(log(work_at_least_16(n))) : work_of_division(method, n);
}

/* --verify of a range far from 0 needs the prime-by-prime check, which only a narrow range affords. */
static int count_check(const job *j, char *error, size_t size)
{
    if (!j->verify_exact || verify_count_supported(j->from, j->n))
        return 0;
    snprintf(error, size,
             "--verify: the exact check of [%" PRIu64 ", %" PRIu64 ") is out of reach (allowed: n <= %" PRIu64
             ", or a range at most %u wide)",
             j->from, j->n, (uint64_t)PI_EXACT_MAX + 1, (unsigned)VERIFY_PRIME_BY_PRIME_WIDTH);
    return 2;
}

static void count_run_item(const job *j, const work_item *item, void *partial)
{
    count_partial *c = partial;
    if (j->method == METHOD_SIEVE && !c->scratch)
        c->scratch = sieve_scratch_new();
    c->primes += primes_count(c->scratch, j->method, item->lo, item->hi);
}

static void count_finish(const job *j, void *partial, result *r)
{
    memset(r, 0, sizeof *r);
    r->value = ((count_partial *)partial)->primes;
    if (fault_armed(FAULT_MISCOUNT, 0)) /* the failure path's test (faults.h) */
        r->value++;
    verify_prime_count(j, r->value, r);
}

static void count_release(void *partial)
{
    count_partial *c = partial;
    sieve_scratch_free(c->scratch);
    c->scratch = NULL;
}

const kernel kernel_count = {
    .name = "count",
    .summary = "count the primes in [from, n) (pi)",
    .default_n = 1000000000,
    .unit = "primes",
    .unit_one = "prime",
    .takes_method = true,
    .work = count_work,
    .check = count_check,
    .partial_size = sizeof(count_partial),
    .sum_words = 1,
    .default_chunk = range_count_chunk,
    .item_setup_s = range_item_setup_s,
    .init = word_partial_init,
    .run_item = count_run_item,
    .merge = word_partial_merge,
    .pack = word_partial_pack,
    .unpack = word_partial_unpack,
    .finish = count_finish,
    .release = count_release,
};
