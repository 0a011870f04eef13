/* primorial_peer.c: the peer of `primes product` in `make bench`: GMP's own mpz_primorial_ui, timed.
 *   primorial-peer [-r REPEAT] N     the product of the primes below N, i.e. mpz_primorial_ui(N - 1)
 *   primorial-peer --version         the GMP version it runs with
 * Prints one line per repetition: seconds (CLOCK_MONOTONIC around the call alone), bits of the result and
 * the result mod 2^64 in hex (to check it is the same number as ours). Exit status 2 on bad usage. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <gmp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int usage(FILE *out, int status)
{
    fprintf(out, "usage: primorial-peer [-r REPEAT] N | --version\n"
                 "Times GMP's mpz_primorial_ui(N - 1), the product of the primes below N (N >= 1, N < 2^32),\n"
                 "and prints per repetition: seconds bits low64-hex\n");
    return status;
}

/* A positive integer, written plainly or as 1e7-style powers of ten. */
static int parse_count(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (errno || *end || d < 1 || d > 4294967295.0 || d != (double)(unsigned long)d)
        return -1;
    *out = (unsigned long)d;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long repeat = 1, n = 0;
    int i = 1;
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
        return usage(stdout, 0);
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("GMP %s\n", gmp_version);
        return 0;
    }
    if (i + 1 < argc && strcmp(argv[i], "-r") == 0) {
        if (parse_count(argv[i + 1], &repeat) != 0)
            return usage(stderr, 2);
        i += 2;
    }
    if (i + 1 != argc || parse_count(argv[i], &n) != 0)
        return usage(stderr, 2);
    mpz_t x;
    mpz_init(x);
    for (unsigned long r = 0; r < repeat; r++) {
        double t0 = now();
        mpz_primorial_ui(x, n - 1);
        double t = now() - t0;
        uint64_t low = 0;
        for (size_t limb = 0; limb < mpz_size(x) && limb * GMP_NUMB_BITS < 64; limb++)
            low |= (uint64_t)mpz_getlimbn(x, (mp_size_t)limb) << (limb * GMP_NUMB_BITS);
        printf("%.9f %zu %016" PRIx64 "\n", t, mpz_sizeinbase(x, 2), low);
        fflush(stdout);
    }
    mpz_clear(x);
    return 0;
}
