/* analyze/series.c: grouping run rows into series and configurations, checking they agree, and computing
 * each configuration's statistics, speedups and serial fractions and each model's scaling-law fit. */
#include "analyze/series.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/work.h"
#include "models/model.h"
#include "xalloc.h"

int model_rank(const char *name)
{
    int rank = 0;
    for (const model *const *m = model_list(); *m; m++, rank++)
        if (strcmp(name, (*m)->name) == 0)
            return rank;
    return rank; /* a model this build lacks: after all of its own */
}

static int compare_u64(uint64_t a, uint64_t b)
{
    return (a > b) - (a < b);
}

static int compare_series(const run_row *a, const run_row *b, scaling_kind scaling)
{
    int c;
    if ((c = strcmp(a->kernel, b->kernel)) || (c = strcmp(a->method, b->method)) ||
        (c = compare_u64(a->from, b->from)) || (c = strcmp(a->schedule, b->schedule)) ||
        (c = strcmp(a->cpu_model, b->cpu_model)) || (c = strcmp(a->platform, b->platform)))
        return c; /* a simulated platform is a machine of its own: never one series with real runs */
    if (scaling == SCALING_STRONG && ((c = compare_u64(a->n, b->n)) || (c = compare_u64(a->chunk, b->chunk))))
        return c;
    return 0;
}

static int compare_config(const run_row *a, const run_row *b, scaling_kind scaling)
{
    int c = compare_series(a, b, scaling);
    if (c)
        return c;
    int ra = model_rank(a->model), rb = model_rank(b->model);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if ((c = strcmp(a->model, b->model)))
        return c;
    if (a->workers != b->workers)
        return a->workers < b->workers ? -1 : 1;
    if (a->ranks != b->ranks)
        return a->ranks < b->ranks ? -1 : 1;
    if (a->threads != b->threads)
        return a->threads < b->threads ? -1 : 1;
    /* the same ranks on one node or spread over several are different configurations */
    return (a->host_count > b->host_count) - (a->host_count < b->host_count);
}

/* Rows in configuration order; equal configurations in file order (the rows array is in load order). */
static int compare_rows(const run_row *a, const run_row *b, scaling_kind scaling)
{
    int c = compare_config(a, b, scaling);
    if (c)
        return c;
    if ((c = compare_u64(a->n, b->n)))
        return c;
    return (a > b) - (a < b);
}

static int by_strong(const void *a, const void *b)
{
    return compare_rows(*(const run_row *const *)a, *(const run_row *const *)b, SCALING_STRONG);
}

static int by_weak(const void *a, const void *b)
{
    return compare_rows(*(const run_row *const *)a, *(const run_row *const *)b, SCALING_WEAK);
}

static int by_range(const void *pa, const void *pb)
{
    const run_row *a = *(const run_row *const *)pa, *b = *(const run_row *const *)pb;
    int c;
    if ((c = strcmp(a->kernel, b->kernel)) || (c = compare_u64(a->from, b->from)) || (c = compare_u64(a->n, b->n)))
        return c;
    return (a > b) - (a < b);
}

/* Writes "FILE:LINE: message" for row into err; returns -1. */
static int complain(char *err, size_t err_size, const run_row *row, const char *format, ...)
    __attribute__((format(printf, 4, 5)));

static int complain(char *err, size_t err_size, const run_row *row, const char *format, ...)
{
    int used = snprintf(err, err_size, "%s:%lu: ", row->file, row->line);
    if (used >= 0 && (size_t)used < err_size) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(err + used, err_size - (size_t)used, format, ap);
        va_end(ap);
    }
    return -1;
}

/* Every model computes the same partials, so one kernel on one range has one answer, whatever the model,
 * method or schedule. */
static int check_answers(const run_set *set, char *err, size_t err_size)
{
    const run_row **rows = xmalloc((set->count ? set->count : 1) * sizeof *rows, "row order");
    for (size_t i = 0; i < set->count; i++)
        rows[i] = &set->rows[i];
    qsort(rows, set->count, sizeof *rows, by_range);
    int status = 0;
    const run_row *known = NULL;
    for (size_t i = 0; i < set->count && status == 0; i++) {
        const run_row *r = rows[i];
        if (known && (strcmp(known->kernel, r->kernel) || known->from != r->from || known->n != r->n))
            known = NULL;
        if (r->answer[0] == '\0')
            continue;
        if (!known)
            known = r;
        else if (strcmp(known->answer, r->answer) != 0)
            status = complain(err, err_size, r,
                              "%s on [%llu, %llu) gave '%s', but '%s' at %s:%lu: one range has one answer under "
                              "every model",
                              r->kernel, (unsigned long long)r->from, (unsigned long long)r->n, r->answer,
                              known->answer, known->file, known->line);
    }
    free(rows);
    return status;
}

