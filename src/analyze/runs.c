/* analyze/runs.c: loading run rows from the CSV files `primes --csv` writes, column by name, with every
 * value checked and every complaint naming the file and line. */
#include "analyze/runs.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/csv.h"
#include "numparse.h"
#include "report.h"
#include "xalloc.h"

enum column {
    COL_KERNEL, COL_METHOD, COL_FROM, COL_N, COL_MODEL, COL_RANKS, COL_THREADS, COL_WORKERS, COL_SCHEDULE,
    COL_CHUNK, COL_WALL, /* the required ones end here */
    COL_SCHEMA, COL_ITEMS, COL_RESULT, COL_LOW64, COL_M61, COL_VERIFY_OK, COL_CORES_ALLOWED, COL_CORES_ONLINE,
    COL_HOST, COL_HOSTS, COL_TIMESTAMP, COL_GIT, COL_CPU, COL_OVERSUBSCRIBED, COL_SIMULATED, COL_PLATFORM,
    COL_DISTURBED, COL_COMPILER, COL_CFLAGS, COL_MPI_LIBRARY, COL_COUNT
};
#define REQUIRED_COLUMNS (COL_WALL + 1)

static const char *const column_names[COL_COUNT] = {
    "kernel", "method", "from", "n", "model", "ranks", "threads", "workers", "schedule", "chunk", "wall_s",
    "schema", "items", "result", "low64", "mod_m61", "verify_ok", "cores_allowed", "cores_online",
    "host", "hosts", "timestamp", "git_commit", "cpu_model", "oversubscribed", "simulated", "sim_platform",
    "disturbed", "compiler", "cflags", "mpi_library",
};

typedef struct row_context {
    const csv_reader *csv;
    const long *where;      /* field index of each column, -1 when absent */
    char *err;
    size_t err_size;
} row_context;

static int fail(const row_context *c, const char *format, ...)
{
    int used = snprintf(c->err, c->err_size, "%s:%lu: ", c->csv->path, c->csv->line);
    if (used >= 0 && (size_t)used < c->err_size) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(c->err + used, c->err_size - (size_t)used, format, ap);
        va_end(ap);
    }
    return -1;
}

/* The text of a column in the current record, "" when the file has no such column. */
static const char *text(const row_context *c, enum column col)
{
    return c->where[col] >= 0 ? c->csv->fields[c->where[col]] : "";
}

static int copy_name(const row_context *c, enum column col, char *out)
{
    const char *t = text(c, col);
    if (t[0] == '\0')
        return fail(c, "%s is empty", column_names[col]);
    if (strlen(t) >= RUN_NAME_SIZE)
        return fail(c, "%s '%.40s...' is longer than %d characters", column_names[col], t, RUN_NAME_SIZE - 1);
    strcpy(out, t);
    return 0;
}

static void copy_text(const row_context *c, enum column col, char *out, size_t size)
{
    snprintf(out, size, "%s", text(c, col));
}

static int whole_number(const row_context *c, enum column col, uint64_t *value)
{
    char why[96];
    const char *t = text(c, col);
    if (t[0] == '\0')
        return fail(c, "%s is empty", column_names[col]);
    if (numparse_u64(t, value, why, sizeof why) != 0)
        return fail(c, "%s: '%.40s' is not a number: %s", column_names[col], t, why);
    return 0;
}

static int positive_int(const row_context *c, enum column col, int *value)
{
    uint64_t v;
    if (whole_number(c, col, &v) != 0)
        return -1;
    if (v < 1 || v > INT_MAX)
        return fail(c, "%s: %llu is outside 1 .. %d", column_names[col], (unsigned long long)v, INT_MAX);
    *value = (int)v;
    return 0;
}

/* An optional count: 0 when the column is absent or empty. */
static int optional_int(const row_context *c, enum column col, int *value)
{
    *value = 0;
    return text(c, col)[0] == '\0' ? 0 : positive_int(c, col, value);
}

static int seconds(const row_context *c, enum column col, double *value)
{
    const char *t = text(c, col);
    char *end;
    errno = 0;
    double v = strtod(t, &end);
    if (t[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v))
        return fail(c, "%s: '%.40s' is not a number", column_names[col], t);
    if (v <= 0)
        return fail(c, "%s: %s is not a positive time", column_names[col], t);
    *value = v;
    return 0;
}

/* Hosts in a list "a,b,c" (primes writes ",+N more" for those that did not fit). */
static int count_hosts(const char *list)
{
    if (list[0] == '\0')
        return 1;
    int n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    const char *more = strstr(list, ",+");
    if (more && strcmp(more + strcspn(more, " "), " more") == 0)
        n += atoi(more + 2) - 1;
    return n;
}

