/* pi_exact.c: owns pi_exact, an exact prime count by the Lagarias-Miller-Odlyzko form of the
 * Meissel-Lehmer method, and prime_u64, a deterministic Miller-Rabin test for 64-bit integers.
 *
 * The method. Let y be a little above cbrt(x) (12 cbrt(x), or sqrt(x) if smaller), p_1 < p_2 < ...
 * the primes, a = pi(y) and phi(t, b) the count of 1 <= k <= t with no prime factor among p_1..p_b.
 * Since y >= cbrt(x), no number <= x has three prime factors above y, and
 *     pi(x) = phi(x, a) + a - 1 - P2,   P2 = sum over primes y < p <= sqrt(x) of (pi(x/p) - pi(p) + 1).
 * Unrolling phi(t, b) = phi(t, b-1) - phi(t/p_b, b-1) down to a small c, and stopping wherever the
 * accumulated divisor n passes y, splits phi(x, a) into
 *     ordinary leaves  S1 = sum over squarefree n <= y with lpf(n) > p_c of mu(n) phi(x/n, c),
 *     special leaves   S2 = sum over c < b < a, squarefree n with lpf(n) > p_b and y < n p_b, n <= y,
 *                           of -mu(n) phi(x/(n p_b), b-1).
 * phi(t, c) comes from a table over one period of the primorial p_1...p_c. Every special leaf has
 * v = x/(n p_b) <= z = x/y. When v < p_b^2 the leaf is easy: the numbers counted by phi(v, b-1) are 1
 * and the primes in [p_b, v], so phi(v, b-1) = 1 for v < p_b and pi(v) - b + 2 otherwise.
 *   - For p_b^2 > z every leaf is easy and v < y (n is then a prime), so pi(v) comes from a table up
 *     to y, and the runs of n sharing one pi(v) are counted at once.
 *   - The leaves of smaller p_b, and P2, are taken while [1, z] is walked in segments. Each segment
 *     gets a plain sieve of Eratosthenes, giving pi(v) there for P2 and easy leaves, and a second
 *     bitmap sieved by p_1, p_2, ... in turn with a Fenwick tree over its 64-bit words, so that
 *     phi(v, b-1) of a hard leaf (v >= p_b^2) is the count carried from earlier segments plus a
 *     prefix count in this one.
 * Both bitmaps hold odd numbers only: bit i of a segment starting at the even number low stands for
 * low + 2i + 1. The primes up to sqrt(x), pi up to y, and mu and the least prime factor up to y come
 * from the plain sieves in this file; nothing is shared with the rest of the project, and nothing is
 * kept between calls.
 */
#include "kernels/pi_exact.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

/* ---------------------------------------------------------------- Miller-Rabin ------------------ */

static uint64_t mulmod_u64(uint64_t a, uint64_t b, uint64_t m)
{
    return (uint64_t)((u128)a * b % m);
}

static uint64_t powmod_u64(uint64_t base, uint64_t exponent, uint64_t m)
{
    uint64_t result = 1 % m;
    base %= m;
    while (exponent) {
        if (exponent & 1)
            result = mulmod_u64(result, base, m);
        base = mulmod_u64(base, base, m);
        exponent >>= 1;
    }
    return result;
}

/* n odd, n > 3, base reduced mod n and nonzero: is n a strong probable prime to this base? */
static bool strong_probable_prime(uint64_t n, uint64_t base)
{
    uint64_t d = n - 1;
    unsigned s = 0;
    while ((d & 1) == 0) {
        d >>= 1;
        s++;
    }
    uint64_t t = powmod_u64(base, d, n);
    if (t == 1 || t == n - 1)
        return true;
    for (unsigned r = 1; r < s; r++) {
        t = mulmod_u64(t, t, n);
        if (t == n - 1)
            return true;
        if (t == 1)
            return false;
    }
    return false;
}

