/* spin.c: the `spin` kernel, the tutorials' CPU counting loop: one increment per number of [from, n),
 * in a loop the compiler may neither delete nor collapse into a closed form (counting.h: the counter
 * passes through an empty asm statement after every increment). Verified by the closed form n - from. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/counting.h"
#include "kernels/kernel.h"
#include "kernels/range_chunk.h"
#include "xalloc.h"

typedef struct spin_partial {
    uint64_t iterations;
} spin_partial;

static uint64_t spin_default_chunk(const job *j)
{
    return range_chunk(j, RANGE_CHUNK_ALIGN, 256);
}

static void spin_init(const job *j, void *partial)
{
    (void)j;
    memset(partial, 0, sizeof(spin_partial));
}

static void spin_run_item(const job *j, const work_item *item, void *partial)
{
    (void)j;
    ((spin_partial *)partial)->iterations += counting_loop(item->lo, item->hi);
}

static void spin_merge(const job *j, void *into, void *from)
{
    (void)j;
    ((spin_partial *)into)->iterations += ((spin_partial *)from)->iterations;
}

static void spin_complete(const job *j, void *partial)
{
    (void)j;
    (void)partial;
}

static size_t spin_pack(const void *partial, void **buf)
{
    *buf = xmalloc(sizeof(spin_partial), "packed iterations");
    memcpy(*buf, partial, sizeof(spin_partial));
    return sizeof(spin_partial);
}

static bool spin_unpack(const job *j, void *partial, const void *buf, size_t len)
{
    (void)j;
    if (len != sizeof(spin_partial))
        return false;
    memcpy(partial, buf, sizeof(spin_partial));
    return true;
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

static void spin_release(void *partial)
{
    (void)partial;
}

const kernel kernel_spin = {
    .name = "spin",
    .summary = "the tutorials' counting loop: one increment per number of [from, n)",
    .takes_method = false,
    .writes_output = false,
    .sum_words = 1,
    .max_width = 0,
    .partial_size = sizeof(spin_partial),
    .default_chunk = spin_default_chunk,
    .init = spin_init,
    .run_item = spin_run_item,
    .merge = spin_merge,
    .complete = spin_complete,
    .pack = spin_pack,
    .unpack = spin_unpack,
    .finish = spin_finish,
    .write_output = NULL,
    .release = spin_release,
};
