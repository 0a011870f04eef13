/* analyze/print.c: the aligned table of `primes analyze` and its summary CSV. */
#include "analyze/print.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "files.h"
#include "xalloc.h"

/* ---- an aligned text table ---- */

#define TABLE_COLUMNS 18
#define CELL_SIZE 64

typedef struct text_table {
    size_t n_cols, n_rows, cap;
    char (*cells)[TABLE_COLUMNS][CELL_SIZE];
    bool right[TABLE_COLUMNS];
} text_table;

static void table_row(text_table *t)
{
    if (t->n_rows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->cells = xrealloc(t->cells, t->cap * sizeof *t->cells, "table");
    }
    memset(t->cells[t->n_rows++], 0, sizeof *t->cells);
}

static void table_set(text_table *t, size_t col, const char *format, ...) __attribute__((format(printf, 3, 4)));
static void table_set(text_table *t, size_t col, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vsnprintf(t->cells[t->n_rows - 1][col], CELL_SIZE, format, ap);
    va_end(ap);
}

/* Characters on screen: UTF-8 continuation bytes take no column. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void table_print(FILE *out, const text_table *t)
{
    size_t width[TABLE_COLUMNS] = {0};
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < t->n_cols; c++) {
            size_t w = display_width(t->cells[r][c]);
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs("  ", out);
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *cell = t->cells[r][c];
            size_t pad = width[c] - display_width(cell);
            bool right = t->right[c] && r > 0;
            if (right)
                fprintf(out, "%*s", (int)pad, "");
            fputs(cell, out);
            if (c + 1 < t->n_cols)
                fprintf(out, "%*s", (int)(right ? 2 : pad + 2), "");
        }
        fputc('\n', out);
    }
}

/* ---- cells ---- */

/* "v ± ci" with `decimals` digits after the point; "v" without an interval; "-" without a value. */
static void value_ci(char *buf, size_t size, double v, double ci, int decimals)
{
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else if (!isfinite(ci))
        snprintf(buf, size, "%.*f", decimals, v);
    else
        snprintf(buf, size, "%.*f ± %.*f", decimals, v, decimals, ci);
}

static void seconds_cell(char *buf, size_t size, double s)
{
    if (isfinite(s))
        snprintf(buf, size, "%.4g", s);
    else
        snprintf(buf, size, "-");
}

static const char *law_name(scaling_kind s)
{
    return s == SCALING_STRONG ? "amdahl" : "gustafson";
}

static void print_heading(FILE *out, const series_result *s)
{
    const run_row *r = s->first;
    fprintf(out, "%s by %s on [%llu, %llu): %s scaling, schedule %s", r->kernel, r->method,
            (unsigned long long)r->from, (unsigned long long)r->n, s->scaling == SCALING_STRONG ? "strong" : "weak",
            r->schedule);
    if (s->scaling == SCALING_STRONG)
        fprintf(out, ", chunk %llu", (unsigned long long)r->chunk);
    else
        fputs(" (n is the 1-worker size; each worker count has its own n)", out);
    if (r->platform[0])
        fprintf(out, "\n  simulated on platform %s (SimGrid SMPI; every time simulated), run on %s, %s, ", r->platform,
                r->host[0] ? r->host : "unknown host", r->cpu_model[0] ? r->cpu_model : "unknown CPU");
    else
        fprintf(out, "\n  machine %s, %s, ", r->host[0] ? r->host : "unknown host",
                r->cpu_model[0] ? r->cpu_model : "unknown CPU");
    if (r->platform[0])
        fputs("its cores decide oversubscription", out);
    else if (s->cores > 0)
        fprintf(out, "%d cores", s->cores);
    else
        fputs("cores unknown", out);
    fprintf(out, "; %zu run%s", s->n_runs, s->n_runs == 1 ? "" : "s");
    if (s->first_timestamp[0])
        fprintf(out, " from %s to %s", s->first_timestamp, s->last_timestamp);
    if (r->git_commit[0])
        fprintf(out, "; git %s%s", r->git_commit, s->mixed_commits ? " and others (mixed builds)" : "");
    fputc('\n', out);
}

