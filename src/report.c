/* report.c: turning a run record into the human block, a JSON object, a CSV row or trace rows. The JSON
 * and CSV outputs come from one list of fields (record_fields), so they never disagree. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/stats.h"
#include "duration.h"
#include "files.h"
#include "text.h"
#include "xalloc.h"

typedef enum { FIELD_U64, FIELD_INT, FIELD_REAL, FIELD_STR, FIELD_BOOL, FIELD_NULL } field_kind;

typedef struct field {
    const char *name;
    field_kind kind;
    uint64_t u;
    long long i;
    double r;
    const char *s;
    bool product_part;   /* one of the product's summary fields: nested under "result" in JSON */
} field;

#define MAX_FIELDS 96

static void add(field *f, size_t *n, field value)
{
    if (*n >= MAX_FIELDS)
        abort(); /* a field added past the table: raise MAX_FIELDS (every test's first run stops here) */
    f[(*n)++] = value;
}

#define U64(name_, v) ((field){.name = name_, .kind = FIELD_U64, .u = (v)})
#define INT(name_, v) ((field){.name = name_, .kind = FIELD_INT, .i = (v)})
#define REAL(name_, v) ((field){.name = name_, .kind = FIELD_REAL, .r = (v)})
#define STR(name_, v) ((field){.name = name_, .kind = FIELD_STR, .s = (v)})

static const char *verify_name(verify_kind v)
{
    return v == VERIFY_EXACT ? "exact" : v == VERIFY_TABLE ? "table" : "none";
}

static double numbers_per_second(const run_record *rec)
{
    uint64_t width = rec->job->n > rec->job->from ? rec->job->n - rec->job->from : 0;
    return rec->wall_s > 0 ? (double)width / rec->wall_s : 0.0;
}