/* More workers than cores: --cores when given; else primes' own verdict (the oversubscribed column, from
 * every node's affinity); else more threads than the process's cores or more workers than the hosts'. */
static bool oversubscribed(const run_row *r, const analysis_options *opt)
{
    int hosts = r->host_count > 0 ? r->host_count : 1;
    if (opt->cores > 0)
        return r->workers > (long long)opt->cores * hosts;
    if (r->oversubscribed >= 0)
        return r->oversubscribed == 1;
    return (r->cores_allowed > 0 && r->threads > r->cores_allowed) ||
           (r->cores_online > 0 && r->workers > (long long)r->cores_online * hosts);
}

static void describe_config(config_result *c, const analysis_options *opt)
{
    double *t = xmalloc(c->n_runs * sizeof *t, "timings");
    for (size_t i = 0; i < c->n_runs; i++)
        t[i] = c->runs[i]->wall_s;
    sample_stats all;
    stats_describe(t, c->n_runs, &all);
    size_t kept = 0;
    c->outliers = 0;
    for (size_t i = 0; i < c->n_runs; i++) {
        run_row *r = (run_row *)c->runs[i];
        r->outlier = stats_is_outlier(&all, r->wall_s);
        c->outliers += r->outlier;
        if (!r->outlier || !opt->drop_outliers)
            t[kept++] = r->wall_s;
    }
    if (kept == c->n_runs)
        c->time = all;
    else
        stats_describe(t, kept, &c->time);
    free(t);
}

static bool run_used(const run_row *r, const analysis_options *opt)
{
    return !(opt->drop_outliers && r->outlier);
}

static const config_result *find_config(const series_result *s, const char *model, int workers)
{
    for (size_t i = 0; i < s->n_configs; i++)
        if (strcmp(s->configs[i].row->model, model) == 0 && s->configs[i].row->workers == workers)
            return &s->configs[i];
    return NULL;
}

/* The work of a configuration relative to a reference configuration (weak scaling; 1 for strong). */
static double ratio_to(const series_result *s, const config_result *c, const config_result *ref)
{
    if (s->scaling == SCALING_STRONG)
        return 1;
    return work_ratio(c->row->kernel, c->row->method, c->row->from, ref->row->n, c->row->n);
}

static void derive_point(const series_result *s, config_result *c)
{
    double p = c->row->workers;
    const config_result *self = find_config(s, c->row->model, 1), *serial = find_config(s, "serial", 1);
    c->work_ratio = self ? ratio_to(s, c, self) : serial ? ratio_to(s, c, serial) : NAN;
    c->speedup = c->speedup_ci = c->speedup_serial = c->speedup_serial_ci = NAN;
    if (self == c) {
        c->speedup = 1; /* T1 / T1 exactly: its uncertainty shows in the other points */
        c->speedup_ci = 0;
    } else if (self) {
        double r = ratio_to(s, c, self);
        c->speedup = r * stats_ratio(self->time.mean, c->time.mean);
        c->speedup_ci = r * stats_ratio_ci(self->time.mean, self->time.ci95, c->time.mean, c->time.ci95);
    }
    if (serial == c) {
        c->speedup_serial = 1;
        c->speedup_serial_ci = 0;
    } else if (serial) {
        double r = ratio_to(s, c, serial);
        c->speedup_serial = r * stats_ratio(serial->time.mean, c->time.mean);
        c->speedup_serial_ci = r * stats_ratio_ci(serial->time.mean, serial->time.ci95, c->time.mean, c->time.ci95);
    }
    c->efficiency = c->speedup / p;
    c->efficiency_ci = c->speedup_ci / p;
    bool strong = s->scaling == SCALING_STRONG;
    c->karp_flatt = strong ? stats_karp_flatt(c->speedup, p) : NAN;
    c->karp_flatt_ci = strong ? stats_karp_flatt_ci(c->speedup, c->speedup_ci, p) : NAN;
    c->gustafson_alpha = strong ? NAN : stats_gustafson_point(c->speedup, p);
    c->gustafson_alpha_ci = strong ? NAN : stats_gustafson_point_ci(c->speedup_ci, p);
}

/* The standard deviation of one run of c for the fit's weights: its own when it has two runs or more,
 * else the model's pooled relative spread times its mean; never below 0.1% of the mean. */
