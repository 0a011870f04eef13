/* cli.c: parsing and validating the command line. Every rejection is one line naming the bad value and
 * what is allowed; nothing here writes, creates or truncates a user's file (output paths are only looked
 * at, and as root a probe file beside them is created and removed). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "env_check.h"
#include "files.h"
#include "kernels/pi_exact.h"
#include "kernels/verify.h"
#include "numparse.h"
#include "options.h"
#include "report.h"

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

/* What the parse of one command line collects besides the options themselves. */
typedef struct cli_state {
    options opt;
    bool n_given, from_given, method_given, kernel_given;
} cli_state;

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
        return options_reject(
            error, size,
            "--schedule: '%s' is not a schedule (allowed: static, cyclic, dynamic, guided, batch, each "
            "optionally followed by ,CHUNK)",
            text);
    opt->schedule = (schedule_kind)found;
    if (comma) {
        char why[96];
        uint64_t chunk;
        if (numparse_u64(comma + 1, &chunk, why, sizeof why) != 0 || chunk == 0 || chunk > OPTIONS_MAX_CHUNK)
            return options_reject(error, size,
                                  "--schedule: chunk '%s' is not allowed (allowed: numbers per work item, 1 .. 2^36)",
                                  comma + 1);
        opt->chunk = chunk;
    }
    return 0;
}

static int parse_method(const char *text, options *opt, char *error, size_t size)
{
    if (!method_find(text, &opt->method)) {
        char names[64] = "";
        for (int m = 0; m < METHOD_COUNT; m++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", m ? ", " : "",
                     method_name((method_kind)m));
        return options_reject(error, size, "--method: '%s' is not a method (allowed: %s)", text, names);
    }
    return 0;
}

/* A path the run will write, checked before the run (files_check_writable), so a bad path fails fast and
 * no file is touched. */
static int check_writable(const char *option, const char *path, char *error, size_t size)
{
    char why[PATH_MAX + 128];
    if (file_check_writable(path, why, sizeof why) != 0)
        return options_reject(error, size, "%s: %s", option, why);
    return 0;
}

/* An existing, non-empty --csv file must hold this version's run rows, so a run never appends its row under
 * another file's header (a trace, a summary, someone else's data, or runs of another schema version); and
 * a record file is a regular file (a device or a FIFO is never read as records). */
static int check_csv_kind(const char *path, char *error, size_t size)
{
    if (strcmp(path, "-") == 0)
        return options_reject(error, size,
                              "--csv: '-' is not a record file (allowed: a file; --json prints each run on standard "
                              "output)");
    switch (report_csv_kind(path)) {
    case FILE_ABSENT_OR_EMPTY:
    case FILE_HEADER_MATCHES:
        return 0;
    case FILE_NOT_REGULAR:
        return options_reject(error, size,
                              "--csv: '%s' is not a regular file (allowed: a new file, or one written by primes "
                              "--csv; -o and --trace take devices and -)",
                              path);
    case FILE_UNREADABLE:
        return options_reject(error, size, "--csv: cannot read '%s': %s (allowed: a readable runs CSV)", path,
                              strerror(errno));
    case FILE_HEADER_OTHER:
        break;
    }
    return options_reject(error, size,
                          "--csv: '%s' holds other data (allowed: a new file, or one written by this version's "
                          "primes --csv, with the " REPORT_SCHEMA " columns)",
                          path);
}

/* Two of --csv, --trace and -o naming one file would overwrite or interleave each other (a character
 * device such as /dev/null takes both). */
static int check_distinct_outputs(const options *opt, char *error, size_t size)
{
    const char *names[] = {"--csv", "--trace", "--output"};
    const char *paths[] = {opt->csv_path, opt->trace_path, opt->output_path};
    for (int i = 0; i < 3; i++)
        for (int k = i + 1; k < 3; k++)
            if (file_same(paths[i], paths[k]) && !file_is_device(paths[k]))
                return options_reject(error, size, "%s: '%s' is also the %s file (allowed: a different file for each)",
                                      names[k], paths[k], names[i]);
    return 0;
}

/* ---- the option table's handlers ---- */

static int on_n(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    ((cli_state *)target)->n_given = true;
    return option_set_u64(target, o, value, error, size);
}

static int on_from(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    ((cli_state *)target)->from_given = true;
    return option_set_u64(target, o, value, error, size);
}

