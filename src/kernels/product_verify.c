/* product_verify.c: product --verify (product_verify.h). The prime-by-prime method multiplies in its own
 * plain way, words of primes then a pairwise reduction of an array, so a defect in the run's product tree
 * (product_tree.c) cannot hide in the check. */
#include "kernels/product_verify.h"

#include <inttypes.h>
#include <stdlib.h>

#include "kernels/gmp_fingerprint.h"
#include "kernels/pi_exact.h"
#include "kernels/verify.h"
#include "xalloc.h"

product_verify_method product_verify_method_for(uint64_t from, uint64_t n)
{
    if (n <= from)
        return PRODUCT_VERIFY_PRIMORIAL;
    if (n - from <= VERIFY_PRIME_BY_PRIME_WIDTH && n - 1 > PRODUCT_VERIFY_PRIMORIAL_SMALL)
        return PRODUCT_VERIFY_PRIME_BY_PRIME;
    if (n - 1 <= PRODUCT_VERIFY_PRIMORIAL_ANY_FROM || from <= n / 8)
        return PRODUCT_VERIFY_PRIMORIAL;
    return PRODUCT_VERIFY_OUT_OF_REACH;
}

static void primorial_of_range(uint64_t from, uint64_t n, mpz_t out)
{
    mpz_set_ui(out, 1);
    if (n <= from || n < 3)
        return;
    mpz_primorial_ui(out, (unsigned long)(n - 1));
    if (from > 2) {
        mpz_t below;
        mpz_init(below);
        mpz_primorial_ui(below, (unsigned long)(from - 1));
        mpz_divexact(out, out, below);
        mpz_clear(below);
    }
}

/* Each prime is below 2^64; whole words are kept while the product of two fits (unsigned __int128). */
static void prime_by_prime_product(uint64_t from, uint64_t n, mpz_t out)
{
    size_t cap = 64, len = 0;
    mpz_t *factors = xmalloc(cap * sizeof *factors, "verification factors");
    uint64_t word = 1;
    for (uint64_t x = from; x < n; x++) {
        if (!prime_u64(x))
            continue;
        unsigned __int128 wide = (unsigned __int128)word * x;
        if ((wide >> 64) == 0) {
            word = (uint64_t)wide;
            continue;
        }
        if (len == cap) {
            cap *= 2;
            factors = xrealloc(factors, cap * sizeof *factors, "verification factors");
        }
        mpz_init_set_ui(factors[len++], word);
        word = x;
    }
    if (len == cap)
        factors = xrealloc(factors, ++cap * sizeof *factors, "verification factors");
    mpz_init_set_ui(factors[len++], word);
    for (size_t width = 1; width < len; width *= 2)
        for (size_t i = 0; i + width < len; i += 2 * width) {
            mpz_mul(factors[i], factors[i], factors[i + width]);
            mpz_clear(factors[i + width]);
        }
    mpz_swap(out, factors[0]);
    mpz_clear(factors[0]);
    free(factors);
}

void product_verify(const job *j, const mpz_t product, result *r)
{
    product_verify_method method = product_verify_method_for(j->from, j->n);
    mpz_t expected;
    mpz_init(expected);
    const char *how;
    if (method == PRODUCT_VERIFY_PRIME_BY_PRIME) {
        prime_by_prime_product(j->from, j->n, expected);
        how = "each prime of the range by Miller-Rabin, multiplied pairwise";
    } else {
        primorial_of_range(j->from, j->n, expected);
        how = "GMP's mpz_primorial_ui";
    }
    gmp_fingerprint want = gmp_fingerprint_of(expected), got = gmp_fingerprint_of(product);
    r->verify = VERIFY_EXACT;
    r->verify_ok = mpz_cmp(expected, product) == 0;
    if (r->verify_ok)
        snprintf(r->verify_detail, sizeof r->verify_detail, "equal to %s (%" PRIu64 " bits)", how, want.bits);
    else
        snprintf(r->verify_detail, sizeof r->verify_detail,
                 "%s has %" PRIu64 " bits, low64 %016" PRIx64 "; this run %" PRIu64 " bits, low64 %016" PRIx64, how,
                 want.bits, want.low64, got.bits, got.low64);
    mpz_clear(expected);
}
