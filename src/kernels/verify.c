/* verify.c: verification of prime counts. The table covers ranges whose ends are powers of 10 or 2; the
 * exact check uses the combinatorial pi(x) of pi_exact.c (no code shared with the sieve), or, for narrow
 * ranges beyond its reach, a deterministic Miller-Rabin test of every candidate. */
#include "kernels/verify.h"

#include <inttypes.h>
#include <stdio.h>

#include "kernels/pi_exact.h"
#include "kernels/pi_table.h"

bool verify_count_supported(uint64_t from, uint64_t n)
{
    return n <= from || n - 1 <= PI_EXACT_MAX || n - from <= VERIFY_PRIME_BY_PRIME_WIDTH;
}

static uint64_t primes_below_exact(uint64_t x)
{
    return x == 0 ? 0 : pi_exact(x - 1);
}

static uint64_t primes_in_range_exact(uint64_t from, uint64_t n)
{
    if (n <= from)
        return 0;
    if (n - 1 <= PI_EXACT_MAX)
        return primes_below_exact(n) - primes_below_exact(from);
    uint64_t count = 0;
    for (uint64_t x = from; x < n; x++)
        count += prime_u64(x);
    return count;
}

static void describe_range(const job *j, char *buf, size_t size)
{
    snprintf(buf, size, "[%" PRIu64 ", %" PRIu64 ")", j->from, j->n);
}

void verify_prime_count(const job *j, uint64_t count, result *r)
{
    char range[64];
    describe_range(j, range, sizeof range);
    if (j->verify_exact && verify_count_supported(j->from, j->n)) {
        uint64_t expected = primes_in_range_exact(j->from, j->n);
        r->verify = VERIFY_EXACT;
        r->verify_ok = expected == count;
        const char *how = j->n == 0 || j->n - 1 <= PI_EXACT_MAX ? "Meissel-Lehmer pi(x)" : "Miller-Rabin";
        if (r->verify_ok)
            snprintf(r->verify_detail, sizeof r->verify_detail, "%s counts %" PRIu64 " primes in %s", how, expected,
                     range);
        else
            snprintf(r->verify_detail, sizeof r->verify_detail,
                     "%s counts %" PRIu64 " primes in %s, this run %" PRIu64, how, expected, range, count);
        return;
    }
    uint64_t below_n, below_from = 0;
    const char *label_n, *label_from = "0";
    if (pi_table_below(j->n, &below_n, &label_n) && pi_table_below(j->from, &below_from, &label_from) &&
        below_n >= below_from) {
        uint64_t expected = below_n - below_from;
        r->verify = VERIFY_TABLE;
        r->verify_ok = expected == count;
        if (j->from == 0)
            snprintf(r->verify_detail, sizeof r->verify_detail, "%" PRIu64 " primes below %s", expected, label_n);
        else
            snprintf(r->verify_detail, sizeof r->verify_detail, "%" PRIu64 " primes in [%s, %s)", expected,
                     label_from, label_n);
        if (!r->verify_ok) {
            size_t len = 0;
            while (r->verify_detail[len])
                len++;
            snprintf(r->verify_detail + len, sizeof r->verify_detail - len, ", this run %" PRIu64, count);
        }
        return;
    }
    r->verify = VERIFY_NONE;
    r->verify_ok = false;
    snprintf(r->verify_detail, sizeof r->verify_detail, "no table entry for %s (--verify checks it exactly)",
             range);
}