/* Hex of low64, kept in a buffer the caller owns. */
static size_t record_fields(const run_record *rec, field *f, char *low64_hex, size_t hex_size)
{
    const job *j = rec->job;
    const provenance *p = rec->prov;
    size_t n = 0;
    add(f, &n, STR("schema", REPORT_SCHEMA));
    add(f, &n, STR("kernel", j->kernel->name));
    add(f, &n, STR("method", j->kernel->takes_method ? method_name(j->method) : "none"));
    add(f, &n, U64("from", j->from));
    add(f, &n, U64("n", j->n));
    add(f, &n, STR("model", rec->model->name));
    add(f, &n, INT("ranks", rec->ranks));
    add(f, &n, INT("threads", rec->threads));
    add(f, &n, INT("workers", (long long)rec->ranks * rec->threads));
    add(f, &n, ((field){.name = "oversubscribed", .kind = FIELD_BOOL, .u = rec->oversubscribed}));
    add(f, &n, STR("schedule", schedule_name(j->schedule)));
    add(f, &n, U64("chunk", j->chunk));
    add(f, &n, U64("items", j->n_items));
    add(f, &n, INT("rep", rec->rep));
    add(f, &n, REAL("wall_s", rec->wall_s));
    add(f, &n, REAL("rate", numbers_per_second(rec)));
    add(f, &n, U64("result", rec->res.value));
    snprintf(low64_hex, hex_size, "%016" PRIx64, rec->res.low64);
    field bits = U64("bits", rec->res.bits), digits = U64("digits", rec->res.digits),
          low64 = STR("low64", low64_hex), m61 = U64("mod_m61", rec->res.mod_m61);
    if (!rec->res.is_product)
        bits.kind = digits.kind = low64.kind = m61.kind = FIELD_NULL;
    bits.product_part = digits.product_part = low64.product_part = m61.product_part = true;
    add(f, &n, bits);
    add(f, &n, digits);
    add(f, &n, low64);
    add(f, &n, m61);
    add(f, &n, STR("verified", verify_name(rec->res.verify)));
    field ok = {.name = "verify_ok", .kind = FIELD_BOOL, .u = rec->res.verify_ok};
    if (rec->res.verify == VERIFY_NONE)
        ok.kind = FIELD_NULL;
    add(f, &n, ok);
    add(f, &n, STR("verify_detail", rec->res.verify_detail));
    add(f, &n, REAL("busy_min_s", rec->busy_min_s));
    add(f, &n, REAL("busy_mean_s", rec->busy_mean_s));
    add(f, &n, REAL("busy_max_s", rec->busy_max_s));
    add(f, &n, REAL("imbalance", rec->imbalance));
    add(f, &n, REAL("merge_s", rec->merge_s));
    field rss = U64("peak_rss_kib", rec->peak_rss_kib);
    if (p->sim.simulated)
        rss.kind = FIELD_NULL; /* the simulator's process, all ranks together: no rank's memory */
    add(f, &n, rss);
    add(f, &n, STR("host", p->host));
    add(f, &n, STR("hosts", rec->hosts));
    add(f, &n, STR("timestamp", rec->timestamp));
    add(f, &n, STR("version", p->version));
    add(f, &n, STR("git_commit", p->git_commit));
    add(f, &n, STR("cpu_model", p->cpu_model));
    add(f, &n, INT("cores_allowed", p->cores_allowed));
    add(f, &n, INT("cores_online", p->cores_online));
    add(f, &n, STR("affinity", p->affinity));
    add(f, &n, STR("compiler", p->compiler));
    add(f, &n, STR("cflags", p->cflags));
    add(f, &n, STR("gmp_version", p->gmp));
    add(f, &n, STR("gsl_version", p->gsl));
    add(f, &n, STR("mpi_library", p->mpi_library));
    add(f, &n, STR("mpi_thread_level", p->mpi_thread_level));
    add(f, &n, STR("omp_env", p->omp_env));
    add(f, &n, STR("slurm_job_id", p->slurm_job_id));
    add(f, &n, STR("slurm_nodelist", p->slurm_nodelist));
    field workload = STR("workload", j->workload ? j->workload : ""), scale = REAL("scale", j->scale);
    if (!j->kernel->tasks)
        workload.kind = scale.kind = FIELD_NULL;
    add(f, &n, workload);
    add(f, &n, scale);
    add(f, &n, REAL("settle_s", rec->settle_s)); /* primes-run/2 */
    const simulation_info *sim = &p->sim;         /* primes-run/3 */
    add(f, &n, ((field){.name = "simulated", .kind = FIELD_BOOL, .u = sim->simulated}));
    field platform = STR("sim_platform", sim->platform), hash = STR("sim_platform_sha256", sim->platform_sha256),
          speed = REAL("sim_host_speed", sim->host_speed), reference = STR("sim_reference_speed", sim->reference_speed),
          simgrid = STR("simgrid_version", sim->simgrid_version);
    if (!sim->simulated)
        platform.kind = hash.kind = speed.kind = reference.kind = simgrid.kind = FIELD_NULL;
    add(f, &n, platform);
    add(f, &n, hash);
    add(f, &n, speed);
    add(f, &n, reference);
    add(f, &n, simgrid);
    const run_usage *u = &rec->usage; /* primes-run/4 */
    field cpu = REAL("cpu_s", u->cpu_s), per_busy = REAL("cpu_per_busy", u->cpu_per_busy),
          voluntary = U64("ctx_voluntary", u->ctx_voluntary), forced = U64("ctx_involuntary", u->ctx_involuntary),
          other = REAL("other_cpus", u->other_cpus),
          disturbed = {.name = "disturbed", .kind = FIELD_BOOL, .u = u->disturbed},
          why = STR("disturbed_why", u->disturbed_why);
    if (!u->measured)
        cpu.kind = per_busy.kind = voluntary.kind = forced.kind = other.kind = disturbed.kind = FIELD_NULL;
    add(f, &n, cpu);
    add(f, &n, per_busy);
    add(f, &n, voluntary);
    add(f, &n, forced);
    add(f, &n, other);
    add(f, &n, disturbed);
    add(f, &n, why);
    field host_rss = U64("peak_rss_host_kib", rec->peak_rss_host_kib), /* primes-run/5 */
          processes = INT("host_processes", rec->host_processes);
    if (p->sim.simulated)
        host_rss.kind = processes.kind = FIELD_NULL;
    add(f, &n, host_rss);
    add(f, &n, processes);
    return n;
}

