/* analyze/command.c: the `primes analyze` command: its options and help, reading the run files, and
 * handing them to the analysis (analyze/series.c) and its outputs (analyze/print.c); also --weak-size,
 * the weak-scaling work rule (analyze/work.c) for scripts/study.sh. */
#include "analyze/command.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "analyze/compare.h"
#include "analyze/print.h"
#include "analyze/runs.h"
#include "analyze/series.h"
#include "analyze/work.h"
#include "numparse.h"
#include "options.h"
#include "files.h"
#include "xalloc.h"

enum { EXIT_USAGE = 2 };

static int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *format, ...)
{
    char message[1100];
    va_list ap;
    va_start(ap, format);
    vsnprintf(message, sizeof message, format, ap);
    va_end(ap);
    options_report("analyze: ", message);
    return EXIT_USAGE;
}

static int parse_u64(const char *option, const char *text, uint64_t *value)
{
    char why[96];
    if (numparse_u64(text, value, why, sizeof why) != 0)
        return usage_error("%s: '%s' %s (allowed: a whole number 0 .. 2^64-1 such as 1e9, 10^12, 2^40)", option,
                           text, why),
               -1;
    return 0;
}

typedef struct analyze_args {
    analysis_options analysis;
    const char *csv_path;
    bool help, keep_disturbed, compare;
    const char *weak_size, *kernel, *method, *from, *workers;
    const char **files;      /* the operands, in order */
    int n_files;
} analyze_args;

static int on_file(void *target, const char *arg, int index, char *error, size_t size)
{
    (void)index;
    (void)error;
    (void)size;
    analyze_args *a = target;
    a->files[a->n_files++] = arg;
    return 0;
}

static int on_scaling(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    (void)value;
    (void)error;
    (void)size;
    ((analyze_args *)target)->analysis.scaling = (scaling_kind)o->lo; /* the last one given wins */
    return 0;
}

static int on_cores(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    (void)o;
    uint64_t cores;
    char why[96];
    if (numparse_u64(value, &cores, why, sizeof why) != 0)
        return options_reject(error, size,
                              "--cores: '%s' %s (allowed: a whole number 0 .. 2^64-1 such as 1e9, 10^12, 2^40)",
                              value, why);
    if (cores < 1 || cores > INT_MAX)
        return options_reject(error, size, "--cores: '%s' is outside 1 .. 2^31-1", value);
    ((analyze_args *)target)->analysis.cores = (int)cores;
    return 0;
}

#define AT(field) offsetof(analyze_args, field)

static const option_def analyze_options[] = {
    {"strong", 0, NULL, "strong scaling: one n per series (the default)", on_scaling, 0, SCALING_STRONG, 0,
     "options:"},
    {"weak", 0, NULL, "weak scaling: n grows with the workers; a series spans every n", on_scaling, 0, SCALING_WEAK,
     0, NULL},
    {"csv", 0, "OUT", "also write the summary, one row per configuration (docs/results-format.md)",
     option_set_text, AT(csv_path), 0, 0, NULL},
    {"drop-outliers", 0, NULL, "leave flagged outliers out of the statistics and fits (default: flag only)",
     option_set_flag, AT(analysis.drop_outliers), 0, 0, NULL},
    {"compare", 0, NULL, "compare two studies: A B (study folders or runs CSV files), every point both hold",
     option_set_flag, AT(compare), 0, 0, NULL},
    {"keep-disturbed", 0, NULL, "analyse the runs primes judged disturbed too (default: listed, left out)",
     option_set_flag, AT(keep_disturbed), 0, 0, NULL},
    {"cores", 0, "C", "cores per host for the oversubscription mark (default: from the rows)", on_cores, 0, 0, 0,
     NULL},
    {"help", 'h', NULL, "this text", option_set_flag, AT(help), 0, 0, NULL},
    {"weak-size", 0, "N", "print the n that gives P workers P times the work of [A, N) for kernel K\n"
                          "and method M (default sieve), rounded to 3 significant digits. Work rule:\n"
                          "count n ln ln n; product n (log2 n)^2; trial n^1.5/ln n; naive n^2/ln n;\n"
                          "spin n",
     option_set_text, AT(weak_size), 0, 0, "weak-scaling sizes (used by scripts/study.sh):"},
    {"kernel", 0, "K", "with --weak-size: the kernel", option_set_text, AT(kernel), 0, 0, NULL},
    {"method", 0, "M", "with --weak-size: the method", option_set_text, AT(method), 0, 0, NULL},
    {"from", 0, "A", "with --weak-size: the lower bound", option_set_text, AT(from), 0, 0, NULL},
    {"workers", 0, "P", "with --weak-size: the workers", option_set_text, AT(workers), 0, 0, NULL},
};

