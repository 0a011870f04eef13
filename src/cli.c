/* cli.c: parsing and validating the command line. Every rejection is one line naming the bad value and
 * what is allowed; nothing here writes, creates or truncates a user's file (output paths are only looked
 * at, and as root a probe file beside them is created and removed). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "kernels/pi_exact.h"
#include "kernels/verify.h"
#include "numparse.h"
#include "report.h"

#define MAX_THREADS 4096
#define MAX_REPEAT 1000000u
#define MAX_CHUNK ((uint64_t)1 << 36)
#define MAX_ITEMS_FOR (1u << 24)

static int reject(char *error, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error, size, fmt, ap);
    va_end(ap);
    return 2;
}

static void names_of_kernels(char *buf, size_t size)
{
    buf[0] = '\0';
    for (const kernel *const *k = kernel_list(); *k; k++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", k == kernel_list() ? "" : ", ", (*k)->name);
}

static void names_of_models(char *buf, size_t size)
{
    buf[0] = '\0';
    for (const model *const *m = model_list(); *m; m++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", m == model_list() ? "" : ", ", (*m)->name);
}

static int parse_count(const char *option, const char *text, uint64_t *value, char *error, size_t size)
{
    char why[96];
    if (numparse_u64(text, value, why, sizeof why) != 0)
        return reject(error, size,
                      "%s: '%s' %s (allowed: a whole number 0 .. 2^64-1 such as 1000000, 1_000_000, 1e9, "
                      "10^12, 2^40, 2^32+15)",
                      option, text, why);
    return 0;
}

static int parse_small(const char *option, const char *text, uint64_t lo, uint64_t hi, unsigned *value,
                       char *error, size_t size)
{
    uint64_t v;
    char why[96];
    if (numparse_u64(text, &v, why, sizeof why) != 0 || v < lo || v > hi)
        return reject(error, size, "%s: '%s' is not allowed (allowed: a whole number %" PRIu64 " .. %" PRIu64 ")",
                      option, text, lo, hi);
    *value = (unsigned)v;
    return 0;
}

static int parse_schedule(const char *text, options *opt, char *error, size_t size)
{
    static const char *const names[] = {"static", "cyclic", "dynamic", "guided", "batch"};
    const char *comma = strchr(text, ',');
    size_t len = comma ? (size_t)(comma - text) : strlen(text);
    int found = -1;
    for (int i = 0; i < 5; i++)
        if (strlen(names[i]) == len && strncmp(text, names[i], len) == 0)
            found = i;
    if (found < 0)
        return reject(error, size,
                      "--schedule: '%s' is not a schedule (allowed: static, cyclic, dynamic, guided, batch, each "
                      "optionally followed by ,CHUNK)",
                      text);
    opt->schedule = (schedule_kind)found;
    if (comma) {
        char why[96];
        uint64_t chunk;
        if (numparse_u64(comma + 1, &chunk, why, sizeof why) != 0 || chunk == 0 || chunk > MAX_CHUNK)
            return reject(error, size,
                          "--schedule: chunk '%s' is not allowed (allowed: numbers per work item, 1 .. 2^36)",
                          comma + 1);
        opt->chunk = chunk;
    }
    return 0;
}

static int parse_method(const char *text, options *opt, char *error, size_t size)
{
    if (strcmp(text, "sieve") == 0)
        opt->method = METHOD_SIEVE;
    else if (strcmp(text, "trial") == 0)
        opt->method = METHOD_TRIAL;
    else if (strcmp(text, "naive") == 0)
        opt->method = METHOD_NAIVE;
    else
        return reject(error, size, "--method: '%s' is not a method (allowed: sieve, trial, naive)", text);
    return 0;
}

/* The directory of path exists and takes new files, and path is neither a directory nor a file that cannot
 * be written (checked before the run, so a bad path fails fast and no file is touched). */
