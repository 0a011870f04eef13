/* gmp_alloc.c: makes GMP allocate through xalloc, so a product that outgrows memory ends the run with
 * the suite's one-line message (and MPI_Abort under MPI) rather than GMP's own abort. */
#include <gmp.h>
#include <stdlib.h>

#include "xalloc.h"
#include "kernels/gmp_alloc.h"

static void *gmp_xmalloc(size_t bytes)
{
    return xmalloc(bytes, "GMP number");
}

static void *gmp_xrealloc(void *p, size_t old_bytes, size_t new_bytes)
{
    (void)old_bytes;
    return xrealloc(p, new_bytes, "GMP number");
}

static void gmp_xfree(void *p, size_t bytes)
{
    (void)bytes;
    free(p);
}

void gmp_use_xalloc(void)
{
    mp_set_memory_functions(gmp_xmalloc, gmp_xrealloc, gmp_xfree);
}
