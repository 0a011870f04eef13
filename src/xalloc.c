/* xalloc.c: allocation with one clear failure path (and its fault-injection hook for the tests). */
#include "xalloc.h"

#include "faults.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void exit_with(int status)
{
    exit(status);
}

static void (*fatal_handler)(int) = exit_with;
static bool oom_armed; /* the test hook of faults.h */
static int fault_rank = -1;

void xalloc_set_fatal_handler(void (*handler)(int status))
{
    fatal_handler = handler;
}

void xalloc_configure(int launcher_rank, int show_rank)
{
    fault_rank = show_rank ? launcher_rank : -1;
    if (fault_armed(FAULT_OOM, launcher_rank))
        oom_armed = true;
}

_Noreturn void xalloc_fail(size_t bytes, const char *what)
{
    if (fault_rank >= 0)
        fprintf(stderr, "primes: rank %d: out of memory: %s (%zu bytes)\n", fault_rank, what, bytes);
    else
        fprintf(stderr, "primes: out of memory: %s (%zu bytes)\n", what, bytes);
    fflush(stderr);
    fatal_handler(3);
    _Exit(3); /* a handler that returns still ends the run */
}

_Noreturn void fatal_run_error(const char *message)
{
    if (fault_rank >= 0)
        fprintf(stderr, "primes: rank %d: the run failed: %s\n", fault_rank, message);
    else
        fprintf(stderr, "primes: the run failed: %s\n", message);
    fflush(stderr);
    fatal_handler(3);
    _Exit(3); /* a handler that returns still ends the run */
}

static void *checked(void *p, size_t bytes, const char *what)
{
    if (oom_armed) {
        oom_armed = false;
        free(p);
        p = NULL;
    }
    if (!p)
        xalloc_fail(bytes, what);
    return p;
}

void *xmalloc(size_t bytes, const char *what)
{
    return checked(malloc(bytes ? bytes : 1), bytes, what);
}

void *xcalloc(size_t count, size_t size, const char *what)
{
    return checked(calloc(count ? count : 1, size ? size : 1), count * size, what);
}

void *xrealloc(void *p, size_t bytes, const char *what)
{
    void *q = realloc(p, bytes ? bytes : 1);
    if (!q)
        xalloc_fail(bytes, what);
    return checked(q, bytes, what);
}
