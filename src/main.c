/* main.c: the driver: command line -> plan -> run each repetition under the model -> verify -> report.
 * It owns the timing (barrier, clock, slowest rank), the repetitions, the output files and the exit
 * status; kernels compute and models parallelise. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "analyze/command.h"
#include "cli.h"
#include "files.h"
#include "tools/info.h"
#include "kernels/gmp_alloc.h"
#include "memory_check.h"
#include "mpi_env.h"
#include "options.h"
#include "tools/overhead.h"
#include "placement.h"
#include "progress.h"
#include "provenance.h"
#include "report.h"
#include "run_usage.h"
#include "timer.h"
#include "version.h"
#include "xalloc.h"

enum { EXIT_VERIFY_FAILED = 1, EXIT_USAGE = 2, EXIT_RUN_FAILED = 3 };

/* Workers per process: -t, else OMP_NUM_THREADS (its first entry), else SLURM_CPUS_PER_TASK (both checked
 * by cli_parse), else the cores of the affinity mask. `explicit` tells whether anything asked for a number. */
static int resolve_threads(const options *opt, bool *explicit_request)
{
    *explicit_request = true;
    if (opt->threads > 0)
        return opt->threads;
    if (opt->env_threads > 0)
        return opt->env_threads;
    *explicit_request = false;
    int cores = affinity_cores(NULL, 0);
    return cores > 0 ? cores : 1;
}

/* The model when none was named, by the models' own default_for: under a launcher with several ranks
 * mpi (hybrid with threads), omp when a thread count above one was asked for, else serial; the one for
 * a single process alone when the build has no model for the situation. */
static const model *default_model(int launcher_size, int threads, bool threads_requested)
{
    bool threaded = threads > 1 && threads_requested;
    model_default wanted = launcher_size > 1 ? (threaded ? MODEL_DEFAULT_RANKS_THREADS : MODEL_DEFAULT_RANKS)
                           : threaded        ? MODEL_DEFAULT_THREADS
                                             : MODEL_DEFAULT_ALONE;
    const model *alone = NULL;
    for (const model *const *m = model_list(); *m; m++) {
        if ((*m)->default_for == wanted)
            return *m;
        if ((*m)->default_for == MODEL_DEFAULT_ALONE)
            alone = *m;
    }
    return alone;
}

/* The memory of a run, from each process's own peak resident set: the largest one process reached, and
 * the sum over the processes of the host where that sum is largest (this rank and the worker processes
 * it forked; under MPI every rank of the host), with how many processes that sum counts. The peaks need
 * not coincide, so the sum bounds what the host held at once from above. */
static void peak_memory(uint64_t *largest_kib, uint64_t *host_kib, unsigned *host_processes)
{
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    uint64_t mine = self.ru_maxrss > 0 ? (uint64_t)self.ru_maxrss : 0, sum, largest;
    unsigned count;
    usage_children_peaks(&sum, &largest, &count);
    *largest_kib = mpi_env_max_u64(mine > largest ? mine : largest);
    double host = mpi_env_host_sum_double((double)(mine + sum));
    double processes = mpi_env_host_sum_double(1.0 + count);
    /* the host of the largest sum, and its process count */
    double top = mpi_env_max_double(host);
    *host_kib = (uint64_t)top;
    *host_processes = (unsigned)mpi_env_max_double(host == top ? processes : 0.0);
}

static const run_stats *host_order_stats;

static int compare_host_rank(const void *a, const void *b)
{
    int ra = *(const int *)a, rb = *(const int *)b;
    int c = strcmp(host_order_stats->hosts[ra], host_order_stats->hosts[rb]);
    return c ? c : (ra > rb) - (ra < rb);
}

/* The distinct hosts of the ranks in order of their first rank, comma separated; what does not fit is
 * counted as ",+N more". Sorted once (ranks x log ranks), not compared pairwise. */
