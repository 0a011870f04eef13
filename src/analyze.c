/* analyze.c: `primes analyze` (being written: statistics and scaling fits with GSL). */
#include "analyze.h"

#include <stdio.h>

int analyze_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "primes: analyze: not built yet\n");
    return 2;
}
