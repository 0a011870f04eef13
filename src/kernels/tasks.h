/* tasks.h: what the files of the tasks kernel share: one task's result words (summed across workers, each
 * task's words written by the one worker that ran it) and the file writer of tasks_files.c. */
#ifndef PRIMES_TASKS_H
#define PRIMES_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most tasks a workload has (idle and busy: 15). */
#define TASKS_MAX 16

/* One task's words. Every field is a sum over the workers, and only the worker that ran the task writes
 * it, so MPI may reduce the partials by addition (kernel.sum_words) and a task run twice shows as done 2. */
typedef struct task_slot {
    uint64_t done;        /* times the task ran: 1 when all went well */
    uint64_t check[3];    /* what the task computed, compared in finish with an independent value */
    uint64_t waited_ns;   /* wait tasks: how long the wait lasted, measured */
    uint64_t error;       /* 0, or the errno of what failed (file tasks) */
} task_slot;

#define TASK_SLOT_WORDS (sizeof(task_slot) / sizeof(uint64_t))

/* The writer's line, the tutorial's sentence with a newline: 22 bytes. */
#define TASKS_LINE "This is a sample text\n"
#define TASKS_LINE_BYTES (sizeof TASKS_LINE - 1)
/* How many lines a written file's check reads back (first, middle, last and spread between). */
#define TASKS_FILE_SAMPLES 16

/* Writes `lines` lines to a new file in a fresh directory under $TMPDIR (else /tmp) with stdio's buffer
 * (the tutorial's f.write loop), fsync'ed before closing when `sync`, then checks it by size and a sample
 * of lines read back, and removes it. The name and its directory are removed right after the file is
 * created, so nothing is left behind whatever happens to the process; the data stays reachable through the
 * open descriptor until it is closed. Fills check[0] = file size in bytes, check[1] = sampled lines that
 * read back equal, check[2] = lines written, error = errno of the first failure. `task` names the file.
 * Test hook: PRIMES_FAULT=files-corrupt (faults.h) overwrites one byte of the middle line before the check. */
void tasks_write_file(uint64_t task, uint64_t lines, bool sync, task_slot *slot);

/* The directory the writers use: $TMPDIR when set and not empty, else /tmp. */
const char *tasks_file_base(void);

/* Whether the file system of tasks_file_base() has room for `bytes` (with a margin of 1% and 64 MiB):
 * 0, or -1 with a one-line reason in why. */
int tasks_check_space(uint64_t bytes, unsigned files, char *why, size_t size);

#endif