static void distinct_hosts(const run_stats *stats, char *out, size_t size)
{
    out[0] = '\0';
    int ranks = stats->ranks;
    int *order = xcalloc((size_t)ranks, sizeof *order, "host order");
    bool *first = xcalloc((size_t)ranks, sizeof *first, "host order");
    for (int r = 0; r < ranks; r++)
        order[r] = r;
    host_order_stats = stats;
    qsort(order, (size_t)ranks, sizeof *order, compare_host_rank);
    for (int k = 0; k < ranks; k++)
        first[order[k]] = k == 0 || strcmp(stats->hosts[order[k - 1]], stats->hosts[order[k]]) != 0;
    size_t used = 0;
    int left_out = 0;
    for (int r = 0; r < ranks; r++) {
        if (!first[r])
            continue;
        size_t len = strlen(stats->hosts[r]);
        if (left_out || used + len + 2 + 24 > size) {
            left_out++;
            continue;
        }
        used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "", stats->hosts[r]);
    }
    if (left_out)
        snprintf(out + used, size - used, ",+%d more", left_out);
    free(order);
    free(first);
}

/* The end of a run that cannot go on: temporaries removed (MPI_Abort skips exit's handlers), then every
 * rank stopped with status. */
static _Noreturn void abort_run(int status)
{
    files_remove_temporaries();
    mpi_env_abort(status);
}

/* The run's usage from every rank's counters (collective): CPU and context switches summed over ranks;
 * other processes' CPUs per host, from its /proc/stat less what this run's ranks on it used; the most of
 * any host; *free_cores: the cores the run left unused on its busiest host. Under simulation nothing real
 * is measured, and no rank calls MPI here. */
static run_usage combine_usage(const usage_mark *before, const usage_mark *after, int threads, int *free_cores)
{
    run_usage u = {.measured = !mpi_env_simulated(), .other_cpus = NAN};
    *free_cores = 0;
    if (!u.measured)
        return u;
    usage_delta d = usage_between(before, after);
    u.cpu_s = mpi_env_sum_double(d.cpu_s);
    u.ctx_voluntary = mpi_env_sum_u64(d.voluntary);
    u.ctx_involuntary = mpi_env_sum_u64(d.involuntary);
    double ours_here = mpi_env_host_sum_double(d.cpu_s);
    double workers_here = mpi_env_host_sum_double(threads);
    /* unreadable: -1, below any real value in the maximum; per second of the marks' own window */
    double other = isfinite(d.machine_busy_s) ? fmax(d.machine_busy_s - ours_here, 0) : -1;
    u.other_cpu_s = mpi_env_max_double(other);
    double rate = other >= 0 && d.seconds > 0 ? other / d.seconds : -1;
    rate = mpi_env_max_double(rate);
    u.other_cpus = rate >= 0 ? rate : NAN;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    u.other_floor_s = USAGE_TICK_S * (double)(online > 0 ? online : 1);
    double free_here = (double)(online > 0 ? online : 1) - workers_here;
    *free_cores = (int)-mpi_env_max_double(-(free_here > 0 ? free_here : 0));
    return u;
}

