/* analyze/command.h: `primes analyze`, statistics and scaling fits (GSL) over the CSV rows of runs. */
#ifndef PRIMES_ANALYZE_H
#define PRIMES_ANALYZE_H

/* argv[0] is "analyze"; returns the exit status (0, or 2 for bad usage or unreadable input). */
int analyze_main(int argc, char **argv);

#endif