/* flags of a well-formed row (errors are -1): its answer was wrong (never analysed), it was disturbed */
enum { ROW_FAILED_VERIFICATION = 1, ROW_DISTURBED = 2 };

static int parse_row(const row_context *c, run_row *row)
{
    const char *schema = text(c, COL_SCHEMA);
    if (c->where[COL_SCHEMA] >= 0 && !report_schema_known(schema))
        return fail(c, "schema '%.40s' is not primes-run/5, primes-run/4, primes-run/3, primes-run/2 or primes-run/1", schema);
    *row = (run_row){.file = c->csv->path, .line = c->csv->line};
    if (copy_name(c, COL_KERNEL, row->kernel) || copy_name(c, COL_METHOD, row->method) ||
        copy_name(c, COL_MODEL, row->model) || copy_name(c, COL_SCHEDULE, row->schedule) ||
        whole_number(c, COL_FROM, &row->from) || whole_number(c, COL_N, &row->n) ||
        whole_number(c, COL_CHUNK, &row->chunk) || positive_int(c, COL_RANKS, &row->ranks) ||
        positive_int(c, COL_THREADS, &row->threads) || positive_int(c, COL_WORKERS, &row->workers) ||
        seconds(c, COL_WALL, &row->wall_s) || optional_int(c, COL_CORES_ALLOWED, &row->cores_allowed) ||
        optional_int(c, COL_CORES_ONLINE, &row->cores_online))
        return -1;
    if (text(c, COL_ITEMS)[0] && whole_number(c, COL_ITEMS, &row->items) != 0)
        return -1;
    if (row->n <= row->from)
        return fail(c, "the range [%llu, %llu) is empty", (unsigned long long)row->from, (unsigned long long)row->n);
    if ((long long)row->workers != (long long)row->ranks * row->threads)
        return fail(c, "workers %d is not ranks x threads = %d x %d", row->workers, row->ranks, row->threads);
    const char *ok = text(c, COL_VERIFY_OK);
    if (strcmp(ok, "false") == 0)
        return ROW_FAILED_VERIFICATION;
    if (ok[0] && strcmp(ok, "true") != 0)
        return fail(c, "verify_ok: '%.40s' is not true, false or empty", ok);
    const char *over = text(c, COL_OVERSUBSCRIBED);
    if (over[0] && strcmp(over, "true") != 0 && strcmp(over, "false") != 0)
        return fail(c, "oversubscribed: '%.40s' is not true, false or empty", over);
    row->oversubscribed = over[0] ? (strcmp(over, "true") == 0 ? 1 : 0) : -1;
    const char *low64 = text(c, COL_LOW64), *m61 = text(c, COL_M61);
    snprintf(row->answer, sizeof row->answer, "%s%s%s%s%s", text(c, COL_RESULT), low64[0] ? " low64 " : "", low64,
             m61[0] ? " mod_m61 " : "", m61);
    row->host_count = count_hosts(text(c, COL_HOSTS));
    copy_text(c, COL_HOST, row->host, sizeof row->host);
    copy_text(c, COL_CPU, row->cpu_model, sizeof row->cpu_model);
    copy_text(c, COL_TIMESTAMP, row->timestamp, sizeof row->timestamp);
    copy_text(c, COL_GIT, row->git_commit, sizeof row->git_commit);
    const char *simulated = text(c, COL_SIMULATED);
    if (simulated[0] && strcmp(simulated, "true") != 0 && strcmp(simulated, "false") != 0)
        return fail(c, "simulated: '%.40s' is not true, false or empty", simulated);
    if (strcmp(simulated, "true") == 0) {
        if (!text(c, COL_PLATFORM)[0])
            return fail(c, "a simulated run without its sim_platform");
        copy_text(c, COL_PLATFORM, row->platform, sizeof row->platform);
    }
    const char *disturbed = text(c, COL_DISTURBED);
    if (disturbed[0] && strcmp(disturbed, "true") != 0 && strcmp(disturbed, "false") != 0)
        return fail(c, "disturbed: '%.40s' is not true, false or empty", disturbed);
    row->disturbed = strcmp(disturbed, "true") == 0;
    return row->disturbed ? ROW_DISTURBED : 0;
}