static double run_sigma(const config_result *c, double pooled_cv)
{
    double sigma = c->time.count >= 2 ? c->time.sd : pooled_cv * c->time.mean;
    return fmax(sigma, 1e-3 * c->time.mean);
}

static double pooled_cv(const series_result *s, const char *model)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->n_configs; i++) {
        const config_result *c = &s->configs[i];
        if (strcmp(c->row->model, model) == 0 && c->time.count >= 2) {
            sum += (c->time.sd / c->time.mean) * (c->time.sd / c->time.mean);
            n++;
        }
    }
    return n ? sqrt(sum / (double)n) : 0.01;
}

static void fit_model(series_result *s, model_fit *mf, const analysis_options *opt)
{
    size_t cap = 0;
    for (size_t i = 0; i < s->n_configs; i++)
        if (strcmp(s->configs[i].row->model, mf->model) == 0)
            cap += s->configs[i].n_runs;
    double *p = xmalloc((cap ? cap : 1) * sizeof *p, "fit"), *y = xmalloc((cap ? cap : 1) * sizeof *y, "fit"),
           *w = xmalloc((cap ? cap : 1) * sizeof *w, "fit");
    double cv = pooled_cv(s, mf->model);
    const config_result *self = find_config(s, mf->model, 1);
    size_t n = 0, levels = 0;
    int last_workers = 0; /* a model's configurations come sorted by workers: count each worker count once */
    for (size_t i = 0; i < s->n_configs; i++) {
        const config_result *c = &s->configs[i];
        if (strcmp(c->row->model, mf->model) != 0 || c->oversubscribed || !(c->time.count > 0))
            continue;
        size_t before = n;
        double sigma = run_sigma(c, cv);
        for (size_t k = 0; k < c->n_runs; k++) {
            const run_row *r = c->runs[k];
            if (!run_used(r, opt))
                continue;
            p[n] = r->workers;
            if (s->scaling == SCALING_STRONG) {
                y[n] = r->wall_s;
                w[n] = 1 / (sigma * sigma);
            } else {
                if (!self)
                    continue;
                double scale = ratio_to(s, c, self) * self->time.mean;
                y[n] = scale / r->wall_s;
                double sigma_s = (scale / c->time.mean) * (sigma / c->time.mean);
                w[n] = 1 / (sigma_s * sigma_s);
            }
            n++;
        }
        /* hybrid 1x8 and 2x4, or one rank count on 1 and 2 hosts, are two configurations of one worker
         * count; Gustafson's fit leaves 1 worker out */
        if (n > before && (s->scaling == SCALING_STRONG || c->row->workers > 1) && c->row->workers != last_workers) {
            levels++;
            last_workers = c->row->workers;
        }
    }
    if (s->scaling == SCALING_STRONG)
        stats_fit_amdahl(p, y, w, n, &mf->fit);
    else
        stats_fit_gustafson(p, y, w, n, &mf->fit);
    mf->fit.levels = levels;
    free(p);
    free(y);
    free(w);
}

static int check_weak_sizes(const series_result *s, char *err, size_t err_size)
{
    const config_result *base = NULL;
    for (size_t i = 0; i < s->n_configs; i++) {
        const config_result *c = &s->configs[i];
        for (size_t k = 1; k < c->n_runs; k++)
            if (c->runs[k]->n != c->runs[0]->n)
                return complain(err, err_size, c->runs[k],
                                "weak scaling: %s at %d workers ran n = %llu here and n = %llu at %s:%lu; a weak "
                                "series has one n per worker count (analyse such files separately)",
                                c->row->model, c->row->workers, (unsigned long long)c->runs[k]->n,
                                (unsigned long long)c->runs[0]->n, c->runs[0]->file, c->runs[0]->line);
        if (c->row->workers != 1)
            continue;
        if (!base)
            base = c;
        else if (base->row->n != c->row->n) {
            /* Blame the row read later. */
            const run_row *early = base->row < c->row ? base->row : c->row;
            const run_row *late = base->row < c->row ? c->row : base->row;
            return complain(err, err_size, late,
                            "weak scaling: 1-worker runs of %s at n = %llu, but n = %llu at %s:%lu: one weak series "
                            "starts from one size (analyse such files separately)",
                            late->kernel, (unsigned long long)late->n, (unsigned long long)early->n, early->file,
                            early->line);
        }
    }
    return 0;
}

