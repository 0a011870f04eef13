/* product.c: the `product` kernel, the exact product of the primes in [from, n) with GMP. Each worker's
 * primes go into a product tree (product_tree.c: words, leaves, multiplications of similar sizes); the
 * result is summarised as primes, bits, exact decimal digits, low64 and mod 2^61-1 (gmp_fingerprint.c).
 * For models that share the combining between workers (kernel.h): settle collapses a worker's tree on
 * that worker, and the merge of two large products splits into independent halves,
 * a * b = a * b_lo + (a * b_hi) << k, joined by one addition. */
#include <stdio.h> /* before gmp.h: it declares mpz_out_str only then */
#include <gmp.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "kernels/gmp_fingerprint.h"
#include "kernels/kernel.h"
#include "kernels/primes_each.h"
#include "kernels/product_tree.h"
#include "kernels/product_verify.h"
#include "kernels/range_chunk.h"
#include "kernels/work_rules.h"
#include "kernels/verify.h"
#include "xalloc.h"

typedef struct product_partial {
    product_tree tree;
    sieve_scratch *scratch;
} product_partial;

/* The level at which the merges during the items stop: nodes of about ITEMS_PER_NODE items' primes (a
 * node of level L holds 2^L leaves of LEAF_WORDS words; the primes of k numbers take about k / ln 2 bits).
 * The merges above it wait for the collapse, which every worker does at once (settle), pairing the nodes
 * smallest first. So what a worker has left after its last item follows the primes it took, not where its
 * binary counter of leaves happened to stand, and the workers' collapses take about equal times: at 1e7 on
 * two workers the runs took 5-10% less. Smaller nodes (1 item) balanced as well but left more of the work
 * to the collapse, outside the dynamic schedule. */
#define ITEMS_PER_NODE 8

static unsigned carry_limit_for(const job *j)
{
    if (!j || j->chunk == 0)
        return UINT_MAX;
    double leaves = ITEMS_PER_NODE * (double)j->chunk / M_LN2 / (64.0 * PRODUCT_TREE_LEAF_WORDS);
    unsigned level = 0;
    while (level < 48 && ldexp(1.0, (int)level + 1) <= leaves)
        level++;
    return level;
}

static void product_init(const job *j, void *partial)
{
    product_partial *p = partial;
    product_tree_init(&p->tree, carry_limit_for(j));
    p->scratch = NULL;
}

static void product_run_item(const job *j, const work_item *item, void *partial)
{
    product_partial *p = partial;
    if (j->method == METHOD_SIEVE && !p->scratch)
        p->scratch = sieve_scratch_new();
    primes_each(p->scratch, j->method, item->lo, item->hi, product_tree_add, &p->tree);
}

static void product_merge(const job *j, void *into_partial, void *from_partial)
{
    (void)j;
    product_partial *into = into_partial, *from = from_partial;
    product_tree_collapse(&into->tree);
    product_tree_collapse(&from->tree);
    into->tree.primes += from->tree.primes;
    mpz_mul(into->tree.stack[0].value, into->tree.stack[0].value, from->tree.stack[0].value);
}

static void product_complete(const job *j, void *partial)
{
    (void)j;
    product_tree_collapse(&((product_partial *)partial)->tree);
}

static void product_settle(const job *j, void *partial)
{
    (void)j;
    product_tree_collapse(&((product_partial *)partial)->tree);
}

/* Split merges: only for settled partials whose smaller factor is past GMP's FFT threshold (below it a
 * split costs more than it saves), into the number of slices of the larger factor the model asks for. */
#define PRODUCT_SPLIT_MIN_LIMBS 8192
#define PRODUCT_SPLIT_MAX_PARTS 64

static bool settled(const product_partial *p)
{
    return product_tree_settled(&p->tree);
}

/* The factor that is sliced (the larger, `from` on a tie) and the other one. */
static void split_operands(const product_partial *into, const product_partial *from, const __mpz_struct **sliced,
                           const __mpz_struct **whole)
{
    const __mpz_struct *a = into->tree.stack[0].value, *b = from->tree.stack[0].value;
    bool slice_b = mpz_size(b) >= mpz_size(a);
    *sliced = slice_b ? b : a;
    *whole = slice_b ? a : b;
}

/* Slice `part` of `parts`: limbs [*first, *first + *count) of a factor of `limbs` limbs. */
static void slice_bounds(size_t limbs, unsigned part, unsigned parts, size_t *first, size_t *count)
{
    *first = limbs * part / parts;
    *count = limbs * (part + 1) / parts - *first;
}

static unsigned product_merge_parts(const job *j, const void *into_partial, const void *from_partial)
{
    (void)j;
    const product_partial *into = into_partial, *from = from_partial;
    if (!settled(into) || !settled(from))
        return 1;
    size_t a = mpz_size(into->tree.stack[0].value), b = mpz_size(from->tree.stack[0].value);
    return (a < b ? a : b) >= PRODUCT_SPLIT_MIN_LIMBS ? 2 : 1;
}