static int run_repetitions(const options *opt, const model *m, int threads, int rank, bool oversubscribed)
{
    job j = {
        .kernel = opt->kernel,
        .method = opt->method,
        .from = opt->from,
        .n = opt->n,
        .schedule = opt->schedule,
        .verify_exact = opt->verify,
        .quiet = opt->quiet || opt->json,
        .workload = opt->workload,
        .scale = opt->scale,
    };
    if (opt->kernel->tasks) {
        /* a list of tasks runs as the range [0, tasks), one task per item */
        j.from = 0;
        j.n = opt->kernel->tasks->count(&j);
        job_set_chunk(&j, 1);
    } else {
        j.plan_workers = opt->items_for ? opt->items_for : (uint64_t)mpi_env_size() * (uint64_t)threads;
        job_set_chunk(&j, opt->chunk ? opt->chunk : opt->kernel->default_chunk(&j));
    }
    provenance prov; /* rank 0 reports, and only rank 0 reads the system for it */
    if (rank == 0)
        provenance_collect(&prov);
    model_options mopt = {.threads = threads};

    file_output trace = {.temp_slot = -1};
    if (rank == 0 && opt->trace_path && file_output_open(&trace, opt->trace_path) != 0) {
        fprintf(stderr, "primes: --trace: cannot write '%s': %s\n", opt->trace_path, strerror(errno));
        abort_run(EXIT_USAGE);
    }

    int status = 0;
    void *partial = xmalloc(opt->kernel->partial_size, "partial result");
    unsigned total = opt->warmup + opt->repeat;
    double *walls = xcalloc(opt->repeat, sizeof *walls, "repetition times");
    bool *shaken = xcalloc(opt->repeat, sizeof *shaken, "repetition verdicts");
    for (unsigned rep = 0; rep < total; rep++) {
        bool timed = rep >= opt->warmup;
        opt->kernel->init(&j, partial);
        run_stats stats = {0};
        int ranks = mpi_env_size();
        /* no progress line under simulation: its watcher thread would read simulated time */
        progress_start(rank == 0 && !j.quiet && !mpi_env_simulated(), (j.n_items + (uint64_t)ranks - 1) / (uint64_t)ranks,
                       j.n_items ? (double)(j.n - j.from) / (double)j.n_items : 0);
        mpi_env_barrier();
        usage_mark before, after;
        usage_children_begin();
        usage_mark_now(&before);
        double start = timer_now();
        int failed = m->run(&j, &mopt, partial, &stats);
        double elapsed = (stats.end_time > 0 ? stats.end_time : timer_now()) - start;
        usage_mark_now(&after);
        progress_stop();
        double wall = mpi_env_max_double(stats.wall_known ? stats.wall_s : elapsed);
        if (failed) {
            if (rank == 0)
                fprintf(stderr, "primes: the run failed: %s\n", stats.error[0] ? stats.error : "unknown error");
            abort_run(EXIT_RUN_FAILED);
        }
        uint64_t rss, host_rss;
        unsigned host_processes;
        peak_memory(&rss, &host_rss, &host_processes);
        int free_cores;
        run_usage usage = combine_usage(&before, &after, stats.threads, &free_cores);
        if (rank == 0 && timed) {
            run_record rec = {
                .job = &j,
                .model = m,
                .ranks = stats.ranks,
                .threads = stats.threads,
                .rep = rep - opt->warmup + 1,
                .repeats = opt->repeat,
                .wall_s = wall,
                .settle_s = stats.settle_s,
                .merge_s = stats.merge_s,
                .peak_rss_kib = rss,
                .peak_rss_host_kib = host_rss,
                .host_processes = host_processes,
                /* simulated: the platform's cores, not this machine's, decide */
                .oversubscribed = oversubscribed ||
                                  mpi_env_simulated_oversubscribed(stats.hosts, stats.ranks, stats.threads),
                .prov = &prov,
            };
            opt->kernel->finish(&j, partial, &rec.res);
            report_balance(&stats, &rec);
            rec.usage = usage;
            usage_judge(&rec.usage, rec.busy_mean_s * rec.ranks * rec.threads, free_cores, !j.kernel->tasks,
                        rec.oversubscribed);
            distinct_hosts(&stats, rec.hosts, sizeof rec.hosts);
            provenance_timestamp(rec.timestamp, sizeof rec.timestamp);
            if (rec.res.verify != VERIFY_NONE && !rec.res.verify_ok)
                status = EXIT_VERIFY_FAILED;
            walls[rec.rep - 1] = rec.wall_s;
            shaken[rec.rep - 1] = rec.usage.disturbed;
            if (opt->json)
                report_json(stdout, &rec);
            else
                report_human(stdout, &rec);
            if (opt->csv_path && report_csv_append(opt->csv_path, &rec) != 0) {
                fprintf(stderr, "primes: --csv: cannot append to '%s': %s\n", opt->csv_path, strerror(errno));
                status = EXIT_RUN_FAILED;
            }
            if (trace.f)
                report_trace_rows(trace.f, &rec, &stats, rep == opt->warmup);
            if (rep + 1 == total && opt->output_path) {
                file_output out;
                if (file_output_open(&out, opt->output_path) != 0 ||
                    opt->kernel->write_output(&j, partial, out.f, opt->hex) != 0 || file_output_commit(&out) != 0) {
                    fprintf(stderr, "primes: --output: cannot write '%s': %s\n", opt->output_path, strerror(errno));
                    file_output_discard(&out);
                    status = EXIT_RUN_FAILED;
                }
            }
        }
        kernel_release(&j, partial);
        free(stats.items);
        free(stats.hosts);
    }
    free(partial);
    if (rank == 0 && !opt->json)
        report_repetitions(stdout, walls, shaken, opt->repeat);
    free(walls);
    free(shaken);
    if (trace.f && file_output_commit(&trace) != 0) {
        fprintf(stderr, "primes: --trace: cannot write '%s': %s\n", opt->trace_path, strerror(errno));
        status = EXIT_RUN_FAILED;
    }
    return status;
}