static int on_model(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    (void)o;
    options *opt = &((cli_state *)target)->opt;
    opt->model = model_find(value);
    if (!opt->model) {
        char names[256];
        names_of_models(names, sizeof names);
        return options_reject(error, size, "--model: '%s' is not a model of this build (allowed: %s)", value, names);
    }
    return 0;
}

static int on_threads(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    unsigned t = 0;
    int status = option_set_unsigned(&t, o, value, error, size);
    ((cli_state *)target)->opt.threads = (int)t;
    return status;
}

static int on_schedule(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    (void)o;
    return parse_schedule(value, &((cli_state *)target)->opt, error, size);
}

static int on_method(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    (void)o;
    ((cli_state *)target)->method_given = true;
    return parse_method(value, &((cli_state *)target)->opt, error, size);
}

/* A path the run will write: kept, and checked before anything runs. */
static int on_output_path(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    char label[40];
    option_set_text(target, o, value, error, size);
    return check_writable(options_label(o, label, sizeof label), value, error, size);
}

static int on_scale(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    (void)o;
    char *end = NULL;
    double v = strtod(value, &end);
    if (!*value || *end || !(v > 0) || v > 1e6)
        return options_reject(error, size,
                              "--scale: '%s' is not allowed (allowed: a number above 0, at most 1e6, such "
                              "as 0.01, 0.5, 1, 2)",
                              value);
    ((cli_state *)target)->opt.scale = v;
    return 0;
}

static int on_command(void *target, const option_def *o, const char *value, char *error, size_t size)
{
    (void)value;
    (void)error;
    (void)size;
    ((cli_state *)target)->opt.command = (command_kind)o->lo;
    return 0;
}

/* The first argument may name the kernel (or the info command); any later word is a mistake. */
static int on_operand(void *target, const char *arg, int index, char *error, size_t size)
{
    cli_state *st = target;
    if (st->kernel_given || index != 1) {
        if (kernel_find(arg) || strcmp(arg, "info") == 0)
            return options_reject(error, size, "'%s' must come first (allowed: primes %s [OPTIONS])", arg, arg);
        return options_reject(error, size, "'%s' is not an option (allowed: options start with -; see --help)", arg);
    }
    st->kernel_given = true;
    if (strcmp(arg, "info") == 0) {
        st->opt.command = COMMAND_INFO;
        return 0;
    }
    st->opt.kernel = kernel_find(arg);
    if (!st->opt.kernel) {
        char names[256];
        names_of_kernels(names, sizeof names);
        return options_reject(
            error, size, "'%s' is not a kernel or command (allowed kernels: %s; commands: info, analyze, overhead)",
            arg, names);
    }
    return 0;
}

#define AT(field) offsetof(cli_state, opt.field)

