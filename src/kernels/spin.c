/* spin.c: the `spin` kernel, the tutorials' CPU counting loop: one increment per number of [from, n),
 * in a loop the compiler may neither delete nor collapse into a closed form (counting.h: the counter
 * passes through an empty asm statement after every increment). Verified by the closed form n - from. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/counting.h"
#include "kernels/kernel.h"
#include "kernels/range_chunk.h"
#include "kernels/word_partial.h"

typedef struct spin_partial {
    uint64_t iterations;
} spin_partial;

static uint64_t spin_default_chunk(const job *j)
{
    return range_chunk(j, RANGE_CHUNK_ALIGN, 256);
}

static void spin_run_item(const job *j, const work_item *item, void *partial)
{
    (void)j;
    ((spin_partial *)partial)->iterations += counting_loop(item->lo, item->hi);
}

static void spin_finish(const job *j, void *partial, result *r)
{
    memset(r, 0, sizeof *r);
    r->value = ((spin_partial *)partial)->iterations;
    uint64_t expected = j->n > j->from ? j->n - j->from : 0;
    r->verify = VERIFY_EXACT;
    r->verify_ok = r->value == expected;
    if (r->verify_ok)
        snprintf(r->verify_detail, sizeof r->verify_detail, "closed form n - from = %" PRIu64, expected);
    else
        snprintf(r->verify_detail, sizeof r->verify_detail,
                 "closed form n - from = %" PRIu64 ", this run %" PRIu64, expected, r->value);
}

/* one increment per number */
static double spin_work(method_kind method, double n)
{
    (void)method;
    return n;
}

const kernel kernel_spin = {
    .name = "spin",
    .summary = "the tutorials' counting loop: one increment per number of [from, n)",
    .default_n = 387420489, /* 9^9, the tutorials' count */
    .unit = "iterations",
    .unit_one = "iteration",
    .work = spin_work,
    .partial_size = sizeof(spin_partial),
    .sum_words = 1,
    .default_chunk = spin_default_chunk,
    .init = word_partial_init,
    .run_item = spin_run_item,
    .merge = word_partial_merge,
    .pack = word_partial_pack,
    .unpack = word_partial_unpack,
    .finish = spin_finish,
};