bool report_schema_known(const char *schema)
{
    return strcmp(schema, REPORT_SCHEMA) == 0 || strcmp(schema, "primes-run/4") == 0 ||
           strcmp(schema, "primes-run/3") == 0 ||
           strcmp(schema, "primes-run/2") == 0 || strcmp(schema, "primes-run/1") == 0;
}

void report_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        size_t len = text_utf8_length(c);
        if (len) {
            fwrite(c, 1, len, out);
            c += len - 1;
        } else if (*c == '"' || *c == '\\') {
            fprintf(out, "\\%c", *c);
        } else if (*c < 0x20 || *c == 0x7f) {
            fprintf(out, "\\u%04x", *c);
        } else if (*c >= 0x80) {
            fputs("\\ufffd", out); /* a stray byte: JSON is UTF-8, so it stands as the replacement character */
        } else {
            fputc(*c, out);
        }
    }
    fputc('"', out);
}

static void json_value(FILE *out, const field *f)
{
    switch (f->kind) {
    case FIELD_U64: fprintf(out, "%" PRIu64, f->u); break;
    case FIELD_INT: fprintf(out, "%lld", f->i); break;
    case FIELD_REAL:
        if (isfinite(f->r))
            fprintf(out, "%.9g", f->r);
        else
            fputs("null", out);
        break;
    case FIELD_STR: report_json_string(out, f->s); break;
    case FIELD_BOOL: fputs(f->u ? "true" : "false", out); break;
    case FIELD_NULL: fputs("null", out); break;
    }
}

void report_json(FILE *out, const run_record *rec)
{
    field f[MAX_FIELDS];
    char hex[24];
    size_t n = record_fields(rec, f, hex, sizeof hex);
    fputc('{', out);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (f[i].product_part)
            continue;
        fprintf(out, "%s\"%s\":", first ? "" : ",", f[i].name);
        first = false;
        if (strcmp(f[i].name, "result") == 0 && rec->res.is_product) {
            fprintf(out, "{\"primes\":%" PRIu64, rec->res.value);
            for (size_t k = 0; k < n; k++)
                if (f[k].product_part) {
                    fprintf(out, ",\"%s\":", f[k].name);
                    json_value(out, &f[k]);
                }
            fputc('}', out);
        } else {
            json_value(out, &f[i]);
        }
    }
    fputs("}\n", out);
    fflush(out);
}

static void csv_text(char **buf, size_t *len, size_t *cap, const char *text)
{
    size_t need = *len + 2 * strlen(text) + 4;
    if (need > *cap) {
        *cap = need * 2;
        *buf = xrealloc(*buf, *cap, "CSV row");
    }
    bool quote = strpbrk(text, ",\"\n\r") != NULL;
    char *p = *buf + *len;
    if (quote)
        *p++ = '"';
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            *p++ = '"';
        *p++ = *c;
    }
    if (quote)
        *p++ = '"';
    *len = (size_t)(p - *buf);
}

static void csv_field(char **buf, size_t *len, size_t *cap, const field *f)
{
    char tmp[64];
    switch (f->kind) {
    case FIELD_U64: snprintf(tmp, sizeof tmp, "%" PRIu64, f->u); break;
    case FIELD_INT: snprintf(tmp, sizeof tmp, "%lld", f->i); break;
    case FIELD_REAL:
        if (isfinite(f->r))
            snprintf(tmp, sizeof tmp, "%.9g", f->r);
        else
            tmp[0] = '\0';
        break;
    case FIELD_BOOL: snprintf(tmp, sizeof tmp, "%s", f->u ? "true" : "false"); break;
    case FIELD_NULL: tmp[0] = '\0'; break;
    case FIELD_STR: csv_text(buf, len, cap, f->s); return;
    }
    csv_text(buf, len, cap, tmp);
}

void report_csv_field(char **buf, size_t *len, size_t *cap, const char *text, bool last)
{
    csv_text(buf, len, cap, text);
    (*buf)[(*len)++] = last ? '\n' : ',';
}

