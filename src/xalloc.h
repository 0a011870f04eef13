/* xalloc.h: allocation that cannot return NULL. On failure it prints one line naming what was being
 * allocated and ends the run through the fatal handler (the driver installs MPI_Abort under MPI), so a
 * rank that runs out of memory brings the whole job down instead of hanging or reporting a partial result. */
#ifndef PRIMES_XALLOC_H
#define PRIMES_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t bytes, const char *what);
void *xcalloc(size_t count, size_t size, const char *what);
void *xrealloc(void *p, size_t bytes, const char *what);

/* Prints "primes: <rank>out of memory: <what> (<bytes> bytes)" and calls the fatal handler. */
_Noreturn void xalloc_fail(size_t bytes, const char *what);

/* Prints "primes: <rank>the run failed: <message>" and calls the fatal handler (status 3). */
_Noreturn void fatal_run_error(const char *message);

/* The handler that ends the run with an exit status (default: exit). */
void xalloc_set_fatal_handler(void (*handler)(int status));

/* Names the rank in failure messages (show_rank: several ranks run) and arms the test hook:
 * PRIMES_FAULT=oom@R (faults.h) makes the first allocation on launcher rank R fail (tests/mpi). */
void xalloc_configure(int launcher_rank, int show_rank);

#endif
