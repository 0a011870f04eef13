/* fork.c: the `fork` model, the tutorials' multiprocessing: W worker processes forked per run, items
 * taken by schedule (dynamic and guided through an atomic counter in shared memory), each child's partial
 * (kernel pack) and item times sent back through its own pipe, unpacked and merged as a tree by the
 * parent. A child that crashes, is killed or sends a short message is reported by number and pid, and the
 * run fails: never a wrong answer. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

#include "faults.h"
#include "run_usage.h"
#include "timer.h"
#include "xalloc.h"
#include "models/model.h"
#include "models/worker.h"

#define FORK_MAGIC UINT64_C(0x7072696d65732d66) /* "primes-f" */

/* What a child sends: this header, n_records trace records, then partial_len bytes of packed partial. */
typedef struct child_header {
    uint64_t magic;
    uint64_t n_records;
    uint64_t partial_len;
    double settled; /* when the worker had settled its partial, since the run's start */
} child_header;

typedef struct child_record {
    uint64_t index;
    double start, stop;
} child_record;

typedef struct child {
    pid_t pid;
    int fd;
    unsigned char *data;
    size_t len, cap;
    bool open;
} child;

/* A pipe for one child's message (a worker's, or the split merge's helper's), asking for a 1 MiB buffer so
 * that a partial of megabytes (the product's) crosses in a few writes rather than in 64 KiB pieces, each a
 * switch between the two processes. When the system refuses (pipe-max-size, or the user's pipe quota once
 * dozens of workers hold one), the pipe keeps its default buffer: slower, never wrong. */
static int message_pipe(int fds[2])
{
    if (pipe(fds) != 0)
        return -1;
    (void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20); /* a smaller buffer only costs time */
    return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* The child's whole life: its items, then one message, then _exit (no atexit handlers, no stdio flush). */
/* What the workers share: a mapping of the item counter and a process-shared barrier for batch rounds. */
typedef struct shared_state {
    _Atomic uint64_t next;
    pthread_barrier_t round;
} shared_state;

static void round_barrier(void *barrier)
{
    pthread_barrier_wait(barrier);
}

/* A forked process ends with the one that forked it: the kernel kills it when its parent dies (on Linux;
 * the parent's forking thread, which is its main thread here), and it leaves at once if that already
 * happened between fork and now. Without this, `kill` of the parent left its workers running under init. */
static void end_with_parent(pid_t parent)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent)
        _exit(1);
}

static _Noreturn void child_main(const job *j, int workers, int id, shared_state *shared, double t0, int fd)
{
    void *partial = xcalloc(1, j->kernel->partial_size, "partial result");
    j->kernel->init(j, partial);
    atomic_counter_ctx counter = {j, workers, &shared->next};
    worker_sync sync = {atomic_counter_take, &counter, round_barrier, &shared->round, NULL, NULL};
    if (fault_armed(FAULT_KILL_WORKER, id)) /* a lost worker's test (faults.h) */
        raise(SIGKILL);
    trace_log trace = {.sparse = true}; /* the items this worker ran, sent to the parent below */
    worker_run_schedule(j, workers, id, &sync, partial, &trace, 0, id, t0);
    uint64_t mine = trace.count;
    child_record *records = xcalloc(mine ? mine : 1, sizeof *records, "trace records");
    for (uint64_t k = 0; k < mine; k++)
        records[k] = (child_record){trace.items[k].index, trace.items[k].start, trace.items[k].stop};
    worker_settle(j, partial);
    double settled = timer_now() - t0;
    void *packed;
    size_t packed_len = j->kernel->pack(j, partial, &packed);
    child_header h = {FORK_MAGIC, mine, packed_len, settled};
    int failed = write_all(fd, &h, sizeof h) || write_all(fd, records, mine * sizeof *records) ||
                 write_all(fd, packed, packed_len);
    _exit(failed ? 4 : 0);
}

/* Whether a child's bytes so far make a whole message. */
static bool message_complete(const child *kid)
{
    child_header h;
    if (kid->len < sizeof h)
        return false;
    memcpy(&h, kid->data, sizeof h);
    return h.magic == FORK_MAGIC && kid->len == sizeof h + h.n_records * sizeof(child_record) + h.partial_len;
}

/* Reads every child's pipe to its end, all at once (a child blocks when its pipe is full). A pipe that
 * closes before a whole message means its worker died: the others are killed too, since they may be
 * waiting for it at a batch barrier (collect_child then names the first one). */
