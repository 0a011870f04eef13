/* faults.h: the test hooks, all in one place. The tests set PRIMES_FAULT to make one thing go wrong on
 * purpose and check that the run says so (exit status, message, no partial result):
 *   miscount        count and product report one prime too many (a 2) (tests/cli: verification fails)
 *   files-corrupt   the files workload overwrites one byte before its check (tests/cli)
 *   kill-worker@W   forked worker process W kills itself (tests/cli/models.bats)
 *   oom@R           the first allocation on launcher rank R fails (tests/mpi)
 * Any other value arms nothing. The hooks cost one getenv where they are asked, never in a loop. */
#ifndef PRIMES_FAULTS_H
#define PRIMES_FAULTS_H

#include <stdbool.h>

typedef enum fault_kind {
    FAULT_MISCOUNT,
    FAULT_FILES_CORRUPT,
    FAULT_KILL_WORKER, /* takes @worker */
    FAULT_OOM,         /* takes @rank */
} fault_kind;

/* Whether PRIMES_FAULT asks for this fault; for the faults that take a target, whether it names `target`
 * (pass 0 for the others). */
bool fault_armed(fault_kind kind, int target);

#endif
