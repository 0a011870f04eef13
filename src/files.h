/* files.h: how the suite writes and reads back the files a user names. An output is written whole or
 * not at all; an append that fails leaves the file as it was; a record file is read only as a bounded
 * prefix of a regular file; two spellings of one file are seen as one; temporaries go on every exit
 * that runs code. docs/reliability.md says what is promised and how each promise is tried. */
#ifndef PRIMES_FILES_H
#define PRIMES_FILES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* An output named by the user, as coreutils treat one: "-" is standard output; a symbolic link is
 * followed and its target replaced; a regular or new file is written to a temporary beside the target
 * and renamed over it when whole; anything else (a device, a FIFO) is written in place, and a write error
 * there is an error. */
typedef struct file_output {
    FILE *f;
    char target[PATH_MAX]; /* where the bytes end up ("-": standard output) */
    int temp_slot;         /* the registered temporary, -1 when written in place */
} file_output;

/* 0, or -1 with errno (nothing is created then). */
int file_output_open(file_output *o, const char *path);
/* Flushes and checks every write, then renames the temporary over the target: 0, or -1 with errno and
 * the target untouched. */
int file_output_commit(file_output *o);
/* Drops what was written (the temporary is removed); safe to call twice or after a commit. */
void file_output_discard(file_output *o);

/* Where writing path ends up: symbolic links followed (a dangling one to the file it names), then the
 * real directory with the name; "-" stays "-". 0, or -1 with errno. */
int file_resolve(const char *path, char *out, size_t size);
/* a and b name one file: the same file once both exist, else the same resolved name. */
bool file_same(const char *a, const char *b);
/* path is a character device (/dev/null, a terminal): what is written there is not kept as a file. */
bool file_is_device(const char *path);
/* path fits the file system it goes to: under PATH_MAX characters, and every name in it no longer than
 * its directory allows. 0, or -1 with the reason in why. */
int file_check_name(const char *path, char *why, size_t size);

/* path can be written without touching anything: "-" and devices pass; otherwise the directory it ends
 * up in takes new files, the names fit, and an existing file is a writable file, not a directory.
 * 0, or -1 with "REASON (allowed: ...)" in why. */
int file_check_writable(const char *path, char *why, size_t size);

typedef enum {
    FILE_ABSENT_OR_EMPTY, /* a new file, or one with nothing in it yet */
    FILE_HEADER_MATCHES,  /* its first line is the given header */
    FILE_HEADER_OTHER,    /* it holds something else */
    FILE_NOT_REGULAR,     /* a device, a FIFO, a directory: never read as records */
    FILE_UNREADABLE,      /* exists, but cannot be read (errno) */
} file_header_kind;

/* What the first line of path is, compared with header (its newline included); reads at most the
 * header's length plus one byte, so /dev/zero or a huge file costs nothing. */
file_header_kind file_header_of(const char *path, const char *header, size_t header_len);

/* Appends rows (and header first when the file is empty) to a regular file, under an exclusive lock, as
 * whole lines: when a write fails (disk full, file size limit) the file is cut back to its length before,
 * so it is left exactly as it was. 0, or -1 with errno (EINVAL for a file that is not regular). */
int file_append_lines(const char *path, const char *header, size_t header_len, const char *rows, size_t rows_len);

/* From here on, the registered temporaries are removed at exit() and on SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT, after which the signal ends the process as it would have (exit status 128 + signal), with one
 * line on stderr when speaks. SIGXFSZ is ignored, so a file size limit is a write error, not a crash. */
void files_guard_exits(bool speaks);
/* Removes the registered temporaries now (async-signal-safe; for abort paths that skip exit()). */
void files_remove_temporaries(void);

#endif
