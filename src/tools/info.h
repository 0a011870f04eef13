/* tools/info.h: `primes info`, the machine, the build, the MPI library, thread level and binding. */
#ifndef PRIMES_INFO_H
#define PRIMES_INFO_H

/* Prints the report on rank 0 (starting MPI when under a launcher); returns the exit status. */
int info_run(int *argc, char ***argv, int launcher_rank);

#endif
