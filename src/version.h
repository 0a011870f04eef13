/* version.h: the version of the suite and the facts of its build, set by the Makefile. */
#ifndef PRIMES_VERSION_H
#define PRIMES_VERSION_H

#define PRIMES_VERSION "0.1.0"

#if __has_include("buildinfo.h")
#include "buildinfo.h"
#endif

#ifndef PRIMES_GIT_COMMIT
#define PRIMES_GIT_COMMIT "unknown"
#endif
#ifndef PRIMES_COMPILER
#define PRIMES_COMPILER "unknown"
#endif
#ifndef PRIMES_CFLAGS
#define PRIMES_CFLAGS "unknown"
#endif

#endif
