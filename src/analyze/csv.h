/* analyze/csv.h: reading CSV records (RFC 4180: quoted fields, doubled quotes, CRLF, newlines inside
 * quotes) one at a time, keeping the line each record starts on for error messages. */
#ifndef PRIMES_ANALYZE_CSV_H
#define PRIMES_ANALYZE_CSV_H

#include <stddef.h>
#include <stdio.h>

/* The largest record the reader takes: a run row of primes is under 16 KB (its hosts list is cut at
 * 8 KB) and has about 60 fields; a file of one 200 MB row or of a million empty columns is refused
 * before it costs memory. */
enum { CSV_MAX_RECORD = 1 << 16, CSV_MAX_FIELDS = 1024 };

typedef struct csv_reader {
    FILE *file;
    const char *path;
    unsigned long line;        /* the line the current record starts on (1-based) */
    unsigned long next_line;   /* the line the next record starts on */
    char *text;                /* the current record's fields, each NUL-terminated, back to back */
    size_t text_size, text_cap;
    const char **fields;
    size_t n_fields, fields_cap;
} csv_reader;

/* Opens path. Returns 0, or -1 with "PATH: cannot open: REASON" in err. */
int csv_open(csv_reader *r, const char *path, char *err, size_t err_size);

/* Reads the next non-blank record into r->fields. Returns 1 with a record, 0 at the end of the file, -1
 * with "PATH:LINE: REASON" in err for malformed input or a read error. */
int csv_next(csv_reader *r, char *err, size_t err_size);

void csv_close(csv_reader *r);

#endif