/* The simulated build's checks before a run: a model SMPI can simulate, and a reference speed (without
 * smpi/host-speed, SMPI counts a CPU second here as 20 kflop, which makes computation nearly free). */
static int check_simulation(const model *m, int rank)
{
    if (m->unsimulated) {
        if (rank == 0)
            fprintf(stderr, "primes: --model %s: cannot be simulated faithfully: %s (allowed under simulation: "
                            "mpi, and serial at 1 rank)\n",
                    m->name, m->unsimulated);
        return EXIT_USAGE;
    }
    simulation_info sim;
    mpi_env_simulation(&sim);
    if (!sim.reference_speed[0]) {
        if (rank == 0)
            fprintf(stderr, "primes: simulated run without smpi/host-speed: SMPI's default makes computation "
                            "nearly free (allowed: smpirun --cfg=smpi/host-speed:SPEED, as scripts/simulate.sh "
                            "passes it)\n");
        return EXIT_USAGE;
    }
    return 0;
}

/* A run whose kernel estimates more memory than a host it runs on has is refused by every rank (collective
 * under MPI), rank 0 naming the estimate and the memory short of it. The ranks of one host read its usage at
 * different moments, so they differ a little: rank 0 speaks of itself when it is short, else the lowest rank
 * short by the most is named, with where its limit comes from. */
static int check_memory(const options *opt, int threads, int rank)
{
    const kernel *k = opt->kernel;
    if (!k->peak_bytes || k->tasks || mpi_env_simulated())
        return 0;
    job j = {.kernel = k, .method = opt->method, .from = opt->from, .n = opt->n};
    double here = mpi_env_host_sum_double(threads);
    char how[160];
    double need = k->peak_bytes(&j, (unsigned)here, how, sizeof how);
    const char *where;
    double available = (double)memory_available_bytes(&where);
    double excess = available > 0 ? need - available : -1; /* unknown: no verdict */
    double worst = mpi_env_max_double(excess);
    if (worst <= 0)
        return 0;
    bool rank0_host = mpi_env_host_sum_double(rank == 0 ? 1 : 0) > 0;
    bool rank0_short = mpi_env_max_double(rank == 0 && excess > 0 ? 1 : 0) > 0;
    double speaker = rank0_short ? 0 : -mpi_env_max_double(excess == worst ? -(double)rank : -HUGE_VAL);
    bool mine = (double)rank == speaker;
    double need_there = mpi_env_max_double(mine ? need : 0), available_there = mpi_env_max_double(mine ? available : 0);
    double workers_there = mpi_env_max_double(mine ? here : 0);
    bool cgroup_there = mpi_env_max_double(mine && strcmp(where, "MemAvailable") != 0 ? 1 : 0) > 0;
    bool same_host = mpi_env_max_double(mine && rank0_host ? 1 : 0) > 0;
    if (rank != 0)
        return EXIT_USAGE;
    char limit[96];
    if (speaker == 0 || (same_host && !cgroup_there))
        snprintf(limit, sizeof limit, "%s", cgroup_there ? "its cgroup's memory limit leaves"
                                                         : "this host has available (MemAvailable)");
    else
        snprintf(limit, sizeof limit, "rank %.0f's %s", speaker,
                 cgroup_there ? "cgroup's memory limit leaves" : "host has available (MemAvailable)");
    fprintf(stderr, "primes: %s of [%" PRIu64 ", %" PRIu64 ") on %.0f worker%s of one host needs about %.1f GiB "
                    "(%s), more than the %.1f GiB %s (allowed: a narrower range, or a host with more memory)\n",
            k->name, opt->from, opt->n, workers_there, workers_there == 1 ? "" : "s", need_there / (1u << 30), how,
            available_there / (1u << 30), limit);
    return EXIT_USAGE;
}