/* The CSV header line of these fields (names only), malloc'd, with its newline. */
static char *csv_header(const field *f, size_t n, size_t *hlen)
{
    char *header = NULL;
    size_t hcap = 0;
    *hlen = 0;
    for (size_t i = 0; i < n; i++) {
        csv_text(&header, hlen, &hcap, f[i].name);
        header[(*hlen)++] = i + 1 < n ? ',' : '\n';
    }
    return header;
}

file_header_kind report_csv_kind(const char *path)
{
    /* this version's header: the field names do not depend on the values */
    static const kernel no_kernel;
    static const model no_model = {.name = ""};
    static const provenance no_prov;
    job no_job = {.kernel = &no_kernel};
    run_record rec = {.job = &no_job, .model = &no_model, .prov = &no_prov};
    field fields[MAX_FIELDS];
    char hex[24];
    size_t want_len;
    char *want = csv_header(fields, record_fields(&rec, fields, hex, sizeof hex), &want_len);
    file_header_kind kind = file_header_of(path, want, want_len);
    free(want);
    return kind;
}

int report_csv_append(const char *path, const run_record *rec)
{
    field f[MAX_FIELDS];
    char hex[24];
    size_t n = record_fields(rec, f, hex, sizeof hex);
    size_t len = 0, cap = 0, hlen;
    char *header = csv_header(f, n, &hlen), *row = NULL;
    for (size_t i = 0; i < n; i++) {
        csv_field(&row, &len, &cap, &f[i]);
        row[len++] = i + 1 < n ? ',' : '\n';
    }
    int status = file_append_lines(path, header, hlen, row, len);
    int saved = errno;
    free(header);
    free(row);
    errno = saved;
    return status;
}

void report_balance(const run_stats *stats, run_record *rec)
{
    int workers = stats->ranks * stats->threads;
    double *busy = xcalloc((size_t)(workers > 0 ? workers : 1), sizeof *busy, "busy times");
    for (uint64_t i = 0; i < stats->n_items; i++) {
        const trace_item *t = &stats->items[i];
        int w = t->rank * stats->threads + t->thread;
        if (w >= 0 && w < workers)
            busy[w] += t->stop - t->start;
    }
    double lo = workers ? busy[0] : 0, hi = lo, sum = 0;
    for (int w = 0; w < workers; w++) {
        lo = busy[w] < lo ? busy[w] : lo;
        hi = busy[w] > hi ? busy[w] : hi;
        sum += busy[w];
    }
    free(busy);
    rec->busy_min_s = lo;
    rec->busy_max_s = hi;
    rec->busy_mean_s = workers ? sum / workers : 0;
    rec->imbalance = rec->busy_mean_s > 0 ? hi / rec->busy_mean_s - 1 : 0;
}

void report_trace_rows(FILE *out, const run_record *rec, const run_stats *stats, bool header)
{
    /* each row also says what ran and how the repetition ended (its wall time, settle and merge), so a
     * timeline drawn from the trace alone shows the whole run */
    if (header)
        fputs("rep,item,rank,thread,host,lo,hi,start_s,stop_s,kernel,method,from,n,model,ranks,threads,wall_s,"
              "settle_s,merge_s\n",
              out);
    const job *j = rec->job;
    char tail[256];
    snprintf(tail, sizeof tail, "%s,%s,%" PRIu64 ",%" PRIu64 ",%s,%d,%d,%.9f,%.9f,%.9f", j->kernel->name,
             j->kernel->takes_method ? method_name(j->method) : "none", j->from, j->n, rec->model->name, rec->ranks,
             rec->threads, rec->wall_s, rec->settle_s, rec->merge_s);
    for (uint64_t i = 0; i < stats->n_items; i++) {
        const trace_item *t = &stats->items[i];
        work_item item;
        job_item(j, t->index, &item);
        const char *host = stats->hosts && t->rank >= 0 && t->rank < stats->ranks ? stats->hosts[t->rank] : "";
        fprintf(out, "%u,%" PRIu64 ",%d,%d,%s,%" PRIu64 ",%" PRIu64 ",%.9f,%.9f,%s\n", rec->rep, t->index, t->rank,
                t->thread, host, item.lo, item.hi, t->start, t->stop, tail);
    }
}