/* Finds the columns of the header record; -1 with the missing ones named. */
static int read_header(const csv_reader *csv, long *where, char *err, size_t err_size)
{
    for (int col = 0; col < COL_COUNT; col++)
        where[col] = -1;
    bool summary = false;
    for (size_t i = 0; i < csv->n_fields; i++) {
        summary |= strcmp(csv->fields[i], "mean_s") == 0;
        for (int col = 0; col < COL_COUNT; col++)
            if (strcmp(csv->fields[i], column_names[col]) == 0) {
                if (where[col] >= 0) {
                    snprintf(err, err_size, "%s:%lu: column '%s' appears twice in the header", csv->path,
                             csv->line, column_names[col]);
                    return -1;
                }
                where[col] = (long)i;
            }
    }
    char missing[512] = "";
    for (int col = 0; col < REQUIRED_COLUMNS; col++)
        if (where[col] < 0 && strlen(missing) + strlen(column_names[col]) + 3 < sizeof missing)
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%s", missing[0] ? ", " : "",
                     column_names[col]);
    if (missing[0] == '\0')
        return 0;
    snprintf(err, err_size, "%s:%lu: missing column%s %s: %s", csv->path, csv->line, strchr(missing, ',') ? "s" : "",
             missing,
             summary ? "this is a summary (primes analyze --csv); give the runs CSV it came from"
                     : "not a runs CSV written by primes --csv");
    return -1;
}

static bool is_header_again(const csv_reader *csv, const char *const *header, size_t n_header)
{
    if (csv->n_fields != n_header)
        return false;
    for (size_t i = 0; i < n_header; i++)
        if (strcmp(csv->fields[i], header[i]) != 0)
            return false;
    return true;
}

static int load_rows(csv_reader *csv, run_set *set, char *err, size_t err_size)
{
    int got = csv_next(csv, err, err_size);
    if (got <= 0) {
        if (got == 0)
            snprintf(err, err_size, "%s:1: the file is empty: expected the header of a runs CSV", csv->path);
        return -1;
    }
    long where[COL_COUNT];
    if (read_header(csv, where, err, err_size) != 0)
        return -1;
    size_t n_header = csv->n_fields;
    char **header = xmalloc(n_header * sizeof *header, "CSV header");
    for (size_t i = 0; i < n_header; i++) {
        header[i] = xmalloc(strlen(csv->fields[i]) + 1, "CSV header");
        strcpy(header[i], csv->fields[i]);
    }
    row_context ctx = {.csv = csv, .where = where, .err = err, .err_size = err_size};
    int status = 0;
    while (status == 0 && (got = csv_next(csv, err, err_size)) == 1) {
        if (is_header_again(csv, (const char *const *)header, n_header))
            continue;
        if (csv->n_fields != n_header) {
            status = fail(&ctx, "%zu fields, but the header has %zu", csv->n_fields, n_header);
            break;
        }
        if (set->count == set->cap) {
            set->cap = set->cap ? 2 * set->cap : 256;
            set->rows = xrealloc(set->rows, set->cap * sizeof *set->rows, "run rows");
        }
        status = parse_row(&ctx, &set->rows[set->count]);
        if (status >= 0 && !set->compiler[0] && !set->cflags[0] && !set->mpi_library[0]) {
            copy_text(&ctx, COL_COMPILER, set->compiler, sizeof set->compiler);
            copy_text(&ctx, COL_CFLAGS, set->cflags, sizeof set->cflags);
            copy_text(&ctx, COL_MPI_LIBRARY, set->mpi_library, sizeof set->mpi_library);
        }
        if (status == ROW_FAILED_VERIFICATION) {
            if (set->failed++ == 0) {
                set->first_failed_file = csv->path;
                set->first_failed_line = csv->line;
            }
            status = 0;
        } else if (status == ROW_DISTURBED && !set->keep_disturbed) {
            if (set->n_disturbed == set->cap_disturbed) {
                set->cap_disturbed = set->cap_disturbed ? 2 * set->cap_disturbed : 16;
                set->disturbed =
                    xrealloc(set->disturbed, set->cap_disturbed * sizeof *set->disturbed, "disturbed rows");
            }
            set->disturbed[set->n_disturbed++] = set->rows[set->count];
            status = 0;
        } else if (status == 0 || status == ROW_DISTURBED) {
            set->disturbed_kept += status == ROW_DISTURBED;
            set->count++;
            status = 0;
        }
    }
    if (got < 0)
        status = -1;
    for (size_t i = 0; i < n_header; i++)
        free(header[i]);
    free(header);
    return status;
}

int runs_load(run_set *set, const char *path, char *err, size_t err_size)
{
    csv_reader csv;
    if (csv_open(&csv, path, err, err_size) != 0)
        return -1;
    int status = load_rows(&csv, set, err, err_size);
    csv_close(&csv);
    return status;
}

void runs_free(run_set *set)
{
    free(set->rows);
    free(set->disturbed);
    *set = (run_set){0};
}
