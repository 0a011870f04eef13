/* analyze/command.c: the `primes analyze` command: its options and help, reading the run files, and
 * handing them to the analysis (analyze/series.c) and its outputs (analyze/print.c); also --weak-size,
 * the weak-scaling work rule (analyze/work.c) for scripts/study.sh. */
#include "analyze/command.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "analyze/print.h"
#include "analyze/runs.h"
#include "analyze/series.h"
#include "analyze/work.h"
#include "numparse.h"

enum { EXIT_USAGE = 2 };

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
          "  See docs/scaling-guide.md.\n"
          "\n"
          "options:\n"
          "      --strong           strong scaling: one n per series (the default)\n"
          "      --weak             weak scaling: n grows with the workers; a series spans every n\n"
          "      --csv OUT          also write the summary, one row per configuration (docs/results-format.md)\n"
          "      --drop-outliers    leave flagged outliers out of the statistics and fits (default: flag only)\n"
          "      --cores C          cores per host for the oversubscription mark (default: from the rows)\n"
          "  -h, --help             this text\n"
          "\n"
          "weak-scaling sizes (used by scripts/study.sh):\n"
          "      --weak-size N      print the n that gives P workers P times the work of [A, N) for kernel K\n"
          "                         and method M (default sieve), rounded to 3 significant digits. Work rule:\n"
          "                         count n ln ln n; product n (log2 n)^2; trial n^1.5/ln n; naive n^2/ln n;\n"
          "                         spin n\n"
          "\n"
          "exit status: 0 success, 2 bad usage or input (one line: primes: analyze: FILE:LINE: what is wrong)\n",
          out);
}

static int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    fputs("primes: analyze: ", stderr);
    vfprintf(stderr, format, ap);
    fputc('\n', stderr);
    va_end(ap);
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
    bool help;
    const char *weak_size, *kernel, *method, *from, *workers;
} analyze_args;

enum { OPT_STRONG = 256, OPT_WEAK, OPT_CSV, OPT_DROP, OPT_CORES, OPT_WEAK_SIZE, OPT_KERNEL, OPT_METHOD, OPT_FROM,
       OPT_WORKERS };

static int parse_args(int argc, char **argv, analyze_args *args)
{
    static const struct option long_options[] = {
        {"strong", no_argument, NULL, OPT_STRONG},
        {"weak", no_argument, NULL, OPT_WEAK},
        {"csv", required_argument, NULL, OPT_CSV},
        {"drop-outliers", no_argument, NULL, OPT_DROP},
        {"cores", required_argument, NULL, OPT_CORES},
        {"weak-size", required_argument, NULL, OPT_WEAK_SIZE},
        {"kernel", required_argument, NULL, OPT_KERNEL},
        {"method", required_argument, NULL, OPT_METHOD},
        {"from", required_argument, NULL, OPT_FROM},
        {"workers", required_argument, NULL, OPT_WORKERS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *args = (analyze_args){0};
    opterr = 0;
    optind = 1;
    int c;
    uint64_t cores;
    while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_STRONG: args->analysis.scaling = SCALING_STRONG; break;
        case OPT_WEAK: args->analysis.scaling = SCALING_WEAK; break;
        case OPT_CSV: args->csv_path = optarg; break;
        case OPT_DROP: args->analysis.drop_outliers = true; break;
        case OPT_CORES:
            if (parse_u64("--cores", optarg, &cores) != 0)
                return -1;
            if (cores < 1 || cores > INT_MAX)
                return usage_error("--cores: '%s' is outside 1 .. 2^31-1", optarg), -1;
            args->analysis.cores = (int)cores;
            break;
        case OPT_WEAK_SIZE: args->weak_size = optarg; break;
        case OPT_KERNEL: args->kernel = optarg; break;
        case OPT_METHOD: args->method = optarg; break;
        case OPT_FROM: args->from = optarg; break;
        case OPT_WORKERS: args->workers = optarg; break;
        case 'h': args->help = true; break;
        case ':': return usage_error("%s needs a value (see primes analyze --help)", argv[optind - 1]), -1;
        default:
            return usage_error("unknown option '%s' (see primes analyze --help)", argv[optind - 1]), -1;
        }
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

int analyze_main(int argc, char **argv)
{
    analyze_args args;
    if (parse_args(argc, argv, &args) != 0)
        return EXIT_USAGE;
    if (args.help) {
        print_help(stdout);
        return 0;
    }
    if (args.weak_size)
        return print_weak_size(&args);
    if (args.kernel || args.workers || args.from)
        return usage_error("--kernel, --workers and --from go with --weak-size");
    if (optind >= argc)
        return usage_error("no input files (usage: primes analyze [OPTIONS] FILE..., see --help)");
    gsl_set_error_handler_off();

    run_set set = {0};
    char err[1024];
    for (int i = optind; i < argc; i++)
        if (runs_load(&set, argv[i], err, sizeof err) != 0) {
            runs_free(&set);
            return usage_error("%s", err);
        }
    if (set.count == 0) {
        runs_free(&set);
        return usage_error("no run rows in %s%s", argv[optind], argc - optind > 1 ? " and the other files" : "");
    }
    analysis a;
    int status = 0;
    if (analysis_run(&set, &args.analysis, &a, err, sizeof err) != 0) {
        status = usage_error("%s", err);
    } else {
        /* The summary first: a table cut short by a pager or `head` must not cost the file. */
        int csv_failed = args.csv_path && analysis_write_csv(args.csv_path, &a) != 0;
        int saved = errno;
        analysis_print_table(stdout, &a, &args.analysis);
        if (csv_failed)
            status = usage_error("--csv: cannot write '%s': %s", args.csv_path, strerror(saved));
    }
    analysis_free(&a);
    runs_free(&set);
    return status;
}