/* The CPU the workers got beside the wall time they were busy: two workers that shared one core show
 * 50%, whatever their balance says. */
static void report_usage(FILE *out, const run_record *rec)
{
    const run_usage *u = &rec->usage;
    if (!u->measured)
        return;
    char cpu[32], busy[32], other[48] = "unknown";
    format_duration(cpu, sizeof cpu, u->cpu_s, DURATION_FLOOR_US);
    format_duration(busy, sizeof busy, rec->busy_mean_s * rec->ranks * rec->threads, DURATION_FLOOR_US);
    if (isfinite(u->other_cpus) && u->other_cpu_s <= fmax(USAGE_OTHER_CPU_S_MIN, u->other_floor_s))
        snprintf(other, sizeof other, "too short a run to judge"); /* /proc/stat's ticks are 10 ms */
    else if (isfinite(u->other_cpus))
        snprintf(other, sizeof other, "%.2f CPUs", u->other_cpus);
    fprintf(out, "  cpu       %s for %s busy", cpu, busy);
    if (isfinite(u->cpu_per_busy))
        fprintf(out, " (%.0f%%)", 100 * u->cpu_per_busy);
    fprintf(out, ", %" PRIu64 " context switches (%" PRIu64 " forced), other processes %s\n",
            u->ctx_voluntary + u->ctx_involuntary, u->ctx_involuntary, other);
    if (u->disturbed)
        fprintf(out, "  DISTURBED %s: its times measure the machine's load, not this code\n", u->disturbed_why);
}

void report_human(FILE *out, const run_record *rec)
{
    const job *j = rec->job;
    const result *r = &rec->res;
    char wall[32], bmin[32], bmean[32], bmax[32], settle[32], merge[32];
    format_duration(wall, sizeof wall, rec->wall_s, DURATION_FLOOR_US);
    format_duration(bmin, sizeof bmin, rec->busy_min_s, DURATION_FLOOR_US);
    format_duration(bmean, sizeof bmean, rec->busy_mean_s, DURATION_FLOOR_US);
    format_duration(bmax, sizeof bmax, rec->busy_max_s, DURATION_FLOOR_US);
    format_duration(settle, sizeof settle, rec->settle_s, DURATION_FLOOR_US);
    format_duration(merge, sizeof merge, rec->merge_s, DURATION_FLOOR_US);
    if (j->kernel->tasks)
        fprintf(out, "primes %s --workload %s: %" PRIu64 " tasks, scale %g", j->kernel->name, j->workload, j->n,
                j->scale);
    else
        fprintf(out, "primes %s [%" PRIu64 ", %" PRIu64 ")", j->kernel->name, j->from, j->n);
    if (j->kernel->takes_method)
        fprintf(out, " by %s", method_name(j->method));
    if (rec->repeats > 1)
        fprintf(out, "  (repetition %u of %u)", rec->rep, rec->repeats);
    fputc('\n', out);
    const char *unit = r->value == 1 ? j->kernel->unit_one : j->kernel->unit;
    if (r->is_product)
        fprintf(out, "  result    %" PRIu64 " %s, %" PRIu64 " bits, %" PRIu64 " decimal digits\n"
                     "            low64 0x%016" PRIx64 ", mod 2^61-1 = %" PRIu64 "\n",
                r->value, unit, r->bits, r->digits, r->low64, r->mod_m61);
    else
        fprintf(out, "  result    %" PRIu64 " %s\n", r->value, unit);
    if (r->verify == VERIFY_NONE)
        fprintf(out, "  verified  no: %s\n", r->verify_detail);
    else if (r->is_product && r->verify == VERIFY_TABLE)
        /* the table knows counts: it checks how many primes were multiplied, not the product */
        fprintf(out, "  verified  count only, by table: %s, %s\n", r->verify_ok ? "yes" : "FAILED", r->verify_detail);
    else
        fprintf(out, "  verified  %s, %s: %s\n", r->verify_ok ? "yes" : "FAILED",
                r->verify == VERIFY_EXACT ? "exactly" : "by table", r->verify_detail);
    const char *per_rank = rec->model->forks_workers ? (rec->threads == 1 ? "process" : "processes")
                                                     : (rec->threads == 1 ? "thread" : "threads");
    fprintf(out, "  model     %s: %d worker%s (%d rank%s x %d %s), schedule %s, %" PRIu64 " item%s of %" PRIu64 "\n",
            rec->model->name, rec->ranks * rec->threads, rec->ranks * rec->threads == 1 ? "" : "s", rec->ranks,
            rec->ranks == 1 ? "" : "s", rec->threads, per_rank, schedule_name(j->schedule), j->n_items,
            j->n_items == 1 ? "" : "s", j->chunk);
    fprintf(out, "  time      %s wall, %.3g %s/s, settle %s, merge and final step %s\n", wall,
            numbers_per_second(rec), j->kernel->tasks ? "tasks" : "numbers", settle, merge);
    fprintf(out, "  workers   busy min %s, mean %s, max %s, imbalance %.1f%%%s\n", bmin, bmean, bmax,
            100 * rec->imbalance, rec->oversubscribed ? " (oversubscribed)" : "");
    report_usage(out, rec);
    const simulation_info *sim = &rec->prov->sim;
    if (sim->simulated) {
        fprintf(out, "  memory    not measured per rank: the %d simulated ranks share one process (peak %.1f MiB)\n",
                rec->ranks, (double)rec->peak_rss_kib / 1024.0);
        fprintf(out, "  simulated SimGrid %s SMPI, platform %s (%s%s%.12s), hosts %.3g flop/s, a CPU second here "
                     "%s: every time above is simulated\n",
                sim->simgrid_version, sim->platform, sim->platform_file[0] ? sim->platform_file : "file unknown",
                sim->platform_sha256[0] ? ", sha256 " : "", sim->platform_sha256, sim->host_speed,
                sim->reference_speed);
    } else {
        if (rec->host_processes > 1)
            fprintf(out, "  memory    peak %.1f MiB in the largest process, %.1f MiB summed over the %u processes of one host\n",
                    (double)rec->peak_rss_kib / 1024.0, (double)rec->peak_rss_host_kib / 1024.0, rec->host_processes);
        else
            fprintf(out, "  memory    peak %.1f MiB\n", (double)rec->peak_rss_kib / 1024.0);
    }
    fflush(out);
}

