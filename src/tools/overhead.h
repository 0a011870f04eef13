/* tools/overhead.h: `primes overhead`, what starting and synchronising workers costs on this machine: thread
 * create+join, fork+waitpid, fork+exec, an OpenMP region and barrier, an MPI barrier and allreduce, and the
 * MPI launcher's start-up, each the median of many samples. */
#ifndef PRIMES_OVERHEAD_H
#define PRIMES_OVERHEAD_H

/* argv[0] is "overhead". Returns the exit status: 0, 2 bad usage, 3 a measurement could not be made. */
int overhead_main(int argc, char **argv);

#endif
