/* tools/overhead_output.c: what `primes overhead` writes: the aligned table (times by duration.c), JSON
 * Lines (--json) and CSV rows appended whole (--csv FILE), each with the machine's provenance. */
#include "tools/overhead_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "duration.h"
#include "files.h"
#include "report.h"

void print_table(FILE *out, const table *t, const provenance *p)
{
    fprintf(out, "primes overhead on %s (%s, %d core%s allowed), primes %s (git %s)\n", p->host, p->cpu_model,
            p->cores_allowed, p->cores_allowed == 1 ? "" : "s", p->version, p->git_commit);
    fprintf(out, "  %-46s %7s %8s %10s %10s %21s\n", "what", "workers", "samples", "median", "min", "middle half");
    for (int i = 0; i < t->count; i++) {
        const row *r = &t->rows[i];
        if (r->samples == 0) {
            fprintf(out, "  %-46s %7d %8s %10s %10s %21s  %s\n", r->label, r->workers, "-", "-", "-", "-", r->note);
            continue;
        }
        char med[24], min[24], q1[24], q3[24], middle[64];
        format_duration(med, sizeof med, r->median, DURATION_FLOOR_NS);
        format_duration(min, sizeof min, r->min, DURATION_FLOOR_NS);
        format_duration(q1, sizeof q1, r->q1, DURATION_FLOOR_NS);
        format_duration(q3, sizeof q3, r->q3, DURATION_FLOOR_NS);
        snprintf(middle, sizeof middle, "%s .. %s", q1, q3);
        fprintf(out, "  %-46s %7d %8u %10s %10s %21s%s%s\n", r->label, r->workers, r->samples, med, min, middle,
                r->note[0] ? "  " : "", r->note);
    }
}

static void json_number(FILE *out, double v, unsigned samples)
{
    if (samples == 0 || !isfinite(v))
        fputs("null", out);
    else
        fprintf(out, "%.9g", v);
}

void print_json(FILE *out, const table *t, const provenance *p, const char *timestamp)
{
    for (int i = 0; i < t->count; i++) {
        const row *r = &t->rows[i];
        fprintf(out, "{\"schema\":\"%s\",\"what\":\"%s\",\"label\":", OVERHEAD_SCHEMA, r->id);
        report_json_string(out, r->label);
        fprintf(out, ",\"workers\":%d,\"samples\":%u", r->workers, r->samples);
        const char *names[] = {"median_s", "min_s", "q1_s", "q3_s", "max_s"};
        const double values[] = {r->median, r->min, r->q1, r->q3, r->max};
        for (int k = 0; k < 5; k++) {
            fprintf(out, ",\"%s\":", names[k]);
            json_number(out, values[k], r->samples);
        }
        fputs(",\"note\":", out);
        report_json_string(out, r->note);
        fputs(",\"host\":", out);
        report_json_string(out, p->host);
        fputs(",\"cpu_model\":", out);
        report_json_string(out, p->cpu_model);
        fprintf(out, ",\"cores_allowed\":%d,\"cores_online\":%d,\"version\":", p->cores_allowed, p->cores_online);
        report_json_string(out, p->version);
        fputs(",\"git_commit\":", out);
        report_json_string(out, p->git_commit);
        fputs(",\"compiler\":", out);
        report_json_string(out, p->compiler);
        fputs(",\"timestamp\":", out);
        report_json_string(out, timestamp);
        fputs("}\n", out);
    }
}

const char overhead_csv_header[] = "schema,what,label,workers,samples,median_s,min_s,q1_s,q3_s,max_s,note,host,"
                                  "cpu_model,cores_allowed,cores_online,version,git_commit,compiler,timestamp\n";

/* Appends every row (and the header to an empty file) in one write under an exclusive lock. */
int append_csv(const char *path, const table *t, const provenance *p, const char *timestamp)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (int i = 0; i < t->count; i++) {
        const row *r = &t->rows[i];
        char num[6][32];
        snprintf(num[0], sizeof num[0], "%u", r->samples);
        const double values[] = {r->median, r->min, r->q1, r->q3, r->max};
        for (int k = 0; k < 5; k++)
            if (r->samples && isfinite(values[k]))
                snprintf(num[k + 1], sizeof num[k + 1], "%.9g", values[k]);
            else
                num[k + 1][0] = '\0';
        char workers[16], allowed[16], online[16];
        snprintf(workers, sizeof workers, "%d", r->workers);
        snprintf(allowed, sizeof allowed, "%d", p->cores_allowed);
        snprintf(online, sizeof online, "%d", p->cores_online);
        const char *fields[] = {OVERHEAD_SCHEMA, r->id, r->label, workers, num[0], num[1], num[2], num[3],
                                num[4], num[5], r->note, p->host, p->cpu_model, allowed, online, p->version,
                                p->git_commit, p->compiler, timestamp};
        size_t n = sizeof fields / sizeof fields[0];
        for (size_t f = 0; f < n; f++)
            report_csv_field(&buf, &len, &cap, fields[f], f + 1 == n);
    }
    int status = file_append_lines(path, overhead_csv_header, sizeof overhead_csv_header - 1, buf ? buf : "", len);
    int saved = errno;
    free(buf);
    errno = saved;
    return status;
}