static void fill_table(text_table *t, const series_result *s)
{
    bool weak = s->scaling == SCALING_WEAK;
    static const char *const strong_head[] = {"model", "workers", "RxT", "runs", "min_s", "median_s", "mean_s",
                                              "sd_s", "ci95_s", "outliers", "speedup", "vs_serial", "efficiency",
                                              "karp_flatt"};
    static const char *const weak_head[] = {"model", "workers", "RxT", "n", "runs", "min_s", "median_s", "mean_s",
                                            "sd_s", "ci95_s", "outliers", "work", "scaled_speedup", "vs_serial",
                                            "weak_efficiency", "gustafson_alpha"};
    const char *const *head = weak ? weak_head : strong_head;
    t->n_cols = weak ? sizeof weak_head / sizeof *weak_head : sizeof strong_head / sizeof *strong_head;
    table_row(t);
    for (size_t c = 0; c < t->n_cols; c++) {
        table_set(t, c, "%s", head[c]);
        t->right[c] = c > 0 && strcmp(head[c], "RxT") != 0;
    }
    for (size_t i = 0; i < s->n_configs; i++) {
        const config_result *c = &s->configs[i];
        size_t k = 0;
        table_row(t);
        table_set(t, k++, "%s", c->row->model);
        table_set(t, k++, "%d%s", c->row->workers, c->oversubscribed ? "*" : "");
        if (c->row->host_count > 1)
            table_set(t, k++, "%dx%d/%dn", c->row->ranks, c->row->threads, c->row->host_count);
        else
            table_set(t, k++, "%dx%d", c->row->ranks, c->row->threads);
        if (weak)
            table_set(t, k++, "%llu", (unsigned long long)c->row->n);
        if (c->time.count == c->n_runs)
            table_set(t, k++, "%zu", c->n_runs);
        else
            table_set(t, k++, "%zu of %zu", c->time.count, c->n_runs);
        const double secs[] = {c->time.min, c->time.median, c->time.mean, c->time.sd, c->time.ci95};
        for (size_t v = 0; v < 5; v++)
            seconds_cell(t->cells[t->n_rows - 1][k++], CELL_SIZE, secs[v]);
        table_set(t, k++, "%zu", c->outliers);
        if (weak && isfinite(c->work_ratio))
            table_set(t, k++, "%.3g", c->work_ratio);
        else if (weak)
            table_set(t, k++, "-");
        value_ci(t->cells[t->n_rows - 1][k++], CELL_SIZE, c->speedup, c->speedup_ci, 2);
        value_ci(t->cells[t->n_rows - 1][k++], CELL_SIZE, c->speedup_serial, c->speedup_serial_ci, 2);
        value_ci(t->cells[t->n_rows - 1][k++], CELL_SIZE, c->efficiency, c->efficiency_ci, 2);
        if (weak)
            value_ci(t->cells[t->n_rows - 1][k++], CELL_SIZE, c->gustafson_alpha, c->gustafson_alpha_ci, 3);
        else
            value_ci(t->cells[t->n_rows - 1][k++], CELL_SIZE, c->karp_flatt, c->karp_flatt_ci, 3);
    }
}