static const option_def cli_options[] = {
    {"n", 'n', "N", "upper bound, exclusive (default: the kernel's, primes --list)", on_n, AT(n), 0, UINT64_MAX,
     "range:"},
    {"from", 0, "A",
     "lower bound (default 0); numbers may be written 1000000, 1_000_000, 1e9,\n"
     "10^12, 2^40, 2^32+15, anything from 0 to 2^64-1",
     on_from, AT(from), 0, UINT64_MAX, NULL},
    {"method", 0, "M", "sieve (default) | trial (divisors up to sqrt i) | naive (every j up to i/2)", on_method, 0, 0,
     0, NULL},
    {"model", 'm', "M",
     "serial | omp | pthreads | fork | events | mpi | hybrid (compiled in: --list);\n"
     "default: mpi (hybrid with threads > 1) under mpirun/srun with 2+ ranks, else\n"
     "omp when a thread count > 1 is asked for, else serial",
     on_model, 0, 0, 0, "parallelism:"},
    {"threads", 't', "T",
     "workers per process (default: OMP_NUM_THREADS, else SLURM_CPUS_PER_TASK,\n"
     "else the cores this process may run on)",
     on_threads, 0, 1, OPTIONS_MAX_THREADS, NULL},
    {"schedule", 's', "S[,C]",
     "static | cyclic | dynamic (default) | guided | batch; C = numbers per work\n"
     "item (batch: rounds of one task per worker, each round waiting for all)",
     on_schedule, 0, 0, 0, NULL},
    {"items-for", 0, "W",
     "size the default items for W workers (default: this run's): every one\n"
     "gets an item; a study gives its largest point, so all points run alike",
     option_set_unsigned, AT(items_for), 1, OPTIONS_MAX_ITEMS_FOR, NULL},
    {"repeat", 'r', "R", "timed repetitions (default 1)", option_set_unsigned, AT(repeat), 1, OPTIONS_MAX_REPEAT,
     "measurement and output:"},
    {"warmup", 0, "W", "untimed runs first (default 0)", option_set_unsigned, AT(warmup), 0, OPTIONS_MAX_REPEAT, NULL},
    {"verify", 0, NULL,
     "check against an independent method (count: Meissel-Lehmer pi(x);\n"
     "product: GMP's mpz_primorial_ui; a narrow range far from 0: Miller-Rabin\n"
     "on each number; spin: closed form)",
     option_set_flag, AT(verify), 0, 0, NULL},
    {"json", 0, NULL, "one JSON object per repetition on stdout (JSON Lines)", option_set_flag, AT(json), 0, 0, NULL},
    {"csv", 0, "FILE", "append one row per repetition (header written once, whole lines)", on_output_path, AT(csv_path),
     0, 0, NULL},
    {"trace", 0, "FILE", "one row per work item: worker, host, bounds, start and stop times", on_output_path,
     AT(trace_path), 0, 0, NULL},
    {"output", 'o', "FILE", "product: write the full number in decimal (--hex: hexadecimal)", on_output_path,
     AT(output_path), 0, 0, NULL},
    {"hex", 0, NULL, "with -o: the number in hexadecimal", option_set_flag, AT(hex), 0, 0, NULL},
    {"quiet", 'q', NULL, "no progress line", option_set_flag, AT(quiet), 0, 0, NULL},
    {"check", 0, NULL,
     "check this command's options, environment and output paths as a run would,\n"
     "then stop: exit 0 and nothing printed, or 2 and the line (scripts plan with it)",
     option_set_flag, AT(check_only), 0, 0, NULL},
    {"list", 0, NULL, "kernels, methods, models and schedules compiled in, with their facts", on_command, 0,
     COMMAND_LIST, 0, NULL},
    {"help", 'h', NULL, "this text", on_command, 0, COMMAND_HELP, 0, NULL},
    {"version", 'V', NULL, "version and git commit", on_command, 0, COMMAND_VERSION, 0, NULL},
    {"workload", 'w', "NAME", "the list of tasks (primes --list names them all; docs/tutorials.md)", option_set_text,
     AT(workload), 0, 0, "tasks (the tutorials' workloads, a list of independent tasks):"},
    {"scale", 0, "S", "size factor of the tasks (default 1: the tutorials' sizes)", on_scale, 0, 0, 0, NULL},
};

static const command_def cli_command = {
    .help_name = "primes",
    .unknown_format = "'%s' is not an option (allowed: see primes --help)",
    .options = cli_options,
    .count = sizeof cli_options / sizeof cli_options[0],
    .operand = on_operand,
};

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

static bool has_methods(const kernel *k)
{
    return k->takes_method;
}

static bool has_tasks(const kernel *k)
{
    return k->tasks != NULL;
}

static bool has_output(const kernel *k)
{
    return k->writes_output;
}

/* "count, product": the kernels of which the fact holds, for the messages' "allowed with". */
static const char *kernels_where(bool (*fact)(const kernel *), char *buf, size_t size)
{
    buf[0] = '\0';
    for (const kernel *const *k = kernel_list(); *k; k++)
        if (fact(*k))
            snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? ", " : "", (*k)->name);
    return buf;
}

/* What a chunk costs before any number is looked at: every item is scheduled, traced (a trace_item each,
 * asked for or not: the run's own balance figures come from it) and set up by the kernel. A chunk whose
 * items would spend more than ITEMS_BUDGET_S on that, or need more than OPTIONS_MAX_ITEMS trace
 * entries, is refused with the smallest chunk that fits. ITEM_COST_S is the scheduling and tracing of one
 * item (measured: 0.2 us serial, about 1 us under the threaded and MPI models' dynamic hand-out). */