static void read_all_children(child *kids, int workers)
{
    struct pollfd *fds = xcalloc((size_t)workers, sizeof *fds, "poll set");
    int open_count = workers;
    while (open_count > 0) {
        for (int w = 0; w < workers; w++)
            fds[w] = (struct pollfd){.fd = kids[w].open ? kids[w].fd : -1, .events = POLLIN};
        if (poll(fds, (nfds_t)workers, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int w = 0; w < workers; w++) {
            if (!kids[w].open || !(fds[w].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (kids[w].cap - kids[w].len < 65536) {
                kids[w].cap = kids[w].cap ? 2 * kids[w].cap : 1 << 17;
                kids[w].data = xrealloc(kids[w].data, kids[w].cap, "worker message");
            }
            ssize_t r = read(kids[w].fd, kids[w].data + kids[w].len, kids[w].cap - kids[w].len);
            if (r > 0) {
                kids[w].len += (size_t)r;
            } else if (r == 0 || errno != EINTR) {
                kids[w].open = false;
                close(kids[w].fd);
                open_count--;
                if (!message_complete(&kids[w]))
                    for (int k = 0; k < workers; k++)
                        if (k != w && kids[k].open)
                            kill(kids[k].pid, SIGKILL);
            }
        }
    }
    free(fds);
}

/* Checks one child's exit and message; on success unpacks its partial, copies its trace records and raises
 * *settled to when it had settled. */
static int collect_child(const job *j, child *kid, int id, void *partial, run_stats *stats, double *settled)
{
    int status = 0;
    usage_wait_child(kid->pid, &status);
    if (WIFSIGNALED(status)) {
        snprintf(stats->error, sizeof stats->error, "worker process %d (pid %ld) was killed by signal %d (%s)", id,
                 (long)kid->pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(stats->error, sizeof stats->error, "worker process %d (pid %ld) exited with status %d", id,
                 (long)kid->pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    child_header h;
    if (kid->len < sizeof h) {
        snprintf(stats->error, sizeof stats->error, "worker process %d (pid %ld) sent %zu bytes, no result", id,
                 (long)kid->pid, kid->len);
        return -1;
    }
    memcpy(&h, kid->data, sizeof h);
    size_t expected = sizeof h + h.n_records * sizeof(child_record) + h.partial_len;
    if (h.magic != FORK_MAGIC || h.n_records > j->n_items || kid->len != expected) {
        snprintf(stats->error, sizeof stats->error,
                 "worker process %d (pid %ld) sent a malformed result (%zu bytes, expected %zu)", id, (long)kid->pid,
                 kid->len, expected);
        return -1;
    }
    const unsigned char *p = kid->data + sizeof h;
    for (uint64_t r = 0; r < h.n_records; r++, p += sizeof(child_record)) {
        child_record rec;
        memcpy(&rec, p, sizeof rec);
        if (rec.index >= j->n_items)
            continue;
        stats->items[rec.index] = (trace_item){rec.index, 0, id, rec.start, rec.stop};
    }
    if (h.settled > *settled)
        *settled = h.settled;
    if (!j->kernel->unpack(j, partial, p, h.partial_len)) {
        snprintf(stats->error, sizeof stats->error, "worker process %d (pid %ld) sent a partial result that does not unpack",
                 id, (long)kid->pid);
        return -1;
    }
    return 0;
}

/* Reads fd to its end into a malloc'd buffer. */
static unsigned char *read_to_end(int fd, size_t *len)
{
    size_t cap = 1 << 16;
    unsigned char *buf = xmalloc(cap, "worker message");
    *len = 0;
    for (;;) {
        if (cap - *len < 4096)
            buf = xrealloc(buf, cap *= 2, "worker message");
        ssize_t r = read(fd, buf + *len, cap - *len);
        if (r > 0)
            *len += (size_t)r;
        else if (r == 0 || errno != EINTR)
            return buf;
    }
}

/* Merges from into into; when the kernel can split the merge, a helper process forked for it computes
 * the second part (reading both partials copy-on-write, no copying) while this process computes the
 * first. Falls back to the whole merge when no helper can be had. */
static void fork_merge(const job *j, void *into, void *from)
{
    if (merge_split_count(j, into, from, 2) < 2) {
        merge_pair(j, into, from);
        return;
    }
    int fds[2];
    if (message_pipe(fds) != 0) {
        merge_pair(j, into, from);
        return;
    }
    void **outs = partials_new(j, 2);
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        end_with_parent(parent);
        close(fds[0]);
        j->kernel->split->part(j, into, from, 1, 2, outs[1]);
        void *packed;
        size_t len = j->kernel->pack(j, outs[1], &packed);
        _exit(write_all(fds[1], packed, len) ? 4 : 0);
    }
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        partials_free(j, outs, 2);
        merge_pair(j, into, from);
        return;
    }
    j->kernel->split->part(j, into, from, 0, 2, outs[0]);
    size_t len;
    unsigned char *packed = read_to_end(fds[0], &len);
    close(fds[0]);
    int status = 0;
    usage_wait_child(pid, &status);
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && j->kernel->unpack(j, outs[1], packed, len);
    free(packed);
    if (!ok)
        fatal_run_error("the helper process of the final merge failed");
    merge_split_finish(j, into, from, outs, 2);
    partials_free(j, outs, 2);
}

static int fork_run(const job *j, const model_options *opt, void *partial, run_stats *stats)
{
    int workers = opt->threads;
    run_stats_prepare(j, stats, 1, workers);
    shared_state *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED)
        fatal_run_error("cannot map the workers' shared counter");
    atomic_init(&shared->next, 0);
    pthread_barrierattr_t shared_attr;
    pthread_barrierattr_init(&shared_attr);
    pthread_barrierattr_setpshared(&shared_attr, PTHREAD_PROCESS_SHARED);
    pthread_barrier_init(&shared->round, &shared_attr, (unsigned)workers);
    pthread_barrierattr_destroy(&shared_attr);
    child *kids = xcalloc((size_t)workers, sizeof *kids, "worker processes");
    fflush(stdout);
    fflush(stderr);
    double t0 = timer_now();
    int started = 0, status = 0;
    for (int w = 0; w < workers; w++) {
        int fds[2];
        if (message_pipe(fds) != 0) {
            snprintf(stats->error, sizeof stats->error, "cannot make a pipe for worker process %d: %s", w,
                     strerror(errno));
            status = -1;
            break;
        }
        pid_t parent = getpid();
        pid_t pid = fork();
        if (pid < 0) {
            snprintf(stats->error, sizeof stats->error, "cannot fork worker process %d: %s", w, strerror(errno));
            close(fds[0]);
            close(fds[1]);
            status = -1;
            break;
        }
        if (pid == 0) {
            end_with_parent(parent);
            close(fds[0]);
            for (int k = 0; k < w; k++)
                close(kids[k].fd);
            child_main(j, workers, w, shared, t0, fds[1]);
        }
        close(fds[1]);
        kids[w] = (child){.pid = pid, .fd = fds[0], .open = true};
        started++;
    }
    /* a worker that could not start would leave the others waiting at a batch barrier */
    if (status != 0)
        for (int w = 0; w < started; w++)
            kill(kids[w].pid, SIGKILL);
    read_all_children(kids, started);
    void **parts = partials_new(j, workers);
    double settled = 0;
    for (int w = 0; w < started; w++) {
        if (collect_child(j, &kids[w], w, parts[w], stats, &settled) != 0 && status == 0)
            status = -1;
        free(kids[w].data);
    }
    if (status == 0) {
        double last_stop = 0;
        for (uint64_t i = 0; i < j->n_items; i++)
            last_stop = stats->items[i].stop > last_stop ? stats->items[i].stop : last_stop;
        for (int stride = 1; stride < workers; stride *= 2)
            for (int w = 0; w + stride < workers; w += 2 * stride)
                fork_merge(j, parts[w], parts[w + stride]);
        kernel_complete(j, parts[0]);
        /* the serial tail: from the last settle's end to the completed result (sending and unpacking
         * included) */
        double settle_end = settled > last_stop ? settled : last_stop;
        stats->settle_s = settle_end - last_stop;
        stats->merge_s = timer_now() - t0 - settle_end;
        partial_move(j, partial, parts[0]);
    }
    partials_free(j, parts, workers);
    free(kids);
    pthread_barrier_destroy(&shared->round);
    munmap(shared, sizeof *shared);
    return status;
}

const model model_fork = {
    .name = "fork",
    .summary = "worker processes (fork), results back through pipes",
    .uses_mpi = false,
    .unsimulated = "the simulated ranks are actors of one process, and a forked worker would copy the "
                   "whole simulator",
    .forks_workers = true,
    .run = fork_run,
};
