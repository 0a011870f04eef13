/* analyze/csv.c: an RFC 4180 record reader for the run files `primes analyze` reads. */
#include "analyze/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int csv_open(csv_reader *r, const char *path, char *err, size_t err_size)
{
    *r = (csv_reader){.path = path, .next_line = 1};
    /* O_NONBLOCK: a FIFO with no writer is refused at once rather than waited for */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        /* a device never ends (/dev/zero), a FIFO is read once: records come from files */
        snprintf(err, err_size, "%s: not a regular file (allowed: a runs CSV file written by primes --csv)", path);
        close(fd);
        return -1;
    }
    r->file = fdopen(fd, "r");
    if (!r->file) {
        snprintf(err, err_size, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return 0;
}

void csv_close(csv_reader *r)
{
    if (r->file)
        fclose(r->file);
    free(r->text);
    free(r->fields);
    *r = (csv_reader){0};
}

static void put_char(csv_reader *r, char c)
{
    if (r->text_size + 1 >= r->text_cap) {
        r->text_cap = r->text_cap ? 2 * r->text_cap : 1024;
        r->text = xrealloc(r->text, r->text_cap, "CSV record");
    }
    r->text[r->text_size++] = c;
}

/* Ends the current field: a NUL in the text; the field pointers are made once the record is complete,
 * since the text may still move. */
static void end_field(csv_reader *r)
{
    put_char(r, '\0');
    r->n_fields++;
}

static void index_fields(csv_reader *r)
{
    if (r->n_fields > r->fields_cap) {
        r->fields_cap = r->n_fields * 2;
        r->fields = xrealloc(r->fields, r->fields_cap * sizeof *r->fields, "CSV fields");
    }
    const char *p = r->text;
    for (size_t i = 0; i < r->n_fields; i++) {
        r->fields[i] = p;
        p += strlen(p) + 1;
    }
}

int csv_next(csv_reader *r, char *err, size_t err_size)
{
    for (;;) {
        r->text_size = 0;
        r->n_fields = 0;
        r->line = r->next_line;
        bool in_quotes = false, quoted_field = false, any = false;
        int c;
        while ((c = getc(r->file)) != EOF) {
            any = true;
            if (r->text_size > CSV_MAX_RECORD || r->n_fields >= CSV_MAX_FIELDS) {
                /* refused before it grows: memory stays a small multiple of the longest real row */
                if (r->n_fields >= CSV_MAX_FIELDS)
                    snprintf(err, err_size, "%s:%lu: a record of more than %d fields (allowed: rows as primes --csv "
                             "writes them, about 60 fields)", r->path, r->line, CSV_MAX_FIELDS);
                else
                    snprintf(err, err_size, "%s:%lu: a record longer than %d bytes (allowed: rows as primes --csv "
                             "writes them, under 16 KB)", r->path, r->line, CSV_MAX_RECORD);
                return -1;
            }
            if (in_quotes) {
                if (c == '"') {
                    int next = getc(r->file);
                    if (next == '"') {
                        put_char(r, '"');
                        continue;
                    }
                    in_quotes = false;
                    if (next != EOF)
                        ungetc(next, r->file);
                    continue;
                }
                if (c == '\n')
                    r->next_line++;
                put_char(r, (char)c);
                continue;
            }
            if (c == '"') {
                bool at_field_start = r->text_size == 0 || r->text[r->text_size - 1] == '\0';
                if (!at_field_start || quoted_field) {
                    snprintf(err, err_size, "%s:%lu: a quote inside an unquoted field", r->path, r->line);
                    return -1;
                }
                in_quotes = quoted_field = true;
            } else if (c == ',') {
                end_field(r);
                quoted_field = false;
            } else if (c == '\n') {
                r->next_line++;
                break;
            } else if (c == '\r') {
                int next = getc(r->file);
                if (next != '\n' && next != EOF)
                    ungetc(next, r->file);
                r->next_line++;
                break;
            } else if (quoted_field) {
                snprintf(err, err_size, "%s:%lu: text after the closing quote of a field", r->path, r->line);
                return -1;
            } else {
                put_char(r, (char)c);
            }
        }
        if (ferror(r->file)) {
            snprintf(err, err_size, "%s:%lu: read error: %s", r->path, r->line, strerror(errno));
            return -1;
        }
        if (in_quotes) {
            snprintf(err, err_size, "%s:%lu: a quoted field is not closed before the end of the file", r->path,
                     r->line);
            return -1;
        }
        if (!any)
            return 0;
        bool blank = r->text_size == 0 && r->n_fields == 0 && !quoted_field;
        if (blank)
            continue;
        end_field(r);
        index_fields(r);
        return 1;
    }
}