#define ITEM_COST_S 1e-6
#define ITEMS_BUDGET_S 20.0
static int check_items(const kernel *k, const options *opt, uint64_t width, char *error, size_t size)
{
    job planned = {.kernel = k, .method = opt->method, .from = opt->from, .n = opt->n};
    job_set_chunk(&planned, opt->chunk);
    double per_item = ITEM_COST_S + (k->item_setup_s ? k->item_setup_s(&planned) : 0);
    double by_time = ITEMS_BUDGET_S / per_item;
    uint64_t most = by_time < (double)OPTIONS_MAX_ITEMS ? (uint64_t)by_time : OPTIONS_MAX_ITEMS;
    if (planned.n_items <= most)
        return 0;
    uint64_t smallest = width / most + 1;
    return options_reject(error, size,
                          "--schedule: chunk %" PRIu64 " cuts [%" PRIu64 ", %" PRIu64 ") into %" PRIu64
                          " items: about %.0f s of set-up and %.1f GB of trace before any work (allowed here: a "
                          "chunk of at least %" PRIu64 ", at most %" PRIu64 " items; or no chunk, for the default)",
                          opt->chunk, opt->from, opt->n, planned.n_items, (double)planned.n_items * per_item,
                          (double)planned.n_items * (double)sizeof(trace_item) / 1e9, smallest, most);
}

static int validate(options *opt, bool n_given, bool from_given, bool method_given, char *error, size_t size)
{
    if (!opt->threads) {
        int refused = env_check_threads(&opt->env_threads, error, size);
        if (refused)
            return refused;
    }
    int refused_stack = env_check_stacksize(error, size);
    if (refused_stack)
        return refused_stack;
    const kernel *k = opt->kernel;
    char which[256];
    if (k->tasks) {
        if (n_given || from_given)
            return options_reject(error, size,
                                  "-n/--from: kernel '%s' runs a list of tasks, not a range (allowed: "
                                  "--workload NAME and --scale S)",
                                  k->name);
        if (!opt->workload)
            opt->workload = k->tasks->default_workload;
        if (!list_has(k->tasks->workloads, opt->workload))
            return options_reject(error, size, "--workload: '%s' is not a workload (allowed: %s)", opt->workload,
                                  k->tasks->workloads);
    } else if (opt->workload || opt->scale) {
        return options_reject(error, size, "--workload/--scale: kernel '%s' has no tasks (allowed with: %s)", k->name,
                              kernels_where(has_tasks, which, sizeof which));
    }
    if (opt->items_for && k->tasks)
        return options_reject(error, size,
                              "--items-for: kernel '%s' runs one task per item (allowed with the range "
                              "kernels)",
                              k->name);
    if (opt->items_for && opt->chunk)
        return options_reject(error, size,
                              "--items-for: %u sizes the default items, but -s gives the chunk %" PRIu64
                              " (allowed: one of the two)",
                              opt->items_for, opt->chunk);
    if (!opt->scale)
        opt->scale = 1;
    if (!n_given)
        opt->n = k->default_n;
    if (from_given && opt->from >= opt->n)
        return options_reject(error, size, "--from: %" PRIu64 " is not below -n %" PRIu64 " (allowed: --from < -n)",
                              opt->from, opt->n);
    if (!k->tasks && opt->from >= opt->n)
        return options_reject(error, size, "-n: %" PRIu64 " leaves the range [%" PRIu64 ", %" PRIu64
                              ") empty (allowed: -n above --from, at least 1)",
                              opt->n, opt->from, opt->n);
    if (method_given && !k->takes_method)
        return options_reject(error, size, "--method: kernel '%s' has no methods (allowed with: %s)", k->name,
                              kernels_where(has_methods, which, sizeof which));
    uint64_t width = opt->n > opt->from ? opt->n - opt->from : 0;
    if (k->max_width && width > k->max_width)
        return options_reject(error, size,
                              "-n: the range [%" PRIu64 ", %" PRIu64
                              ") is too wide for %s (allowed: n - from <= %" PRIu64
                              ", the result would not fit in memory)",
                              opt->from, opt->n, k->name, k->max_width);
    if (opt->chunk && !k->tasks) {
        int refused = check_items(k, opt, width, error, size);
        if (refused)
            return refused;
    }
    if (opt->output_path && !k->writes_output)
        return options_reject(error, size, "--output: kernel '%s' writes no output file (allowed with: %s)", k->name,
                              kernels_where(has_output, which, sizeof which));
    if (opt->hex && !opt->output_path)
        return options_reject(
            error, size, "--hex: needs -o FILE (allowed: --hex together with -o FILE, for a hexadecimal output file)");
    if (k->check) {
        job planned = {.kernel = k, .method = opt->method, .from = opt->from, .n = opt->n, .verify_exact = opt->verify};
        int refused = k->check(&planned, error, size);
        if (refused)
            return refused;
    }
    int status = check_distinct_outputs(opt, error, size);
    if (status == 0 && opt->csv_path)
        status = check_csv_kind(opt->csv_path, error, size);
    if (status)
        return status;
    const model *m = opt->model;
    if (m && m->one_thread && opt->threads > 1 && !(m->threads_as_rounds && opt->schedule == SCHEDULE_BATCH))
        return options_reject(error, size, "--threads: %d does not apply to --model %s%s", opt->threads, m->name,
                              m->threads_rule);
    return 0;
}