static int check_writable(const char *option, const char *path, char *error, size_t size)
{
    if (!*path)
        return reject(error, size, "%s: the file name is empty (allowed: a path to a writable file)", option);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (access(dir, W_OK) != 0)
        return reject(error, size, "%s: cannot write '%s': %s (allowed: a path in a writable directory)", option,
                      path, strerror(errno));
    if (geteuid() == 0) {
        /* access() says yes to root even where nothing can be created (/proc): as root, a file really
         * created there and removed (-o and --trace write a temporary file beside theirs, renamed when it
         * is whole). Not for other users: every rank of a large job would create one on a shared file
         * system. */
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof probe, "%s/.primes-probe-XXXXXX", dir);
        int probe_fd = mkstemp(probe);
        if (probe_fd < 0)
            return reject(error, size, "%s: cannot write '%s': %s (allowed: a path in a writable directory)",
                          option, path, strerror(errno));
        close(probe_fd);
        unlink(probe);
    }
    struct stat st;
    if (stat(path, &st) != 0)
        return 0; /* a new file */
    if (S_ISDIR(st.st_mode))
        return reject(error, size, "%s: '%s' is a directory (allowed: a path to a file)", option, path);
    if (S_ISREG(st.st_mode)) {
        /* opened for writing without truncating or creating: the file is left as it is */
        int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            return reject(error, size, "%s: cannot write '%s': %s (allowed: a writable file)", option, path,
                          strerror(errno));
        close(fd);
    }
    return 0;
}

/* An existing, non-empty --csv file must hold this version's run rows, so a run never appends its row under
 * another file's header (a trace, a summary, someone else's data, or runs of another schema version). */
static int check_csv_kind(const char *path, char *error, size_t size)
{
    if (!report_csv_takes_runs(path))
        return reject(error, size,
                      "--csv: '%s' holds other data (allowed: a new file, or one written by this version's "
                      "primes --csv, with the " REPORT_SCHEMA " columns)",
                      path);
    return 0;
}

/* Two of --csv, --trace and -o naming one file would overwrite or interleave each other. */
static bool same_file(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    if (strcmp(a, b) == 0)
        return true;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int check_distinct_outputs(const options *opt, char *error, size_t size)
{
    const char *names[] = {"--csv", "--trace", "--output"};
    const char *paths[] = {opt->csv_path, opt->trace_path, opt->output_path};
    for (int i = 0; i < 3; i++)
        for (int k = i + 1; k < 3; k++)
            if (same_file(paths[i], paths[k]))
                return reject(error, size, "%s: '%s' is also the %s file (allowed: a different file for each)",
                              names[k], paths[k], names[i]);
    return 0;
}

/* Option table: long name, short letter (0: none), takes a value. */
typedef struct option_spec {
    const char *name;
    char short_name;
    bool has_value;
} option_spec;

static const option_spec specs[] = {
    {"n", 'n', true},         {"from", 0, true},       {"model", 'm', true},   {"threads", 't', true},
    {"schedule", 's', true},  {"method", 0, true},     {"repeat", 'r', true},  {"warmup", 0, true},
    {"json", 0, false},       {"csv", 0, true},        {"trace", 0, true},     {"verify", 0, false},
    {"output", 'o', true},    {"hex", 0, false},       {"quiet", 'q', false},  {"help", 'h', false},
    {"version", 'V', false},  {"list", 0, false},       {"workload", 'w', true}, {"scale", 0, true},
    {"items-for", 0, true},
};

static const option_spec *find_spec(const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    if (arg[0] == '-' && arg[1] == '-') {
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
            if (strlen(specs[i].name) == len && strncmp(specs[i].name, name, len) == 0) {
                if (eq)
                    *inline_value = eq + 1;
                return &specs[i];
            }
        return NULL;
    }
    if (arg[0] == '-' && arg[1] && arg[1] != '-') {
        for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
            if (specs[i].short_name == arg[1]) {
                if (arg[2])
                    *inline_value = arg + 2;
                return &specs[i];
            }
    }
    return NULL;
}

static int apply_option(const option_spec *spec, const char *value, options *opt, bool *n_given,
                        bool *from_given, bool *method_given, char *error, size_t size)
{
    const char *name = spec->name;
    char label[32];
    snprintf(label, sizeof label, spec->short_name && strcmp(name, "n") == 0 ? "-%s" : "--%s", name);
    if (strcmp(name, "n") == 0) {
        *n_given = true;
        return parse_count(label, value, &opt->n, error, size);
    }
    if (strcmp(name, "from") == 0) {
        *from_given = true;
        return parse_count(label, value, &opt->from, error, size);
    }
    if (strcmp(name, "model") == 0) {
        opt->model = model_find(value);
        if (!opt->model) {
            char names[256];
            names_of_models(names, sizeof names);
            return reject(error, size, "--model: '%s' is not a model of this build (allowed: %s)", value, names);
        }
        return 0;
    }
    if (strcmp(name, "threads") == 0) {
        unsigned t = 0;
        if (parse_small(label, value, 1, MAX_THREADS, &t, error, size))
            return 2;
        opt->threads = (int)t;
        return 0;
    }
    if (strcmp(name, "schedule") == 0)
        return parse_schedule(value, opt, error, size);
    if (strcmp(name, "method") == 0) {
        *method_given = true;
        return parse_method(value, opt, error, size);
    }
    if (strcmp(name, "repeat") == 0)
        return parse_small(label, value, 1, MAX_REPEAT, &opt->repeat, error, size);
    if (strcmp(name, "warmup") == 0)
        return parse_small(label, value, 0, MAX_REPEAT, &opt->warmup, error, size);
    if (strcmp(name, "csv") == 0) {
        opt->csv_path = value;
        return check_writable(label, value, error, size);
    }
    if (strcmp(name, "trace") == 0) {
        opt->trace_path = value;
        return check_writable(label, value, error, size);
    }
    if (strcmp(name, "output") == 0) {
        opt->output_path = value;
        return check_writable(label, value, error, size);
    }
    if (strcmp(name, "items-for") == 0)
        return parse_small(label, value, 1, MAX_ITEMS_FOR, &opt->items_for, error, size);
    if (strcmp(name, "workload") == 0) {
        opt->workload = value;
        return 0;
    }
    if (strcmp(name, "scale") == 0) {
        char *end = NULL;
        double v = strtod(value, &end);
        if (!*value || *end || !(v > 0) || v > 1e6)
            return reject(error, size, "--scale: '%s' is not allowed (allowed: a number above 0, at most 1e6, such "
                                       "as 0.01, 0.5, 1, 2)",
                          value);
        opt->scale = v;
        return 0;
    }
    if (strcmp(name, "json") == 0)
        opt->json = true;
    else if (strcmp(name, "verify") == 0)
        opt->verify = true;
    else if (strcmp(name, "hex") == 0)
        opt->hex = true;
    else if (strcmp(name, "quiet") == 0)
        opt->quiet = true;
    else if (strcmp(name, "help") == 0)
        opt->command = COMMAND_HELP;
    else if (strcmp(name, "version") == 0)
        opt->command = COMMAND_VERSION;
    else if (strcmp(name, "list") == 0)
        opt->command = COMMAND_LIST;
    return 0;
}

static uint64_t default_n(const kernel *k)
{
    if (strcmp(k->name, "product") == 0)
        return 1000000;
    if (strcmp(k->name, "spin") == 0)
        return 387420489; /* 9^9, the tutorials' count */
    return 1000000000;
}

/* Checks that need every option at once. */
/* Whether the space-separated list holds the word. */
static bool list_has(const char *list, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = list; p && *p;) {
        size_t span = strcspn(p, " ");
        if (span == len && strncmp(p, word, len) == 0)
            return true;
        p += span;
        p += strspn(p, " ");
    }
    return false;
}