static void series_facts(series_result *s)
{
    s->cores = s->first->cores_online;
    snprintf(s->first_timestamp, sizeof s->first_timestamp, "%s", s->first->timestamp);
    snprintf(s->last_timestamp, sizeof s->last_timestamp, "%s", s->first->timestamp);
    for (size_t i = 0; i < s->n_configs; i++)
        for (size_t k = 0; k < s->configs[i].n_runs; k++) {
            const run_row *r = s->configs[i].runs[k];
            if (r->timestamp[0] && (!s->first_timestamp[0] || strcmp(r->timestamp, s->first_timestamp) < 0))
                snprintf(s->first_timestamp, sizeof s->first_timestamp, "%s", r->timestamp);
            if (strcmp(r->timestamp, s->last_timestamp) > 0)
                snprintf(s->last_timestamp, sizeof s->last_timestamp, "%s", r->timestamp);
            s->mixed_commits |= strcmp(r->git_commit, s->first->git_commit) != 0;
        }
}

static int finish_series(series_result *s, const analysis_options *opt, char *err, size_t err_size)
{
    if (s->scaling == SCALING_WEAK && check_weak_sizes(s, err, err_size) != 0)
        return -1;
    series_facts(s);
    for (size_t i = 0; i < s->n_configs; i++) {
        config_result *c = &s->configs[i];
        for (size_t k = 0; k < c->n_runs; k++)
            c->oversubscribed |= oversubscribed(c->runs[k], opt);
        describe_config(c, opt);
    }
    s->fits = xcalloc(s->n_configs, sizeof *s->fits, "fits");
    for (size_t i = 0; i < s->n_configs; i++) {
        const char *model = s->configs[i].row->model;
        if (i > 0 && strcmp(s->configs[i - 1].row->model, model) == 0)
            continue;
        model_fit *mf = &s->fits[s->n_fits++];
        snprintf(mf->model, sizeof mf->model, "%s", model);
    }
    for (size_t i = 0; i < s->n_configs; i++)
        derive_point(s, &s->configs[i]);
    for (size_t f = 0; f < s->n_fits; f++) {
        fit_model(s, &s->fits[f], opt);
        for (size_t i = 0; i < s->n_configs; i++)
            if (strcmp(s->configs[i].row->model, s->fits[f].model) == 0)
                s->configs[i].fit = s->fits[f].fit.ok ? &s->fits[f] : NULL;
    }
    return 0;
}

/* Each disturbed row that was set aside, counted on its configuration when the configuration has other
 * runs (the series are few; their configurations are sorted, so each row costs a binary search). */
static void count_disturbed(analysis *a, const run_set *set, scaling_kind scaling)
{
    for (size_t d = 0; d < set->n_disturbed; d++) {
        const run_row *r = &set->disturbed[d];
        for (size_t k = 0; k < a->n_series; k++) {
            series_result *s = &a->series[k];
            if (compare_series(r, s->first, scaling) != 0)
                continue;
            size_t lo = 0, hi = s->n_configs;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = compare_config(s->configs[mid].row, r, scaling);
                if (c == 0) {
                    s->configs[mid].disturbed++;
                    break;
                }
                if (c < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            break;
        }
    }
}

int analysis_run(run_set *set, const analysis_options *opt, analysis *out, char *err, size_t err_size)
{
    *out = (analysis){0};
    if (check_answers(set, err, err_size) != 0)
        return -1;
    size_t n = set->count;
    out->order = xmalloc((n ? n : 1) * sizeof *out->order, "row order");
    for (size_t i = 0; i < n; i++)
        out->order[i] = &set->rows[i];
    qsort(out->order, n, sizeof *out->order, opt->scaling == SCALING_STRONG ? by_strong : by_weak);
    out->series = xcalloc(n ? n : 1, sizeof *out->series, "series");
    for (size_t i = 0; i < n;) {
        series_result *s = &out->series[out->n_series++];
        *s = (series_result){.scaling = opt->scaling, .first = out->order[i]};
        s->configs = xcalloc(n - i, sizeof *s->configs, "configurations");
        size_t end = i;
        while (end < n && compare_series(out->order[end], s->first, opt->scaling) == 0) {
            config_result *c = &s->configs[s->n_configs++];
            *c = (config_result){.row = out->order[end], .runs = &out->order[end]};
            while (end < n && compare_config(out->order[end], c->row, opt->scaling) == 0) {
                c->n_runs++;
                end++;
            }
        }
        s->n_runs = end - i;
        i = end;
        if (finish_series(s, opt, err, err_size) != 0)
            return -1;
    }
    count_disturbed(out, set, opt->scaling);
    return 0;
}

void analysis_free(analysis *a)
{
    for (size_t i = 0; i < a->n_series; i++) {
        free(a->series[i].configs);
        free(a->series[i].fits);
    }
    free(a->series);
    free(a->order);
    *a = (analysis){0};
}
