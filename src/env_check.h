/* env_check.h: the environment variables a run obeys, checked before it as strictly as the options they
 * stand beside (one line naming the value and what is allowed, exit 2), because the runtimes that read
 * them later crash, exit 1 or quietly fall back on a bad one. */
#ifndef PRIMES_ENV_CHECK_H
#define PRIMES_ENV_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* OMP_STACKSIZE's bounds. Below: the workers multiply with GMP, whose scratch space is alloca'd in blocks
 * of up to 64 KiB, nested (toom53 in a worker's settle overflowed a 64K stack, 32K crashed every sieve;
 * libgomp's own minimum, 16K, crashed too), so 1M leaves a wide margin. Above: a stack per thread that
 * every thread count allowed still gets (64G made libgomp exit 1 on thread creation on a 24 GiB machine). */
#define ENV_STACKSIZE_MIN (UINT64_C(1) << 20)
#define ENV_STACKSIZE_MAX (UINT64_C(1) << 30)

/* OMP_NUM_THREADS (its first entry), else SLURM_CPUS_PER_TASK, obey -t's rules; *threads gets the first
 * that is set (left alone when neither is). 0, or 2 with the message in error. */
int env_check_threads(int *threads, char *error, size_t size);

/* OMP_STACKSIZE (else GOMP_STACKSIZE, which libgomp reads then), when set, is libgomp's syntax (a whole number, then B, K, M or G, K when none, in either
 * case, blanks around) within ENV_STACKSIZE_MIN .. ENV_STACKSIZE_MAX bytes. 0, or 2 with the message. */
int env_check_stacksize(char *error, size_t size);

/* The parse behind env_check_stacksize: 0 and the bytes, or -1 when text is not of that syntax. */
int env_parse_stacksize(const char *text, uint64_t *bytes);

#endif