static void product_merge_part(const job *j, const void *into_partial, const void *from_partial, unsigned part,
                               unsigned parts, void *out_partial)
{
    (void)j;
    const product_partial *into = into_partial, *from = from_partial;
    product_partial *out = out_partial;
    const __mpz_struct *sliced, *whole;
    split_operands(into, from, &sliced, &whole);
    size_t first, count;
    slice_bounds(mpz_size(sliced), part, parts, &first, &count);
    mpz_t slice, value;
    mpz_roinit_n(slice, mpz_limbs_read(sliced) + first, (mp_size_t)count); /* a view: no copy */
    mpz_init(value);
    mpz_mul(value, whole, slice);
    product_tree_push(&out->tree, value, 0);
    mpz_clear(value);
}

static void product_merge_join(const job *j, void *into_partial, void *from_partial, void *const *outs,
                               unsigned parts)
{
    (void)j;
    product_partial *into = into_partial, *from = from_partial;
    const __mpz_struct *sliced, *whole;
    split_operands(into, from, &sliced, &whole);
    size_t total = mpz_size(sliced) + mpz_size(whole);
    /* the sum is built in part 0's number, which already holds the lowest limbs */
    product_partial *low = outs[0];
    product_tree_collapse(&low->tree);
    __mpz_struct *sum = low->tree.stack[0].value;
    size_t have = mpz_size(sum);
    mp_limb_t *rp = mpz_limbs_modify(sum, (mp_size_t)total);
    for (size_t i = have; i < total; i++)
        rp[i] = 0;
    for (unsigned part = 1; part < parts; part++) {
        product_partial *o = outs[part];
        product_tree_collapse(&o->tree);
        size_t first, count, on = mpz_size(o->tree.stack[0].value);
        slice_bounds(mpz_size(sliced), part, parts, &first, &count);
        if (on > 0)
            mpn_add(rp + first, rp + first, (mp_size_t)(total - first), mpz_limbs_read(o->tree.stack[0].value),
                    (mp_size_t)on);
    }
    mpz_limbs_finish(sum, (mp_size_t)total);
    mpz_swap(into->tree.stack[0].value, sum);
    into->tree.primes += from->tree.primes;
}

/* Packed form: primes (8 bytes, little endian), then the product's magnitude as little-endian bytes.
 * On little-endian hosts with 64-bit limbs those bytes are the limbs themselves: one memcpy each way
 * (mpz_export/import by bytes is several times slower, and under fork and MPI it is on the serial path). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && GMP_LIMB_BITS == 64 && GMP_NAIL_BITS == 0
#define PRODUCT_LIMBS_ARE_BYTES 1
#else
#define PRODUCT_LIMBS_ARE_BYTES 0
#endif

static size_t product_pack(const job *j, const void *partial, void **buf)
{
    (void)j;
    product_partial *p = (product_partial *)partial;
    product_tree_collapse(&p->tree);
    const __mpz_struct *x = p->tree.stack[0].value;
    size_t magnitude = mpz_sgn(x) ? (mpz_sizeinbase(x, 2) + 7) / 8 : 0;
    unsigned char *out = xmalloc(8 + magnitude + 1, "packed product");
    for (int i = 0; i < 8; i++)
        out[i] = (unsigned char)(p->tree.primes >> (8 * i));
    size_t written = 0;
    if (PRODUCT_LIMBS_ARE_BYTES) {
        if (magnitude)
            memcpy(out + 8, mpz_limbs_read(x), magnitude);
        written = magnitude;
    } else {
        mpz_export(out + 8, &written, -1, 1, -1, 0, x);
    }
    *buf = out;
    return 8 + written;
}

static bool product_unpack(const job *j, void *partial, const void *buf, size_t len)
{
    (void)j;
    product_partial *p = partial;
    const unsigned char *in = buf;
    if (len < 8)
        return false;
    uint64_t primes = 0;
    for (int i = 0; i < 8; i++)
        primes |= (uint64_t)in[i] << (8 * i);
    p->tree.primes = primes;
    mpz_t value;
    mpz_init(value);
    size_t bytes = len - 8;
    if (PRODUCT_LIMBS_ARE_BYTES && bytes > 0) {
        size_t limbs = (bytes + 7) / 8;
        mp_limb_t *rp = mpz_limbs_write(value, (mp_size_t)limbs);
        rp[limbs - 1] = 0;
        memcpy(rp, in + 8, bytes);
        mpz_limbs_finish(value, (mp_size_t)limbs);
    } else {
        mpz_import(value, bytes, -1, 1, -1, 0, in + 8);
    }
    product_tree_push(&p->tree, value, 0);
    mpz_clear(value);
    return true;
}

/* --verify of a range far above 2^24 and narrow next to n needs the prime-by-prime check. */
static int product_check(const job *j, char *error, size_t size)
{
    if (!j->verify_exact || product_verify_method_for(j->from, j->n) != PRODUCT_VERIFY_OUT_OF_REACH)
        return 0;
    snprintf(error, size,
             "--verify: the exact check of [%" PRIu64 ", %" PRIu64 ") is out of reach (allowed: n <= %" PRIu64
             ", from <= n/8, or a range at most %u wide)",
             j->from, j->n, PRODUCT_VERIFY_PRIMORIAL_ANY_FROM + 1, (unsigned)VERIFY_PRIME_BY_PRIME_WIDTH);
    return 2;
}