void report_repetitions(FILE *out, const double *wall_s, const bool *disturbed, unsigned n)
{
    if (n < 2)
        return;
    sample_stats st;
    stats_describe(wall_s, n, &st);
    char median[32], mean[32], ci[32], lo[32], hi[32];
    format_duration(median, sizeof median, st.median, DURATION_FLOOR_US);
    format_duration(mean, sizeof mean, st.mean, DURATION_FLOOR_US);
    format_duration(ci, sizeof ci, st.ci95, DURATION_FLOOR_US);
    format_duration(lo, sizeof lo, st.min, DURATION_FLOOR_US);
    format_duration(hi, sizeof hi, st.max, DURATION_FLOOR_US);
    fprintf(out, "summary of %u repetitions\n  wall      median %s, mean %s ± %s (95%%), min %s, max %s, spread %.1f%%\n",
            n, median, mean, ci, lo, hi, st.median > 0 ? 100 * (st.max - st.min) / st.median : 0.0);
    unsigned outliers = 0, shaken = 0;
    for (unsigned i = 0; i < n; i++) {
        outliers += stats_is_outlier(&st, wall_s[i]);
        shaken += disturbed[i];
    }
    if (outliers) {
        fprintf(out, "  outliers  %u (Tukey's fences, as primes analyze):", outliers);
        for (unsigned i = 0; i < n; i++)
            if (stats_is_outlier(&st, wall_s[i])) {
                char t[32];
                format_duration(t, sizeof t, wall_s[i], DURATION_FLOOR_US);
                fprintf(out, " repetition %u %s", i + 1, t);
            }
        fputc('\n', out);
    }
    if (shaken)
        fprintf(out, "  DISTURBED %u of the %u repetitions (primes analyze leaves them out)\n", shaken, n);
    fflush(out);
}