static const command_def analyze_command = {
    .help_name = "primes analyze",
    .unknown_format = "unknown option '%s' (see primes analyze --help)",
    .options = analyze_options,
    .count = sizeof analyze_options / sizeof analyze_options[0],
    .operand = on_file,
};

static int parse_args(int argc, char **argv, analyze_args *args)
{
    *args = (analyze_args){0};
    args->files = xcalloc((size_t)(argc > 0 ? argc : 1), sizeof *args->files, "file list");
    char error[512];
    if (options_parse(&analyze_command, argc, argv, args, error, sizeof error) != 0) {
        usage_error("%s", error);
        return -1;
    }
    return 0;
}

static int print_weak_size(const analyze_args *args)
{
    if (!args->kernel || !args->workers)
        return usage_error("--weak-size needs --kernel K and --workers P");
    const char *method;
    char why[160];
    if (work_rule_method(args->kernel, args->method, &method, why, sizeof why) != 0)
        return usage_error("%s", why);
    uint64_t base, from = 0, workers, n;
    if (parse_u64("--weak-size", args->weak_size, &base) || (args->from && parse_u64("--from", args->from, &from)) ||
        parse_u64("--workers", args->workers, &workers))
        return EXIT_USAGE;
    if (workers < 1 || workers > UINT_MAX)
        return usage_error("--workers: '%s' is outside 1 .. 2^32-1", args->workers);
    if (work_weak_size(args->kernel, method, from, base, (unsigned)workers, &n, why, sizeof why) != 0)
        return usage_error("--weak-size: %s", why);
    printf("%" PRIu64 "\n", n);
    return 0;
}

static void print_help(FILE *out)
{
    fputs("usage: primes analyze [OPTIONS] FILE...\n"
          "       primes analyze --weak-size N --kernel K [--method M] [--from A] --workers P\n"
          "\n"
          "Reads the runs CSV files that `primes --csv` writes (one row per timed repetition) and prints, per\n"
          "series (kernel, method, range, schedule, CPU) and configuration (model at ranks x threads):\n"
          "  count, min, median, mean, standard deviation and the 95% interval of the mean (Student t) of\n"
          "  wall_s; outliers (Tukey: beyond 1.5 interquartile ranges, taken as at least 5% of the median),\n"
          "  listed with FILE:LINE; speedup against the same model at 1 worker and against the serial model,\n"
          "  with 95% intervals; efficiency; the Karp-Flatt serial fraction per point; and per model Amdahl's\n"
          "  serial fraction f fitted by weighted least squares over every run, with its 95% interval.\n"
          "  Weak scaling (--weak): scaled speedup, weak efficiency, Gustafson's alpha per point and fitted.\n"
          "  Points with more workers than cores are marked * and left out of the fits.\n"
          "  See docs/scaling-guide.md.\n",
          out);
    options_print_help(out, &analyze_command);
    fputs("\nexit status: 0 success, 2 bad usage or input (one line: primes: analyze: FILE:LINE: what is wrong)\n",
          out);
}

