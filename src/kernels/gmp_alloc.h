/* gmp_alloc.h: routing GMP's allocations through xalloc (call once, before any GMP number exists). */
#ifndef PRIMES_GMP_ALLOC_H
#define PRIMES_GMP_ALLOC_H

void gmp_use_xalloc(void);

#endif