static void print_fits(FILE *out, const series_result *s)
{
    bool any = false;
    for (size_t f = 0; f < s->n_fits; f++)
        any |= s->fits[f].fit.ok;
    if (!any)
        return;
    bool strong = s->scaling == SCALING_STRONG;
    size_t parameters = strong ? 2 : 1;
    if (strong)
        fputs("  Amdahl's law T(p) = T1 (f + (1 - f) / p), weighted least squares over every run "
              "(95% intervals):\n", out);
    else
        fputs("  Gustafson's law S(p) = alpha + (1 - alpha) p, weighted least squares over every run "
              "(95% intervals):\n", out);
    for (size_t f = 0; f < s->n_fits; f++) {
        const law_fit *fit = &s->fits[f].fit;
        if (!fit->ok)
            continue;
        const char *name = strong ? "f" : "alpha";
        fit_verdict verdict = stats_fit_verdict(fit, parameters);
        fprintf(out, "    %-9s ", s->fits[f].model);
        if (verdict == FIT_OUTSIDE_LAW) {
            /* a fraction above 1 or below 0 is no serial fraction: the times do not follow the law */
            fprintf(out, "the times do not follow %s's law: the fitted %s lies outside [0, 1] (%zu runs at %zu "
                         "worker counts); look at the runtimes, not at a fraction\n",
                    strong ? "Amdahl" : "Gustafson", name, fit->points, fit->levels);
            continue;
        }
        char value[64];
        value_ci(value, sizeof value, fit->fraction, fit->ci95, 4);
        fprintf(out, "%s = %-18s", name, value);
        if (strong)
            fprintf(out, "  T1 = %.4g s", fit->t1);
        fprintf(out, "  %zu runs at %zu worker count%s", fit->points, fit->levels, fit->levels == 1 ? "" : "s");
        switch (verdict) {
        case FIT_EXACT:
            fprintf(out, ": an exact fit of %zu point%s, no test of the law", fit->levels, fit->levels == 1 ? "" : "s");
            if (!isfinite(fit->ci95))
                fputs(", no interval", out);
            break;
        case FIT_POOR:
            fprintf(out, ", chi2/dof %.2f (p = %.2g): the law does not describe these times", fit->chi2_dof,
                    fit->p_value);
            break;
        case FIT_FEW:
        case FIT_TESTED:
            fprintf(out, ", chi2/dof %.2f (p = %.2g)", fit->chi2_dof, fit->p_value);
            break;
        case FIT_NONE:
        case FIT_OUTSIDE_LAW:
            break;
        }
        if (verdict != FIT_EXACT && fit->levels < STATS_FIT_MIN_LEVELS)
            fprintf(out, "; fewer than %d worker counts: it says little", STATS_FIT_MIN_LEVELS);
        else if (verdict == FIT_EXACT)
            fprintf(out, "; %d or more worker counts test it", STATS_FIT_MIN_LEVELS);
        fputc('\n', out);
    }
}

static void print_outliers(FILE *out, const series_result *s, const analysis_options *opt)
{
    bool header = false;
    for (size_t i = 0; i < s->n_configs; i++) {
        const config_result *c = &s->configs[i];
        for (size_t k = 0; k < c->n_runs; k++) {
            const run_row *r = c->runs[k];
            if (!r->outlier)
                continue;
            if (!header)
                fprintf(out, "  outliers (Tukey: beyond 1.5 interquartile ranges, at least 5%% of the median; %s):\n",
                        opt->drop_outliers ? "left out of the statistics and fits"
                                           : "kept in the statistics, --drop-outliers leaves them out");
            header = true;
            fprintf(out, "    %s at %d worker%s (%dx%d): %.4g s against a median of %.4g s, %s:%lu\n", c->row->model,
                    c->row->workers, c->row->workers == 1 ? "" : "s", c->row->ranks, c->row->threads, r->wall_s,
                    c->time.median, r->file, r->line);
        }
    }
}

void analysis_print_table(FILE *out, const analysis *a, const analysis_options *opt)
{
    for (size_t i = 0; i < a->n_series; i++) {
        const series_result *s = &a->series[i];
        if (i > 0)
            fputc('\n', out);
        print_heading(out, s);
        text_table t = {0};
        fill_table(&t, s);
        table_print(out, &t);
        free(t.cells);
        bool over = false;
        for (size_t k = 0; k < s->n_configs; k++)
            over |= s->configs[k].oversubscribed;
        if (over)
            fputs("  * oversubscribed: more workers than cores; shown, but left out of the fits\n", out);
        fputs(s->scaling == SCALING_STRONG
                  ? "  speedup: mean time of the same model at 1 worker over this mean (the median is shown beside it); "
                    "vs_serial: against the serial model\n"
                  : "  scaled_speedup: work ratio x T(1 worker) / T(p); vs_serial: the same against the serial "
                    "model\n",
              out);
        print_fits(out, s);
        print_outliers(out, s, opt);
    }
    fflush(out);
}