static int primes_main(int argc, char **argv)
{
    int launcher_rank = mpi_env_launcher_rank();
    int launcher_size = mpi_env_launcher_size();
    /* not under SMPI: its ranks are actors of one process whose globals are mapped per rank, so an exit
     * handler or a signal handler registered by one would run on memory gone at the end */
    if (!mpi_env_simulated())
        files_guard_exits(launcher_rank == 0);
    xalloc_set_fatal_handler(abort_run);
    xalloc_configure(launcher_rank, launcher_size > 1);
    gmp_use_xalloc();
    if (argc > 1 && strcmp(argv[1], "analyze") == 0) {
        /* a tool for one process: under a launcher every rank runs it, and rank 0 alone speaks */
        if (launcher_rank != 0 && (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)))
            return EXIT_USAGE;
        return analyze_main(argc - 1, argv + 1);
    }
    if (argc > 1 && strcmp(argv[1], "overhead") == 0)
        return overhead_main(argc - 1, argv + 1);
    options opt;
    char error[1024];
    if (cli_parse(argc, argv, &opt, error, sizeof error) != 0) {
        if (launcher_rank == 0)
            options_report("", error);
        return EXIT_USAGE;
    }
    switch (opt.command) {
    case COMMAND_HELP:
        if (launcher_rank == 0)
            cli_print_help(stdout);
        return 0;
    case COMMAND_VERSION:
        if (launcher_rank == 0)
            printf("primes %s (git %s)\n", PRIMES_VERSION, PRIMES_GIT_COMMIT);
        return 0;
    case COMMAND_LIST:
        if (launcher_rank == 0)
            cli_print_list(stdout);
        return 0;
    case COMMAND_INFO:
        return info_run(&argc, &argv, launcher_rank);
    case COMMAND_RUN:
        break;
    }

    const char *unconnected = mpi_env_unconnected_srun();
    if (unconnected) {
        const char *task = getenv("SLURM_PROCID");
        if (!task || atoi(task) == 0)
            fprintf(stderr, "primes: srun started this step's tasks (%s) with no MPI plugin between them: each "
                            "would run alone (allowed: srun --mpi=pmix for an Open MPI build, --mpi=pmi2 for an "
                            "MPICH build, or one task)\n", unconnected);
        return EXIT_USAGE;
    }
    bool threads_requested;
    int threads = resolve_threads(&opt, &threads_requested);
    const model *m = opt.model ? opt.model : default_model(launcher_size, threads, threads_requested);
    if (mpi_env_simulated()) {
        int refused = check_simulation(m, launcher_rank);
        if (refused)
            return refused;
    }
    if (!m->uses_mpi && launcher_size > 1) {
        if (launcher_rank == 0)
            fprintf(stderr,
                    "primes: --model %s: runs in one process, but %d ranks were launched (allowed under "
                    "mpirun/srun with 2+ ranks: mpi, hybrid)\n",
                    m->name, launcher_size);
        return EXIT_USAGE;
    }
    if (m->one_thread && !m->threads_as_rounds)
        threads = 1;
    /* the memory a run needs: before it starts, under MPI once every rank can tell its host's */
    if (!m->uses_mpi && check_memory(&opt, m->one_thread ? 1 : threads, launcher_rank))
        return EXIT_USAGE;
    if (opt.check_only)
        return 0;
    if (m->uses_mpi) {
        mpi_env_start(&argc, &argv);
        mpi_env_clock_offset(); /* collective, once: before anything is timed */
        if (check_memory(&opt, threads, mpi_env_rank()))
            return EXIT_USAGE;
    }
    int rank = mpi_env_rank();
    placement where = {.single_core_rank = -1};
    /* a one-thread model runs one thread whatever -t says (events: -t is its batch round size); a
     * simulated run has no real placement to judge (its ranks are actors of one process) */
    if (!mpi_env_simulated())
        placement_assess(m->one_thread ? 1 : threads, &where);
    if (rank == 0) {
        placement_warn(&where, threads);
        const char *stray = mpi_env_stray_launcher_variable();
        if (stray)
            fprintf(stderr, "primes: warning: %s is set but no MPI launcher is behind it (left in the shell?): "
                            "running as one process\n", stray);
        if (m->shares_rank && strcmp(mpi_env_thread_level(), "single") == 0)
            fprintf(stderr, "primes: warning: the MPI library provides only MPI_THREAD_SINGLE; the hybrid model "
                            "needs MPI_THREAD_FUNNELED (its threads make no MPI calls, but the standard asks)\n");
    }
    return run_repetitions(&opt, m, threads, rank, where.oversubscribed);
}

int main(int argc, char **argv)
{
    mpi_env_early_start(&argc, &argv);
    int status = primes_main(argc, argv);
    mpi_env_finish();
    return status;
}
