/* count.c: the `count` kernel, pi over [from, n): each worker's partial is a number of primes. */
#include <stdlib.h>
#include <string.h>

#include "kernels/kernel.h"
#include "kernels/primes_each.h"
#include "kernels/range_chunk.h"
#include "kernels/verify.h"
#include "xalloc.h"

typedef struct count_partial {
    uint64_t primes;
    sieve_scratch *scratch;   /* the worker's sieve state, made on first use */
} count_partial;

static void count_init(const job *j, void *partial)
{
    (void)j;
    memset(partial, 0, sizeof(count_partial));
}

static void count_run_item(const job *j, const work_item *item, void *partial)
{
    count_partial *c = partial;
    if (j->method == METHOD_SIEVE && !c->scratch)
        c->scratch = sieve_scratch_new();
    c->primes += primes_count(c->scratch, j->method, item->lo, item->hi);
}

static void count_merge(const job *j, void *into, void *from)
{
    (void)j;
    ((count_partial *)into)->primes += ((count_partial *)from)->primes;
}

static void count_complete(const job *j, void *partial)
{
    (void)j;
    (void)partial;
}

static size_t count_pack(const void *partial, void **buf)
{
    *buf = xmalloc(sizeof(uint64_t), "packed count");
    memcpy(*buf, &((const count_partial *)partial)->primes, sizeof(uint64_t));
    return sizeof(uint64_t);
}

static bool count_unpack(const job *j, void *partial, const void *buf, size_t len)
{
    (void)j;
    if (len != sizeof(uint64_t))
        return false;
    memcpy(&((count_partial *)partial)->primes, buf, sizeof(uint64_t));
    return true;
}

static void count_finish(const job *j, void *partial, result *r)
{
    memset(r, 0, sizeof *r);
    r->value = ((count_partial *)partial)->primes;
    /* test hook: PRIMES_FAULT=miscount reports one prime too many, to test the failure path (tests/cli) */
    const char *fault = getenv("PRIMES_FAULT");
    if (fault && strcmp(fault, "miscount") == 0)
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
    .takes_method = true,
    .writes_output = false,
    .sum_words = 1,
    .max_width = 0,
    .partial_size = sizeof(count_partial),
    .default_chunk = range_count_chunk,
    .init = count_init,
    .run_item = count_run_item,
    .merge = count_merge,
    .complete = count_complete,
    .pack = count_pack,
    .unpack = count_unpack,
    .finish = count_finish,
    .write_output = NULL,
    .release = count_release,
};