bool prime_u64(uint64_t x)
{
    static const uint32_t small_primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    /* A strong probable prime to all seven bases is prime for every n < 2^64 (a base that n divides
     * is skipped: it says nothing about n). */
    static const uint64_t bases[] = {2, 325, 9375, 28178, 450775, 9780504, 1795265022};

    if (x < 2)
        return false;
    for (size_t i = 0; i < sizeof small_primes / sizeof small_primes[0]; i++) {
        if (x == small_primes[i])
            return true;
        if (x % small_primes[i] == 0)
            return false;
    }
    if (x < 41 * 41)  /* no factor up to 37, so no factor up to sqrt(x) */
        return true;
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        uint64_t base = bases[i] % x;
        if (base == 0)
            continue;
        if (!strong_probable_prime(x, base))
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- integer roots ----------------- */

/* Largest r with r * r <= x, by bisection (integer only, called a handful of times per pi_exact). */
static uint64_t floor_sqrt_u64(uint64_t x)
{
    uint64_t lo = 0, hi = UINT64_C(0xFFFFFFFF);    /* answer in [lo, hi] */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if (mid * mid <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Largest r with r * r * r <= x, by bisection. */
static uint64_t floor_cbrt_u64(uint64_t x)
{
    uint64_t lo = 0, hi = 2642245;                  /* 2642245^3 < 2^64 < 2642246^3 */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if (mid * mid * mid <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* ---------------------------------------------------------------- small helpers ----------------- */

static void *checked_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p)
        abort();
    return p;
}

/* Mask of bits 0..(i % 64) of a word. */
static inline uint64_t low_bits_through(uint64_t i)
{
    return ((uint64_t)2 << (i & 63)) - 1;
}

/* Primes up to limit (limit >= 2), by a plain sieve of Eratosthenes over the odd numbers.
 * Returns an array with a placeholder at index 0 and p_k at index k; *count gets pi(limit). */
static uint32_t *primes_up_to(uint64_t limit, size_t *count)
{
    size_t odd_count = (size_t)(limit - 1) / 2;           /* odd numbers 3, 5, ..., <= limit */
    unsigned char *odd_composite = checked_calloc(odd_count + 1, 1);  /* index i <-> 2i + 3 */
    for (uint64_t p = 3; p * p <= limit; p += 2) {
        if (odd_composite[(p - 3) / 2])
            continue;
        for (uint64_t m = p * p; m <= limit; m += 2 * p)
            odd_composite[(m - 3) / 2] = 1;
    }
    size_t n = 1;  /* the prime 2 */
    for (size_t i = 0; i < odd_count; i++)
        n += !odd_composite[i];
    uint32_t *primes = checked_calloc(n + 1, sizeof *primes);
    size_t k = 0;
    primes[++k] = 2;
    for (size_t i = 0; i < odd_count; i++)
        if (!odd_composite[i])
            primes[++k] = (uint32_t)(2 * i + 3);
    free(odd_composite);
    *count = n;
    return primes;
}

/* The index of the last prime <= v in primes[1..count] (0 if none). */
static size_t prime_index_at_most(const uint32_t *primes, size_t count, uint64_t v)
{
    size_t lo = 0, hi = count;   /* answer in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (primes[mid] <= v)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* ---------------------------------------------------------------- Fenwick tree over words -------- */

/* tree[1..words]: tree[i] holds the set bits of words (i - lowbit(i), i] (1-based word numbers). */
static void fenwick_build(uint32_t *tree, const uint64_t *bits, size_t words)
{
    for (size_t i = 1; i <= words; i++)
        tree[i] = (uint32_t)__builtin_popcountll(bits[i - 1]);
    for (size_t i = 1; i <= words; i++) {
        size_t parent = i + (i & (~i + 1));
        if (parent <= words)
            tree[parent] += tree[i];
    }
}

/* Set bits in words 0..word-1. */
static inline uint64_t fenwick_words_before(const uint32_t *tree, size_t word)
{
    uint64_t sum = 0;
    for (size_t i = word; i > 0; i &= i - 1)
        sum += tree[i];
    return sum;
}

static inline void fenwick_remove_one(uint32_t *tree, size_t words, size_t word)
{
    for (size_t i = word + 1; i <= words; i += i & (~i + 1))
        tree[i]--;
}

/* ---------------------------------------------------------------- the computation --------------- */

typedef struct {
    uint64_t x, y, z;          /* z = x / y: every special leaf and every x/p of P2 is <= z */
    uint32_t *primes;          /* primes[k] = p_k for 1 <= k <= prime_count, all primes <= sqrt(x) */
    size_t prime_count;
    size_t a;                  /* pi(y) */
    size_t c;                  /* phi(t, c) from the primorial table */
    uint32_t *pi_small;        /* pi(n) for n <= y */
    int32_t *mu_lpf;           /* n <= y: 0 if n is not squarefree, else mu(n) * lpf(n); n = 1: INT32_MAX */
} lmo_setup;

/* pi_small and mu_lpf up to y, from a least-prime-factor sieve. */
static void build_small_tables(lmo_setup *s)
{
    size_t y = (size_t)s->y;
    s->pi_small = checked_calloc(y + 1, sizeof *s->pi_small);
    s->mu_lpf = checked_calloc(y + 1, sizeof *s->mu_lpf);
    uint32_t *lpf = checked_calloc(y + 1, sizeof *lpf);
    signed char *mu = checked_calloc(y + 1, 1);
    for (size_t n = 1; n <= y; n++)
        mu[n] = 1;
    for (size_t p = 2; p <= y; p++) {
        if (lpf[p])
            continue;  /* composite */
        for (size_t m = p; m <= y; m += p) {
            if (!lpf[m])
                lpf[m] = (uint32_t)p;
            mu[m] = (signed char)-mu[m];
        }
        if ((uint64_t)p * p <= y)
            for (size_t m = p * p; m <= y; m += p * p)
                mu[m] = 0;
    }
    uint32_t running = 0;
    for (size_t n = 1; n <= y; n++) {
        if (n >= 2 && lpf[n] == n)
            running++;
        s->pi_small[n] = running;
        s->mu_lpf[n] = n == 1 ? INT32_MAX : mu[n] * (int32_t)lpf[n];
    }
    free(lpf);
    free(mu);
}

/* S1: the ordinary leaves, with phi(t, c) = (t / P) phi(P) + table[t % P], P = p_1 ... p_c. */
static int64_t ordinary_leaves(const lmo_setup *s)
{
    uint64_t period = 1;
    for (size_t k = 1; k <= s->c; k++)
        period *= s->primes[k];
    uint32_t *coprime_upto = checked_calloc((size_t)period, sizeof *coprime_upto);
    uint32_t running = 0;
    for (uint64_t r = 0; r < period; r++) {  /* coprime_upto[r] = #{1 <= k <= r : gcd(k, P) = 1} */
        bool coprime = r > 0;
        for (size_t k = 1; k <= s->c && coprime; k++)
            coprime = r % s->primes[k] != 0;
        running += coprime;
        coprime_upto[r] = running;
    }
    uint64_t totient = running;  /* c >= 1, so P > 1 and P itself is not coprime to P */

    uint64_t p_c = s->primes[s->c];
    int64_t sum = 0;
    for (uint64_t n = 1; n <= s->y; n++) {
        int32_t ml = s->mu_lpf[n];
        if (ml == 0 || (uint64_t)(ml < 0 ? -(int64_t)ml : ml) <= p_c)
            continue;
        uint64_t t = s->x / n;
        int64_t phi = (int64_t)((t / period) * totient + coprime_upto[t % period]);
        sum += ml > 0 ? phi : -phi;
    }
    free(coprime_upto);
    return sum;
}

/* The special leaves of every b >= b_easy (p_b^2 > z): n is a prime in (p_b, y] (p_b^2 > z >= y) and
 * v = x/(p_b n) <= x/p_b^2 < x/z <= y, so phi(v, b-1) = 1 for v < p_b and pi(v) - b + 2 otherwise, with
 * pi(v) from the small table. Walking n down (v up), the n that share one value of pi(v) form a run
 * that is counted at once. */
static int64_t easy_special_leaves(const lmo_setup *s, size_t b_easy)
{
    int64_t sum = 0;
    for (size_t b = b_easy; b + 1 <= s->a; b++) {
        uint64_t p = s->primes[b], xp = s->x / p;
        size_t j = s->a;                        /* n = p_j, from the largest prime <= y down */
        /* n > xp / p gives v < p: those leaves count 1 each. */
        uint64_t n_small_v = xp / p;
        size_t j_small_v = n_small_v >= s->y ? s->a : s->pi_small[n_small_v];
        if (j_small_v < b)
            j_small_v = b;
        sum += (int64_t)(j - j_small_v);
        j = j_small_v;
        while (j > b) {
            uint64_t v = xp / s->primes[j];
            size_t k = s->pi_small[v];           /* p_k <= v < p_(k+1) */
            size_t j_end = b;                    /* the run: n > xp / p_(k+1) */
            if (k + 1 <= s->prime_count) {
                uint64_t n_bound = xp / s->primes[k + 1];
                if (n_bound < s->y && s->pi_small[n_bound] > j_end)
                    j_end = s->pi_small[n_bound];
            }
            sum += (int64_t)(j - j_end) * (int64_t)(k - b + 2);
            j = j_end;
        }
    }
    return sum;
}

/* One segment [low, high) of [0, z + 1): low even, its odd numbers in `words` 64-bit words. */
typedef struct {
    uint64_t low, high;
    size_t words;
    uint64_t *prime_bits;      /* plain sieve: bit set <=> odd prime */
    uint32_t *prime_before;    /* odd primes in words before this one */
    uint64_t primes_below;     /* pi(low - 1), counting 2 */
    uint64_t *phi_bits;        /* bit set <=> coprime to p_1..p_(b-1) at step b */
    uint32_t *phi_tree;        /* Fenwick tree over phi_bits */
} segment;

/* pi(v) for low <= v < high, v >= 2. */
static inline uint64_t segment_pi(const segment *g, uint64_t v)
{
    if (v == g->low)
        return g->primes_below;
    uint64_t i = (v - g->low - 1) / 2;
    return g->primes_below + g->prime_before[i >> 6]
           + (uint64_t)__builtin_popcountll(g->prime_bits[i >> 6] & low_bits_through(i));
}

/* Numbers in [low, v] still set in phi_bits, for low <= v < high. */
static inline uint64_t segment_phi_count(const segment *g, uint64_t v)
{
    if (v == g->low)
        return 0;
    uint64_t i = (v - g->low - 1) / 2;
    return fenwick_words_before(g->phi_tree, (size_t)(i >> 6))
           + (uint64_t)__builtin_popcountll(g->phi_bits[i >> 6] & low_bits_through(i));
}

/* phi(v, b-1) for a special leaf v in this segment, p = p_b, phi_bits sieved by p_1..p_(b-1) and
 * phi_before_b = phi(low - 1, b - 1). Below p_b^2 only 1 and the primes >= p_b are left. */
static inline uint64_t leaf_phi(const segment *g, uint64_t v, uint64_t p, size_t b, uint64_t phi_before_b)
{
    if (v < p)
        return 1;
    if (v < p * p)
        return segment_pi(g, v) - b + 2;
    return phi_before_b + segment_phi_count(g, v);
}

/* Bit index of the first odd multiple of odd p that is >= max(low + 1, start). */
static inline uint64_t first_odd_multiple_index(uint64_t low, uint64_t p, uint64_t start)
{
    uint64_t from = start > low + 1 ? start : low + 1;
    uint64_t m = (from + p - 1) / p * p;
    if ((m & 1) == 0)
        m += p;
    return (m - low - 1) / 2;
}

static void sieve_segment_primes(segment *g, const lmo_setup *s)
{
    uint64_t bit_count = (g->high - g->low) / 2;
    memset(g->prime_bits, 0xFF, g->words * sizeof *g->prime_bits);
    if (g->low == 0)
        g->prime_bits[0] &= ~(uint64_t)1;  /* 1 is not prime */
    for (size_t k = 2; k <= s->prime_count; k++) {
        uint64_t p = s->primes[k];
        if (p * p >= g->high)
            break;
        for (uint64_t i = first_odd_multiple_index(g->low, p, p * p); i < bit_count; i += p)
            g->prime_bits[i >> 6] &= ~((uint64_t)1 << (i & 63));
    }
    uint32_t running = 0;
    for (size_t w = 0; w < g->words; w++) {
        g->prime_before[w] = running;
        running += (uint32_t)__builtin_popcountll(g->prime_bits[w]);
    }
}

/* Clears the multiples of p (p itself included) from phi_bits; with update_tree, keeps the tree. */
static void sieve_segment_phi(segment *g, uint64_t p, bool update_tree)
{
    uint64_t bit_count = (g->high - g->low) / 2;
    for (uint64_t i = first_odd_multiple_index(g->low, p, p); i < bit_count; i += p) {
        uint64_t mask = (uint64_t)1 << (i & 63);
        if (g->phi_bits[i >> 6] & mask) {
            g->phi_bits[i >> 6] &= ~mask;
            if (update_tree)
                fenwick_remove_one(g->phi_tree, g->words, (size_t)(i >> 6));
        }
    }
}

static uint64_t pi_lmo(uint64_t x, double alpha, uint64_t segment_numbers)
{
    lmo_setup s;
    memset(&s, 0, sizeof s);
    s.x = x;
    uint64_t root2 = floor_sqrt_u64(x), root3 = floor_cbrt_u64(x);
    double y_wanted = alpha * (double)root3;
    s.y = y_wanted > (double)root2 ? root2 : (uint64_t)y_wanted;
    if (s.y < root3)
        s.y = root3;
    if (s.y < 2)
        s.y = 2;             /* x >= 4 here, so y <= sqrt(x) still */
    s.z = x / s.y;
    s.primes = primes_up_to(root2, &s.prime_count);
    build_small_tables(&s);
    s.a = s.pi_small[s.y];
    s.c = 0;                 /* largest c <= min(a, 7) with p_1...p_c <= y */
    for (uint64_t period = 1; s.c < s.a && s.c < 7 && period * s.primes[s.c + 1] <= s.y;)
        period *= s.primes[++s.c];

    int64_t s1 = ordinary_leaves(&s);

    /* The first b whose leaves are all easy: p_b^2 > z. Hard leaves need b below it. */
    size_t b_easy = prime_index_at_most(s.primes, s.prime_count, floor_sqrt_u64(s.z)) + 1;
    if (b_easy < s.c + 1)
        b_easy = s.c + 1;
    size_t b_last = s.a - 1;   /* special leaves need a prime n in (p_b, y], so b < a */
    size_t b_hard_end = b_easy - 1 < b_last ? b_easy - 1 : b_last;

    uint64_t seg_len = segment_numbers;
    if (seg_len > s.z + 1)
        seg_len = (s.z + 1 + 127) / 128 * 128;
    segment g;
    memset(&g, 0, sizeof g);
    g.words = (size_t)(seg_len / 128);
    g.prime_bits = checked_calloc(g.words, sizeof *g.prime_bits);
    g.prime_before = checked_calloc(g.words, sizeof *g.prime_before);
    g.phi_bits = checked_calloc(g.words, sizeof *g.phi_bits);
    g.phi_tree = checked_calloc(g.words + 1, sizeof *g.phi_tree);
    g.primes_below = 1;  /* the prime 2, outside the odd bitmaps */
    uint64_t *phi_before = checked_calloc(s.a + 1, sizeof *phi_before);  /* phi(low - 1, b - 1) */

    int64_t s2 = 0;
    uint64_t p2 = 0;
    size_t p2_index = s.prime_count;   /* P2 walks p from sqrt(x) down, so x/p goes up */

    for (uint64_t low = 0; low <= s.z; low += seg_len) {
        g.low = low;
        g.high = low + seg_len;
        sieve_segment_primes(&g, &s);

        while (p2_index > s.a) {
            uint64_t v = x / s.primes[p2_index];
            if (v >= g.high)
                break;
            p2 += segment_pi(&g, v) - (p2_index - 1);
            p2_index--;
        }

        /* b from c + 1 to b_hard_end: phi_bits sieved by p_1..p_(b-1) at step b. The n of the leaves
         * in this segment: v = xp / n in [low, high) and n p > y, i.e. n_lo < n <= n_hi. */
        if (s.c + 1 <= b_hard_end) {
            memset(g.phi_bits, 0xFF, g.words * sizeof *g.phi_bits);
            for (size_t k = 2; k <= s.c; k++)
                sieve_segment_phi(&g, s.primes[k], false);
            fenwick_build(g.phi_tree, g.phi_bits, g.words);
        }
        for (size_t b = s.c + 1; b <= b_hard_end; b++) {
            uint64_t p = s.primes[b], xp = x / p;
            uint64_t n_hi = low == 0 ? s.y : xp / low;
            if (n_hi > s.y)
                n_hi = s.y;
            uint64_t n_lo = xp / g.high;
            if (n_lo < s.y / p)
                n_lo = s.y / p;
            int64_t sum = 0;
            if (n_hi > n_lo) {
                if (p * p <= s.y) {
                    for (uint64_t n = n_hi; n > n_lo; n--) {
                        int32_t ml = s.mu_lpf[n];
                        if (ml == 0 || (uint64_t)(ml < 0 ? -(int64_t)ml : ml) <= p)
                            continue;
                        int64_t phi = (int64_t)leaf_phi(&g, xp / n, p, b, phi_before[b]);
                        sum += ml > 0 ? -phi : phi;
                    }
                } else {
                    size_t j_hi = s.pi_small[n_hi], j_lo = s.pi_small[n_lo];
                    if (j_lo < b)
                        j_lo = b;
                    for (size_t j = j_hi; j > j_lo; j--)   /* n = p_j prime: mu(n) = -1 */
                        sum += (int64_t)leaf_phi(&g, xp / s.primes[j], p, b, phi_before[b]);
                }
            }
            s2 += sum;
            phi_before[b] += fenwick_words_before(g.phi_tree, g.words);
            if (b < b_hard_end)
                sieve_segment_phi(&g, p, true);
        }

        g.primes_below += g.prime_before[g.words - 1]
                          + (uint64_t)__builtin_popcountll(g.prime_bits[g.words - 1]);
    }

    s2 += easy_special_leaves(&s, b_easy);
    uint64_t result = (uint64_t)(s1 + s2) + s.a - 1 - p2;

    free(phi_before);
    free(g.prime_bits);
    free(g.prime_before);
    free(g.phi_bits);
    free(g.phi_tree);
    free(s.primes);
    free(s.pi_small);
    free(s.mu_lpf);
    return result;
}

uint64_t pi_exact_tuned(uint64_t x, double alpha, uint64_t segment_numbers)
{
    if (x > PI_EXACT_MAX || !(alpha > 0 && alpha < 1e6) || segment_numbers < 128 || segment_numbers % 128
        || segment_numbers > (UINT64_C(1) << 32))
        abort();
    if (x < 4)
        return x < 2 ? 0 : x - 1;
    return pi_lmo(x, alpha, segment_numbers);
}

uint64_t pi_exact(uint64_t x)
{
    /* y = 12 cbrt(x) and segments of 2^19 numbers (two 32 KiB bitmaps) measured fastest here. */
    return pi_exact_tuned(x, 12.0, UINT64_C(1) << 19);
}