static int validate(options *opt, bool n_given, bool from_given, bool method_given, char *error, size_t size)
{
    const kernel *k = opt->kernel;
    if (k->task_count) {
        if (n_given || from_given)
            return reject(error, size, "-n/--from: kernel '%s' runs a list of tasks, not a range (allowed: "
                                       "--workload NAME and --scale S)",
                          k->name);
        if (!opt->workload)
            opt->workload = "products";
        if (!list_has(k->workloads, opt->workload))
            return reject(error, size, "--workload: '%s' is not a workload (allowed: %s)", opt->workload,
                          k->workloads);
    } else if (opt->workload || opt->scale) {
        return reject(error, size, "--workload/--scale: kernel '%s' has no tasks (allowed with: tasks)", k->name);
    }
    if (opt->items_for && k->task_count)
        return reject(error, size, "--items-for: kernel '%s' runs one task per item (allowed with the range "
                                   "kernels)",
                      k->name);
    if (opt->items_for && opt->chunk)
        return reject(error, size, "--items-for: %u sizes the default items, but -s gives the chunk %" PRIu64
                                   " (allowed: one of the two)",
                      opt->items_for, opt->chunk);
    if (!opt->scale)
        opt->scale = 1;
    if (!n_given)
        opt->n = default_n(opt->kernel);
    if (from_given && opt->from >= opt->n)
        return reject(error, size, "--from: %" PRIu64 " is not below -n %" PRIu64 " (allowed: --from < -n)",
                      opt->from, opt->n);
    if (method_given && !opt->kernel->takes_method)
        return reject(error, size, "--method: kernel '%s' has no methods (allowed with: count, product)",
                      opt->kernel->name);
    uint64_t width = opt->n > opt->from ? opt->n - opt->from : 0;
    if (opt->kernel->max_width && width > opt->kernel->max_width)
        return reject(error, size,
                      "-n: the range [%" PRIu64 ", %" PRIu64 ") is too wide for %s (allowed: n - from <= %" PRIu64
                      ", the result would not fit in memory)",
                      opt->from, opt->n, opt->kernel->name, opt->kernel->max_width);
    if (opt->output_path && !opt->kernel->writes_output)
        return reject(error, size, "--output: kernel '%s' writes no output file (allowed with: product)",
                      opt->kernel->name);
    if (opt->hex && !opt->output_path)
        return reject(error, size, "--hex: needs -o FILE (allowed: --hex together with -o FILE, for a hexadecimal output file)");
    if (opt->verify && strcmp(opt->kernel->name, "count") == 0 && !verify_count_supported(opt->from, opt->n))
        return reject(error, size,
                      "--verify: the exact check of [%" PRIu64 ", %" PRIu64 ") is out of reach (allowed: n <= %" PRIu64
                      ", or a range at most %u wide)",
                      opt->from, opt->n, (uint64_t)PI_EXACT_MAX + 1, (unsigned)VERIFY_PRIME_BY_PRIME_WIDTH);
    int status = check_distinct_outputs(opt, error, size);
    if (status == 0 && opt->csv_path)
        status = check_csv_kind(opt->csv_path, error, size);
    if (status)
        return status;
    if (opt->model && strcmp(opt->model->name, "serial") == 0 && opt->threads > 1)
        return reject(error, size, "--threads: %d does not apply to --model serial (allowed: 1)", opt->threads);
    if (opt->model && strcmp(opt->model->name, "mpi") == 0 && opt->threads > 1)
        return reject(error, size,
                      "--threads: %d does not apply to --model mpi, one worker per rank (allowed: 1; threads in "
                      "each rank: --model hybrid)",
                      opt->threads);
    if (opt->model && strcmp(opt->model->name, "events") == 0 && opt->threads > 1 &&
        opt->schedule != SCHEDULE_BATCH)
        return reject(error, size,
                      "--threads: %d does not apply to --model events, one thread (allowed: 1, or with --schedule "
                      "batch the round size)",
                      opt->threads);
    return 0;
}