/* ---- the summary CSV ---- */

static const char *const summary_columns[] = {
    "schema", "scaling", "kernel", "method", "from", "n", "schedule", "chunk", "model", "ranks", "threads",
    "nodes", "workers", "oversubscribed", "runs", "used", "outliers", "min_s", "median_s", "mean_s", "sd_s", "ci95_s",
    "work_ratio", "speedup", "speedup_ci95", "speedup_serial", "speedup_serial_ci95", "efficiency",
    "efficiency_ci95", "karp_flatt", "karp_flatt_ci95", "gustafson_alpha", "gustafson_alpha_ci95", "fit_law",
    "fit_serial_fraction", "fit_ci95", "fit_t1_s", "fit_runs", "fit_chi2_dof", "host", "cpu_model", "cores",
    "first_timestamp", "last_timestamp", "git_commit", "platform", "fit_worker_counts", "fit_p_value",
    "fit_verdict", "disturbed",
};

static void csv_text(FILE *f, const char *s, bool last)
{
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static void csv_real(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.9g,", v);
    else
        fputc(',', f);
}

static void csv_row(FILE *f, const series_result *s, const config_result *c)
{
    const run_row *r = c->row;
    const law_fit *fit = c->fit ? &c->fit->fit : NULL;
    fprintf(f, "%s,%s,", SUMMARY_SCHEMA, s->scaling == SCALING_STRONG ? "strong" : "weak");
    csv_text(f, r->kernel, false);
    csv_text(f, r->method, false);
    fprintf(f, "%llu,%llu,", (unsigned long long)r->from, (unsigned long long)r->n);
    csv_text(f, r->schedule, false);
    fprintf(f, "%llu,", (unsigned long long)r->chunk);
    csv_text(f, r->model, false);
    fprintf(f, "%d,%d,%d,%d,%s,%zu,%zu,%zu,", r->ranks, r->threads, r->host_count, r->workers,
            c->oversubscribed ? "true" : "false",
            c->n_runs, c->time.count, c->outliers);
    const double values[] = {c->time.min, c->time.median, c->time.mean, c->time.sd, c->time.ci95, c->work_ratio,
                             c->speedup, c->speedup_ci, c->speedup_serial, c->speedup_serial_ci, c->efficiency,
                             c->efficiency_ci, c->karp_flatt, c->karp_flatt_ci, c->gustafson_alpha,
                             c->gustafson_alpha_ci};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        csv_real(f, values[i]);
    fprintf(f, "%s,", fit ? law_name(s->scaling) : "");
    csv_real(f, fit ? fit->fraction : NAN);
    csv_real(f, fit ? fit->ci95 : NAN);
    csv_real(f, fit ? fit->t1 : NAN);
    if (fit)
        fprintf(f, "%zu,", fit->points);
    else
        fputc(',', f);
    csv_real(f, fit ? fit->chi2_dof : NAN);
    csv_text(f, r->host, false);
    csv_text(f, r->cpu_model, false);
    if (s->cores > 0)
        fprintf(f, "%d,", s->cores);
    else
        fputc(',', f);
    csv_text(f, s->first_timestamp, false);
    csv_text(f, s->last_timestamp, false);
    csv_text(f, s->mixed_commits ? "mixed" : r->git_commit, false);
    csv_text(f, r->platform, false);
    if (fit)
        fprintf(f, "%zu,", fit->levels);
    else
        fputc(',', f);
    csv_real(f, fit ? fit->p_value : NAN);
    csv_text(f, stats_fit_verdict_name(fit ? stats_fit_verdict(fit, s->scaling == SCALING_STRONG ? 2 : 1) : FIT_NONE),
             false);
    fprintf(f, "%zu\n", c->disturbed);
}

/* The summary's header line, newline included, malloc'd. */
static char *summary_header(size_t *len)
{
    size_t n_cols = sizeof summary_columns / sizeof *summary_columns, cap = 1;
    for (size_t i = 0; i < n_cols; i++)
        cap += strlen(summary_columns[i]) + 1;
    char *h = xmalloc(cap, "summary header");
    *len = 0;
    for (size_t i = 0; i < n_cols; i++)
        *len += (size_t)snprintf(h + *len, cap - *len, "%s%c", summary_columns[i], i + 1 == n_cols ? '\n' : ',');
    return h;
}

bool analysis_csv_may_replace(const char *path)
{
    size_t len;
    char *header = summary_header(&len);
    file_header_kind kind = file_header_of(path, header, len);
    free(header);
    return kind != FILE_HEADER_OTHER && kind != FILE_UNREADABLE;
}

int analysis_write_csv(const char *path, const analysis *a)
{
    file_output out;
    if (file_output_open(&out, path) != 0)
        return -1;
    size_t len;
    char *header = summary_header(&len);
    fputs(header, out.f);
    free(header);
    for (size_t i = 0; i < a->n_series; i++)
        for (size_t k = 0; k < a->series[i].n_configs; k++)
            csv_row(out.f, &a->series[i], &a->series[i].configs[k]);
    if (file_output_commit(&out) != 0) {
        int saved = errno;
        file_output_discard(&out);
        errno = saved;
        return -1;
    }
    return 0;
}

/* The order of disturbed rows for listing: by configuration, then file order (the rows are in file order). */
static int compare_disturbed(const void *pa, const void *pb)
{
    const run_row *a = *(const run_row *const *)pa, *b = *(const run_row *const *)pb;
    int c = strcmp(a->kernel, b->kernel);
    if (!c)
        c = strcmp(a->method, b->method);
    if (!c)
        c = a->from < b->from ? -1 : a->from > b->from;
    if (!c)
        c = a->n < b->n ? -1 : a->n > b->n;
    if (!c)
        c = model_rank(a->model) - model_rank(b->model);
    if (!c)
        c = strcmp(a->model, b->model);
    if (!c)
        c = a->ranks != b->ranks ? a->ranks - b->ranks : a->threads - b->threads;
    return c ? c : (a < b ? -1 : a > b);
}

static bool same_configuration(const run_row *a, const run_row *b)
{
    return strcmp(a->kernel, b->kernel) == 0 && strcmp(a->method, b->method) == 0 && a->from == b->from &&
           a->n == b->n && strcmp(a->model, b->model) == 0 && a->ranks == b->ranks && a->threads == b->threads;
}

void analysis_print_disturbed(FILE *out, const run_set *set)
{
    if (set->disturbed_kept)
        fprintf(out, "\ndisturbed: %zu run%s analysed as asked (--keep-disturbed): other processes took the CPUs or "
                     "the workers were descheduled, so those times are not the code's\n",
                set->disturbed_kept, set->disturbed_kept == 1 ? "" : "s");
    if (set->n_disturbed == 0)
        return;
    fprintf(out, "\ndisturbed: %zu run%s left out of every statistic and fit (other processes took the CPUs, or "
                 "the workers were descheduled); scripts/study.sh --remeasure-disturbed runs them again, "
                 "--keep-disturbed analyses them:\n",
            set->n_disturbed, set->n_disturbed == 1 ? "" : "s");
    const run_row **order = xcalloc(set->n_disturbed, sizeof *order, "disturbed list");
    for (size_t i = 0; i < set->n_disturbed; i++)
        order[i] = &set->disturbed[i];
    qsort(order, set->n_disturbed, sizeof *order, compare_disturbed);
    for (size_t i = 0, next; i < set->n_disturbed; i = next) {
        const run_row *r = order[i];
        for (next = i + 1; next < set->n_disturbed && same_configuration(order[next], r); next++)
            ;
        size_t count = next - i;
        fprintf(out, "  %s by %s n=%llu, %s %dx%d: %zu run%s (the first at %s:%lu)\n", r->kernel, r->method,
                (unsigned long long)r->n, r->model, r->ranks, r->threads, count, count == 1 ? "" : "s", r->file,
                r->line);
    }
    free(order);
}