int cli_parse(int argc, char **argv, options *opt, char *error, size_t size)
{
    /* the registry's first kernel is the default */
    cli_state st = {.opt = {.command = COMMAND_RUN,
                            .kernel = kernel_list()[0],
                            .method = METHOD_SIEVE,
                            .schedule = SCHEDULE_DYNAMIC,
                            .repeat = 1}};
    int status = options_parse(&cli_command, argc, argv, &st, error, size);
    *opt = st.opt;
    if (status || opt->command != COMMAND_RUN)
        return status;
    return validate(opt, st.n_given, st.from_given, st.method_given, error, size);
}

void cli_print_help(FILE *out)
{
    /* GNU's form (Usage:, or:, two spaces before every description): help2man makes the man page of it */
    fputs("Usage: primes [KERNEL] [OPTIONS]\n"
          "  or:  primes info\n"
          "  or:  primes analyze [OPTIONS] CSV...\n"
          "  or:  primes overhead [OPTIONS]\n"
          "\n"
          "Runs one kernel under one parallel model, times it, verifies the answer and reports it.\n"
          "\n"
          "commands:\n"
          "  info      this machine, libraries and build\n"
          "  analyze   statistics and scaling fits of runs files (primes analyze --help)\n"
          "  overhead  what threads, processes, OpenMP and MPI cost here (primes overhead --help)\n"
          "\n"
          "kernels:\n",
          out);
    for (const kernel *const *k = kernel_list(); *k; k++)
        fprintf(out, "  %-9s %s\n", (*k)->name, (*k)->summary);
    options_print_help(out, &cli_command);
    fputs("\nexit status: 0 success, 1 verification failed, 2 bad usage or input, 3 the run failed\n", out);
}

void cli_print_list(FILE *out)
{
    /* facts in brackets, for the scripts (primes --list is their one source; scripts/lib.sh reads them):
     * a kernel's methods and default n; a model's mpi (needs MPI and a launcher for 2+ ranks), one thread
     * (one per process whatever -t says), rounds (-t is then the round size of --schedule batch) and
     * simulable (SimGrid's SMPI can run it faithfully) */
    fputs("kernels:\n", out);
    for (const kernel *const *k = kernel_list(); *k; k++) {
        fprintf(out, "  %-9s %s", (*k)->name, (*k)->summary);
        if ((*k)->takes_method) {
            fputs(" [", out);
            for (int m = 0; m < METHOD_COUNT; m++)
                fprintf(out, "%s%s", m ? " " : "", method_name((method_kind)m));
            fputc(']', out);
        }
        if (!(*k)->tasks)
            fprintf(out, " [n %" PRIu64 "]", (*k)->default_n);
        fputc('\n', out);
    }
    fputs("methods:\n  sieve     segmented Sieve of Eratosthenes, mod-30 wheel, pre-sieved\n"
          "  trial     trial division by odd numbers up to sqrt(i)\n"
          "  naive     the tutorials' division by every j from 2 up to i/2\n",
          out);
    fputs("models:\n", out);
    for (const model *const *m = model_list(); *m; m++) {
        char facts[64] = "";
        if ((*m)->uses_mpi)
            strcat(facts, ", mpi");
        if ((*m)->one_thread)
            strcat(facts, ", one thread");
        if ((*m)->threads_as_rounds)
            strcat(facts, ", rounds");
        if (!(*m)->unsimulated)
            strcat(facts, ", simulable");
        fprintf(out, "  %-9s %s%s%s%s\n", (*m)->name, (*m)->summary, facts[0] ? " [" : "", facts[0] ? facts + 2 : "",
                facts[0] ? "]" : "");
    }
    fputs("schedules:\n  static    contiguous blocks of items\n  cyclic    item i to worker i mod W\n"
          "  dynamic   next free item to the next free worker\n  guided    dynamic, in shrinking batches\n"
          "  batch     rounds of W items, each round waiting for all of its items\n",
          out);
    for (const kernel *const *k = kernel_list(); *k; k++)
        if ((*k)->tasks)
            fprintf(out, "workloads of %s:\n  %s\n", (*k)->name, (*k)->tasks->workloads);
}