int cli_parse(int argc, char **argv, options *opt, char *error, size_t size)
{
    memset(opt, 0, sizeof *opt);
    opt->command = COMMAND_RUN;
    opt->kernel = kernel_find("count");
    opt->method = METHOD_SIEVE;
    opt->schedule = SCHEDULE_DYNAMIC;
    opt->repeat = 1;
    bool n_given = false, from_given = false, method_given = false, kernel_given = false;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0') {
            if (kernel_given || i != 1) {
                if (kernel_find(arg) || strcmp(arg, "info") == 0)
                    return reject(error, size, "'%s' must come first (allowed: primes %s [OPTIONS])", arg, arg);
                return reject(error, size, "'%s' is not an option (allowed: options start with -; see --help)",
                              arg);
            }
            kernel_given = true;
            if (strcmp(arg, "info") == 0) {
                opt->command = COMMAND_INFO;
                continue;
            }
            opt->kernel = kernel_find(arg);
            if (!opt->kernel) {
                char names[256];
                names_of_kernels(names, sizeof names);
                return reject(error, size, "'%s' is not a kernel or command (allowed kernels: %s; commands: info, analyze, overhead)",
                              arg, names);
            }
            continue;
        }
        const char *value;
        const option_spec *spec = find_spec(arg, &value);
        if (!spec)
            return reject(error, size, "'%s' is not an option (allowed: see primes --help)", arg);
        if (spec->has_value && !value) {
            if (i + 1 >= argc)
                return reject(error, size, "'%s' needs a value (see primes --help)", arg);
            value = argv[++i];
        } else if (!spec->has_value && value) {
            return reject(error, size, "'%s' takes no value (see primes --help)", arg);
        }
        int status = apply_option(spec, value, opt, &n_given, &from_given, &method_given, error, size);
        if (status)
            return status;
    }
    if (opt->command != COMMAND_RUN)
        return 0;
    return validate(opt, n_given, from_given, method_given, error, size);
}