/* The analysis of the files args names (at least one). */
static int analyze_files(const analyze_args *args)
{
    gsl_set_error_handler_off();
    run_set set = {.keep_disturbed = args->keep_disturbed};
    char err[PATH_MAX + 512];
    if (args->csv_path) {
        /* before anything is read: the summary never replaces an input or a file of another kind */
        for (int i = 0; i < args->n_files; i++)
            if (file_same(args->csv_path, args->files[i]))
                return usage_error("--csv: '%s' is also an input (allowed: a new file, or an earlier summary)",
                                   args->csv_path);
        if (file_check_writable(args->csv_path, err, sizeof err) != 0)
            return usage_error("--csv: %s", err);
        if (!analysis_csv_may_replace(args->csv_path))
            return usage_error("--csv: '%s' holds other data (allowed: a new file, or a summary written by primes "
                               "analyze --csv)",
                               args->csv_path);
    }
    for (int i = 0; i < args->n_files; i++)
        if (runs_load(&set, args->files[i], err, sizeof err) != 0) {
            runs_free(&set);
            return usage_error("%s", err);
        }
    if (set.count == 0) {
        size_t failed = set.failed;
        const char *file = set.first_failed_file;
        unsigned long line = set.first_failed_line;
        size_t disturbed = set.n_disturbed;
        run_row first = disturbed ? set.disturbed[0] : (run_row){0};
        runs_free(&set);
        if (failed)
            return usage_error("%s:%lu: every run failed verification (%zu): the timing of a wrong answer is not "
                               "analysed",
                               file, line, failed);
        if (disturbed)
            return usage_error("%s:%lu: every run was disturbed (%zu; allowed: re-measure them, scripts/study.sh "
                               "--remeasure-disturbed, or analyse them anyway with --keep-disturbed)",
                               first.file, first.line, disturbed);
        return usage_error("no run rows in %s%s", args->files[0], args->n_files > 1 ? " and the other files" : "");
    }
    analysis a;
    int status = 0;
    if (analysis_run(&set, &args->analysis, &a, err, sizeof err) != 0) {
        status = usage_error("%s", err);
    } else {
        /* The summary first: a table cut short by a pager or `head` must not cost the file. */
        int csv_failed = args->csv_path && analysis_write_csv(args->csv_path, &a) != 0;
        int saved = errno;
        analysis_print_table(stdout, &a, &args->analysis);
        if (set.failed)
            printf("\nfailed verification: %zu run%s, left out of every statistic and fit (the first at %s:%lu)\n",
                   set.failed, set.failed == 1 ? "" : "s", set.first_failed_file, set.first_failed_line);
        analysis_print_disturbed(stdout, &set);
        if (csv_failed)
            status = usage_error("--csv: cannot write '%s': %s", args->csv_path, strerror(saved));
    }
    analysis_free(&a);
    runs_free(&set);
    return status;
}

/* A study folder stands for its runs.csv. */
static const char *runs_path_of(const char *operand, char *buf, size_t size)
{
    struct stat st;
    if (stat(operand, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(buf, size, "%s/runs.csv", operand);
        return buf;
    }
    return operand;
}

/* --compare A B: each side loaded and analysed on its own, then set side by side. */
static int compare_files(const analyze_args *args)
{
    if (args->csv_path)
        return usage_error("--csv does not go with --compare (allowed: a summary of one study: primes analyze "
                           "--csv OUT FILE...)");
    if (args->n_files != 2)
        return usage_error("--compare takes two studies, A and B (allowed: two study folders or runs CSV files; "
                           "%d given)",
                           args->n_files);
    gsl_set_error_handler_off();
    run_set sets[2] = {{.keep_disturbed = args->keep_disturbed}, {.keep_disturbed = args->keep_disturbed}};
    analysis an[2] = {{0}, {0}};
    char paths[2][PATH_MAX] = {"", ""}, err[PATH_MAX + 512];
    int status = 0, analysed = 0;
    for (int i = 0; i < 2 && status == 0; i++) {
        const char *path = runs_path_of(args->files[i], paths[i], sizeof paths[i]);
        if (runs_load(&sets[i], path, err, sizeof err) != 0)
            status = usage_error("%s", err);
        else if (sets[i].count == 0)
            status = usage_error("no run rows to compare in %s (every run failed verification or was disturbed, or "
                                 "the file holds none)",
                                 path);
        else if (analysis_run(&sets[i], &args->analysis, &an[i], err, sizeof err) != 0)
            status = usage_error("%s", err);
        else
            analysed++;
    }
    if (status == 0)
        compare_print(stdout, paths[0][0] ? paths[0] : args->files[0], &sets[0], &an[0],
                      paths[1][0] ? paths[1] : args->files[1], &sets[1], &an[1]);
    for (int i = 0; i < analysed; i++)
        analysis_free(&an[i]);
    runs_free(&sets[0]);
    runs_free(&sets[1]);
    return status;
}

int analyze_main(int argc, char **argv)
{
    analyze_args args;
    int status = 0;
    if (parse_args(argc, argv, &args) != 0)
        status = EXIT_USAGE;
    else if (args.help)
        print_help(stdout);
    else if (args.weak_size)
        status = print_weak_size(&args);
    else if (args.kernel || args.workers || args.from)
        status = usage_error("--kernel, --workers and --from go with --weak-size");
    else if (args.compare)
        status = compare_files(&args);
    else if (args.n_files == 0)
        status = usage_error("no input files (usage: primes analyze [OPTIONS] FILE..., see --help)");
    else
        status = analyze_files(&args);
    free(args.files);
    return status;
}