static void product_finish(const job *j, void *partial, result *r)
{
    product_partial *p = partial;
    memset(r, 0, sizeof *r);
    product_tree_collapse(&p->tree);
    __mpz_struct *x = p->tree.stack[0].value;
    if (fault_armed(FAULT_MISCOUNT, 0)) { /* the failure path's test (faults.h): one prime 2 too many */
        mpz_mul_2exp(x, x, 1);
        p->tree.primes++;
    }
    r->value = p->tree.primes;
    r->is_product = true;
    gmp_fingerprint print = gmp_fingerprint_of(x);
    r->bits = print.bits;
    r->digits = gmp_decimal_digits(x);
    r->low64 = print.low64;
    r->mod_m61 = print.mod_m61;
    if (j->verify_exact) {
        product_verify(j, x, r);
    } else {
        verify_prime_count(j, r->value, r);
        if (r->verify == VERIFY_TABLE && r->verify_ok) {
            size_t len = strlen(r->verify_detail);
            snprintf(r->verify_detail + len, sizeof r->verify_detail - len,
                     " (--verify checks the product itself)");
        }
    }
}

static int product_write_output(const job *j, const void *partial, FILE *out, bool hex)
{
    (void)j;
    product_partial *p = (product_partial *)partial;
    product_tree_collapse(&p->tree);
    int failed = mpz_out_str(out, hex ? 16 : 10, p->tree.stack[0].value) == 0 || fputc('\n', out) == EOF;
    return failed ? -1 : 0;
}

static void product_release(void *partial)
{
    product_partial *p = partial;
    product_tree_clear(&p->tree);
    sieve_scratch_free(p->scratch);
    p->scratch = NULL;
}

/* A product tree of FFT multiplications: ~1.44 n bits in all, N log N per level, log N levels; the
 * division methods as for counting. */
static double product_work(method_kind method, double n)
{
    double m = work_at_least_16(n);
    return method == METHOD_SIEVE ? n * log2(m) * log2(m) : work_of_division(method, n);
}

/* Peak memory over the result's size, measured at 1e8 (docs/performance.md, "Memory"): one worker 5.9
 * (the last multiplication: both factors, the result and GMP's FFT scratch, about 3.5 times the result),
 * two workers 8.1-8.8 in one process (the split merge's two halves multiply at once); with margin. */
#define PRODUCT_PEAK_ONE_WORKER 6.5
#define PRODUCT_PEAK_WORKERS 9.5
#define PRODUCT_PEAK_BASE_BYTES (64.0 * 1024 * 1024) /* the program, the sieve, the trees' small nodes */

static double product_peak_bytes(const job *j, unsigned workers, char *how, size_t size)
{
    /* log2 of the primes' product in [from, n) is about (n - from) / ln 2 (theta(x) ~ x) */
    double result = (double)(j->n - j->from) / M_LN2 / 8;
    double factor = workers > 1 ? PRODUCT_PEAK_WORKERS : PRODUCT_PEAK_ONE_WORKER;
    snprintf(how, size, "%.1f x its %.2f GiB result, as measured", factor, result / (1u << 30));
    return factor * result + PRODUCT_PEAK_BASE_BYTES;
}

static const kernel_split_merge product_split = {
    .settle = product_settle,
    .parts = product_merge_parts,
    .part = product_merge_part,
    .join = product_merge_join,
};

const kernel kernel_product = {
    .name = "product",
    .summary = "the exact product of the primes in [from, n) (GMP)",
    .default_n = 1000000,
    .unit = "primes",
    .unit_one = "prime",
    .takes_method = true,
    .writes_output = true,
    .max_width = UINT64_C(10000000000),
    .work = product_work,
    .check = product_check,
    .partial_size = sizeof(product_partial),
    .default_chunk = range_product_chunk,
    .item_setup_s = range_item_setup_s,
    .init = product_init,
    .run_item = product_run_item,
    .merge = product_merge,
    .pack = product_pack,
    .unpack = product_unpack,
    .finish = product_finish,
    .complete = product_complete,
    .release = product_release,
    .write_output = product_write_output,
    .split = &product_split,
    .peak_bytes = product_peak_bytes,
};