void cli_print_help(FILE *out)
{
    fputs("usage: primes [KERNEL] [OPTIONS]\n"
          "       primes info                       this machine, libraries and build\n"
          "       primes analyze [OPTIONS] CSV...   statistics and scaling fits (primes analyze --help)\n"
          "       primes overhead [OPTIONS]         threads, processes, OpenMP, MPI costs (--help)\n"
          "\n"
          "Runs one kernel under one parallel model, times it, verifies the answer and reports it.\n"
          "\n"
          "kernels:\n",
          out);
    for (const kernel *const *k = kernel_list(); *k; k++)
        fprintf(out, "  %-9s %s\n", (*k)->name, (*k)->summary);
    fputs("\n"
          "range:\n"
          "  -n N                 upper bound, exclusive (count 1e9, product 1e6, spin 9^9 by default)\n"
          "      --from A         lower bound (default 0); numbers may be written 1000000, 1_000_000, 1e9,\n"
          "                       10^12, 2^40, 2^32+15, anything from 0 to 2^64-1\n"
          "      --method M       sieve (default) | trial (divisors up to sqrt i) | naive (every j up to i/2)\n"
          "\n"
          "parallelism:\n"
          "  -m, --model M        serial | omp | pthreads | fork | events | mpi | hybrid (compiled in: --list);\n"
          "                       default: mpi (hybrid with threads > 1) under mpirun/srun with 2+ ranks, else\n"
          "                       omp when a thread count > 1 is asked for, else serial\n"
          "  -t, --threads T      workers per process (default: OMP_NUM_THREADS, else SLURM_CPUS_PER_TASK,\n"
          "                       else the cores this process may run on)\n"
          "  -s, --schedule S[,C] static | cyclic | dynamic (default) | guided | batch; C = numbers per work\n"
          "                       item (batch: rounds of one task per worker, each round waiting for all)\n"
          "      --items-for W    size the default items for W workers (default: this run's): every one\n"
          "                       gets an item; a study gives its largest point, so all points run alike\n"
          "\n"
          "measurement and output:\n"
          "  -r, --repeat R       timed repetitions (default 1)      --warmup W  untimed runs first (0)\n"
          "      --verify         check against an independent method (count: Meissel-Lehmer pi(x);\n"
          "                       product: GMP's mpz_primorial_ui; spin: closed form)\n"
          "      --json           one JSON object per repetition on stdout (JSON Lines)\n"
          "      --csv FILE       append one row per repetition (header written once, whole lines)\n"
          "      --trace FILE     one row per work item: worker, host, bounds, start and stop times\n"
          "  -o, --output FILE    product: write the full number in decimal (--hex: hexadecimal)\n"
          "  -q, --quiet          no progress line\n"
          "      --list           kernels, methods, models and schedules compiled in\n"
          "  -h, --help           this text            -V, --version  version and git commit\n"
          "\n"
          "tasks (the tutorials' workloads, a list of independent tasks):\n"
          "  -w, --workload NAME  the list of tasks (primes --list names them all; docs/tutorials.md)\n"
          "      --scale S        size factor of the tasks (default 1: the tutorials' sizes)\n"
          "\n"
          "exit status: 0 success, 1 verification failed, 2 bad usage or input, 3 the run failed\n",
          out);
}

void cli_print_list(FILE *out)
{
    fputs("kernels:\n", out);
    for (const kernel *const *k = kernel_list(); *k; k++)
        fprintf(out, "  %-9s %s%s\n", (*k)->name, (*k)->summary, (*k)->takes_method ? " [sieve trial naive]" : "");
    fputs("methods:\n  sieve     segmented Sieve of Eratosthenes, mod-30 wheel, pre-sieved\n"
          "  trial     trial division by odd numbers up to sqrt(i)\n"
          "  naive     the tutorials' division by every j from 2 up to i/2\n",
          out);
    fputs("models:\n", out);
    for (const model *const *m = model_list(); *m; m++)
        fprintf(out, "  %-9s %s\n", (*m)->name, (*m)->summary);
    fputs("schedules:\n  static    contiguous blocks of items\n  cyclic    item i to worker i mod W\n"
          "  dynamic   next free item to the next free worker\n  guided    dynamic, in shrinking batches\n"
          "  batch     rounds of W items, each round waiting for all of its items\n",
          out);
    for (const kernel *const *k = kernel_list(); *k; k++)
        if ((*k)->workloads)
            fprintf(out, "workloads of %s:\n  %s\n", (*k)->name, (*k)->workloads);
}
