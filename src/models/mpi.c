/* mpi.c: the `mpi` model (one worker per rank) and the `hybrid` model (MPI ranks x OpenMP threads).
 * Static and cyclic need no communication until the reduction. Dynamic and guided use a work-request
 * protocol with rank 0 as the dispatcher (see mpi_dispatch; an MPI-3 atomic counter was the first choice,
 * but Open MPI 4.1's one-sided component fails to create windows across hosts over TCP). Partials that are sums of words
 * (counts) are combined with MPI_Reduce; others (products) by a binomial tree of variable-size messages:
 * at level s rank r receives from r + s when r % 2s == 0 and sends to r - s when r % 2s == s. In hybrid
 * runs only the master thread calls MPI (MPI_THREAD_FUNNELED), always outside parallel regions. */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpi_env.h"
#include "timer.h"
#include "xalloc.h"
#include "models/model.h"
#include "models/openmp.h"
#include "models/worker.h"

#define TAG_LENGTH 11
#define TAG_BYTES 12
#define TAG_REQUEST 21
#define TAG_GRANT 22
#define TAG_SPLIT 31
#define TAG_GATHER_LENGTH 41
#define TAG_GATHER_BYTES 42
#define PIECE_BYTES (1 << 30) /* messages are sent in pieces below MPI's int count limit */

/* The dynamic and guided schedules' work-request protocol. Rank 0 owns the next free item; it takes its
 * own batches directly and answers the other ranks' requests between its items (and, once it has no
 * items left, until every rank has had its final, empty grants). Every rank's first batch is implicit:
 * the first grants go to ranks 0, 1, ... in order, which every rank can work out alone, so no rank waits
 * for rank 0 before its first item. When those first grants take every item, nobody asks at all (at
 * scale, 4096 final requests to rank 0 would be the run's serial tail). Otherwise a rank keeps `prefetch`
 * requests on their way, so an answer that waits for rank 0 to finish an item still arrives before it is
 * needed: one for mpi (more would reserve work that long tasks need elsewhere at the end of a run),
 * enough for a batch per thread in hybrid. */
#define MAX_PREFETCH 8
typedef struct mpi_dispatch {
    const job *j;
    int rank, size;
    int workers;            /* ranks * threads: the guided grab divides by all of them */
    uint64_t batch;         /* dynamic: items per grant (1 for mpi; hybrid: see hybrid_batch) */
    int prefetch;           /* requests a rank keeps on their way */
    uint64_t next;          /* rank 0: the first item not yet granted */
    bool ask;               /* items are left after the first grants: the other ranks ask for more */
    int finished;           /* rank 0: empty grants sent */
    int expect_finished;    /* rank 0: `prefetch` per other rank that asks at all */
    uint64_t first_grant[2];
    bool first_pending;
    uint64_t grant[MAX_PREFETCH][2]; /* other ranks: first item and count of each grant on its way, */
    MPI_Request pending[MAX_PREFETCH]; /* answered in the order asked */
    int oldest, outstanding;
    bool exhausted;
    MPI_Request incoming;   /* rank 0: the receive posted for the next request (MPI_REQUEST_NULL: none) */
} mpi_dispatch;

static void dispatch_grant(mpi_dispatch *d, uint64_t *first, uint64_t *count)
{
    uint64_t left = d->next < d->j->n_items ? d->j->n_items - d->next : 0;
    uint64_t want = d->j->schedule == SCHEDULE_GUIDED ? schedule_guided_grab(left, d->workers) : d->batch;
    *first = d->next;
    *count = left < want ? left : want;
    d->next += *count;
}

/* Rank 0: answers the requests waiting now (or, with `until_all_finished`, every request until each other
 * rank has had its empty grants). Requests land in a receive posted in advance and tested between items:
 * one MPI_Test progresses and matches at once, where a first MPI_Iprobe after a long item often saw
 * nothing yet (Open MPI 4.1: a request found one item late left the second of 2 ranks idle a third of the
 * time). Once every rank has had its empty grants nobody asks again, and nothing is tested. */
static void dispatch_serve(mpi_dispatch *d, bool until_all_finished)
{
    while (d->finished < d->expect_finished) {
        if (d->incoming == MPI_REQUEST_NULL)
            MPI_Irecv(NULL, 0, MPI_BYTE, MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &d->incoming);
        MPI_Status status;
        int arrived = 1;
        if (until_all_finished)
            MPI_Wait(&d->incoming, &status);
        else
            MPI_Test(&d->incoming, &arrived, &status);
        if (!arrived)
            return;
        d->incoming = MPI_REQUEST_NULL;
        uint64_t grant[2];
        dispatch_grant(d, &grant[0], &grant[1]);
        if (grant[1] == 0)
            d->finished++;
        MPI_Send(grant, 2, MPI_UINT64_T, status.MPI_SOURCE, TAG_GRANT, MPI_COMM_WORLD);
    }
}

/* Every rank's first batch, without a message (ranks whose first grant is empty never ask), and whether
 * any item is left for requests. When fewer items than ranks would be left, the first batches take them
 * all, as contiguous blocks: the end of a dynamic run costs rank 0 one answer per asking rank, and at
 * 4096 ranks 4095 answers for one leftover item were a serial tail of milliseconds. */
static void dispatch_start(mpi_dispatch *d)
{
    d->next = 0;
    int asking = 0;
    for (int r = 0; r < d->size; r++) {
        uint64_t first, count;
        dispatch_grant(d, &first, &count);
        if (r == d->rank) {
            d->first_grant[0] = first;
            d->first_grant[1] = count;
        }
        asking += r > 0 && count > 0;
    }
    uint64_t left = d->j->n_items - d->next;
    if (left > 0 && left < (uint64_t)d->size) {
        uint64_t end;
        schedule_static_block(d->j->n_items, d->size, d->rank, &d->first_grant[0], &end);
        d->first_grant[1] = end - d->first_grant[0];
        d->next = d->j->n_items;
    }
    d->ask = d->next < d->j->n_items;
    d->expect_finished = d->ask ? d->prefetch * asking : 0;
    d->first_pending = true;
}

static void dispatch_request(mpi_dispatch *d)
{
    int slot = (d->oldest + d->outstanding) % d->prefetch;
    MPI_Irecv(d->grant[slot], 2, MPI_UINT64_T, 0, TAG_GRANT, MPI_COMM_WORLD, &d->pending[slot]);
    MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_REQUEST, MPI_COMM_WORLD);
    d->outstanding++;
}

/* The oldest grant on its way, when it has arrived (waited for with `wait`). */
static bool dispatch_receive(mpi_dispatch *d, bool wait, uint64_t *first, uint64_t *count)
{
    int arrived = 1;
    if (wait)
        MPI_Wait(&d->pending[d->oldest], MPI_STATUS_IGNORE);
    else
        MPI_Test(&d->pending[d->oldest], &arrived, MPI_STATUS_IGNORE);
    if (!arrived)
        return false;
    *first = d->grant[d->oldest][0];
    *count = d->grant[d->oldest][1];
    d->oldest = (d->oldest + 1) % d->prefetch;
    d->outstanding--;
    return true;
}

/* The rank's next batch: 1 with one, 0 when it has not arrived yet (only without `wait`), -1 when no item
 * is left for this rank. Rank 0 takes its batches from its own counter and never waits. */
static int dispatch_next(void *ctx, bool wait, uint64_t *first, uint64_t *count)
{
    mpi_dispatch *d = ctx;
    if (d->exhausted)
        return -1;
    if (d->first_pending) {
        d->first_pending = false;
        *first = d->first_grant[0];
        *count = d->first_grant[1];
        if (*count == 0) {
            d->exhausted = true;
            return -1;
        }
        if (d->rank != 0 && d->ask)
            while (d->outstanding < d->prefetch)
                dispatch_request(d); /* ask for the next batches while the first one runs */
        return 1;
    }
    if (d->rank == 0) {
        dispatch_grant(d, first, count);
        d->exhausted = *count == 0;
        return d->exhausted ? -1 : 1;
    }
    if (d->outstanding == 0) {
        d->exhausted = true; /* the first grants took every item */
        return -1;
    }
    if (!dispatch_receive(d, wait, first, count))
        return 0;
    if (*count == 0) {
        /* no items left: the grants still on their way are empty too; collect them */
        uint64_t unused_first, unused_count;
        while (d->outstanding > 0)
            dispatch_receive(d, true, &unused_first, &unused_count);
        d->exhausted = true;
        return -1;
    }
    dispatch_request(d); /* keep `prefetch` requests on their way while this batch runs */
    return 1;
}

static bool dispatch_take(void *ctx, uint64_t *first, uint64_t *count)
{
    return dispatch_next(ctx, true, first, count) > 0;
}

/* Rank 0's duty between its items: nobody waits longer than one item for an answer. */
static void dispatch_between_items(void *ctx)
{
    mpi_dispatch *d = ctx;
    if (d->rank == 0)
        dispatch_serve(d, false);
}

/* Hybrid's grant: a batch per thread, at most two, but no more than a quarter of a rank's even share of
 * the items, so the implicit first grants never leave a rank without work (with 64 items and 16 threads
 * per rank, grants of 64 gave rank 0 everything). */
static uint64_t hybrid_batch(const job *j, int size, int threads)
{
    uint64_t share = j->n_items / (4 * (uint64_t)size), most = 2 * (uint64_t)threads;
    return share < 1 ? 1 : share < most ? share : most;
}

/* A message of any length: its length first (tag), then its bytes in pieces (tag + 1). */
static void send_tagged_bytes(const void *buf, uint64_t len, int to, int tag)
{
    MPI_Send(&len, 1, MPI_UINT64_T, to, tag, MPI_COMM_WORLD);
    for (uint64_t off = 0; off < len; off += PIECE_BYTES) {
        int piece = (int)(len - off < PIECE_BYTES ? len - off : PIECE_BYTES);
        MPI_Send((const char *)buf + off, piece, MPI_BYTE, to, tag + 1, MPI_COMM_WORLD);
    }
}

/* Receives such a message into a new buffer with `reserve` free bytes before it (for appending). */
static char *recv_tagged_bytes(int from, int tag, size_t reserve, uint64_t *len)
{
    MPI_Recv(len, 1, MPI_UINT64_T, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    char *buf = xmalloc(reserve + (*len ? *len : 1), "a message from another rank");
    for (uint64_t off = 0; off < *len; off += PIECE_BYTES) {
        int piece = (int)(*len - off < PIECE_BYTES ? *len - off : PIECE_BYTES);
        MPI_Recv(buf + reserve + off, piece, MPI_BYTE, from, tag + 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    return buf;
}

static void send_bytes(const void *buf, uint64_t len, int to)
{
    send_tagged_bytes(buf, len, to, TAG_LENGTH);
}

static void *recv_bytes(int from, uint64_t *len)
{
    return recv_tagged_bytes(from, TAG_LENGTH, 0, len);
}

static void send_partial(const job *j, void *partial, int to)
{
    void *buf;
    size_t len = j->kernel->pack(j, partial, &buf);
    send_bytes(buf, len, to);
    free(buf);
}

/* A partial received from another rank, unpacked into a new init'ed one. */
static void *recv_partial(const job *j, int from)
{
    uint64_t len;
    void *buf = recv_bytes(from, &len);
    void *partial = xcalloc(1, j->kernel->partial_size, "partial result");
    j->kernel->init(j, partial);
    if (!j->kernel->unpack(j, partial, buf, (size_t)len)) {
        char why[96];
        snprintf(why, sizeof why, "the partial result of rank %d does not unpack", from);
        fatal_run_error(why);
    }
    free(buf);
    return partial;
}

/* The receiving rank of a tree level: merges other (from rank `sender`) into partial. When the kernel can
 * split the merge, the sender, idle otherwise, computes the second part: it gets partial, sends its part
 * back, and this rank joins the two. */
static void split_merge_with(const job *j, void *partial, void *other, int sender)
{
    uint64_t parts = merge_split_count(j, partial, other, 2);
    MPI_Send(&parts, 1, MPI_UINT64_T, sender, TAG_SPLIT, MPI_COMM_WORLD);
    if (parts < 2) {
        j->kernel->merge(j, partial, other);
        return;
    }
    send_partial(j, partial, sender);
    void **outs = partials_new(j, 2);
    j->kernel->split->part(j, partial, other, 0, 2, outs[0]);
    void *second = recv_partial(j, sender);
    partial_move(j, outs[1], second);
    free(second);
    merge_split_finish(j, partial, other, outs, 2);
    partials_free(j, outs, 2);
}

/* The sending rank of a tree level, after sending its partial: helps with the merge if asked. */
static void help_split_merge(const job *j, void *partial, int receiver)
{
    uint64_t parts = 0;
    MPI_Recv(&parts, 1, MPI_UINT64_T, receiver, TAG_SPLIT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (parts < 2)
        return;
    void *into = recv_partial(j, receiver);
    void **outs = partials_new(j, 1);
    j->kernel->split->part(j, into, partial, 1, 2, outs[0]);
    send_partial(j, outs[0], receiver);
    partials_free(j, outs, 1);
    kernel_release(j, into);
    free(into);
}

/* Combines every rank's partial into rank 0's. */
static void reduce_across_ranks(const job *j, void *partial, int rank, int size)
{
    const kernel *k = j->kernel;
    if (k->sum_words) {
        void *mine;
        size_t len = k->pack(j, partial, &mine);
        if (len != k->sum_words * sizeof(uint64_t))
            fatal_run_error("a sum-reducible partial packed to an unexpected size");
        uint64_t *total = xcalloc(k->sum_words, sizeof *total, "reduced partial");
        MPI_Reduce(mine, total, (int)k->sum_words, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0) {
            kernel_release(j, partial);
            k->init(j, partial);
            if (!k->unpack(j, partial, total, len))
                fatal_run_error("the reduced partial does not unpack");
        }
        free(mine);
        free(total);
        return;
    }
    for (int stride = 1; stride < size; stride *= 2) {
        if (rank % (2 * stride) == stride) {
            send_partial(j, partial, rank - stride);
            help_split_merge(j, partial, rank - stride);
            return;
        }
        if (rank + stride < size) {
            void *other = recv_partial(j, rank + stride);
            split_merge_with(j, partial, other, rank + stride);
            kernel_release(j, other);
            free(other);
        }
    }
}

/* What a rank reports to rank 0 after the run: its host and the records of its items (rank 0's own are
 * in its dense trace already). */
typedef struct rank_report {
    int32_t rank;
    uint32_t pad;
    uint64_t records;
    double start;           /* the rank's t0 on rank 0's clock: its records are relative to it */
    char host[64];
} rank_report;

/* Sends every rank's host and trace records to rank 0, up a binomial tree like the reduction: each rank
 * receives from at most log2(size) others, one after another, and forwards what it holds once. (A gather
 * to rank 0 makes it wait for all ranks at once, which SMPI needs minutes to simulate at 4096 ranks.) */
/* Collects every rank's item records on rank 0, onto one timeline: seconds since origin, the earliest
 * rank's start on rank 0's clock (ranks leave the barrier at different moments, by milliseconds when
 * they share cores, so no record starts before 0). start is this rank's own start on rank 0's clock. */
static void gather_reports(const job *j, run_stats *stats, trace_log *logs, int n_logs, int rank, int size,
                           double start, double origin)
{
    if (rank == 0) /* rank 0's own records are in its dense trace already, relative to its start */
        for (uint64_t i = 0; i < j->n_items; i++)
            if (stats->items[i].rank == 0) {
                stats->items[i].start += start - origin;
                stats->items[i].stop += start - origin;
            }
    uint64_t mine = 0; /* rank 0's logs are its dense trace already: it sends no records */
    for (int t = 0; t < n_logs; t++)
        mine += logs[t].sparse ? logs[t].count : 0;
    size_t len = sizeof(rank_report) + mine * sizeof(trace_item);
    char *held = xmalloc(len, "trace records");
    rank_report own = {.rank = rank, .records = mine, .start = start};
    char host[MPI_MAX_PROCESSOR_NAME + 1] = {0};
    int host_len = 0;
    MPI_Get_processor_name(host, &host_len); /* the simulated host's name under SMPI */
    snprintf(own.host, sizeof own.host, "%s", host);
    memcpy(held, &own, sizeof own);
    size_t at = sizeof own;
    for (int t = 0; t < n_logs; t++)
        if (logs[t].sparse) {
            memcpy(held + at, logs[t].items, logs[t].count * sizeof(trace_item));
            at += logs[t].count * sizeof(trace_item);
        }
    for (int stride = 1; stride < size; stride *= 2) {
        if (rank % (2 * stride) == stride) {
            send_tagged_bytes(held, len, rank - stride, TAG_GATHER_LENGTH);
            free(held);
            return;
        }
        if (rank + stride < size) {
            uint64_t got;
            char *joined = recv_tagged_bytes(rank + stride, TAG_GATHER_LENGTH, len, &got);
            memcpy(joined, held, len);
            free(held);
            held = joined;
            len += got;
        }
    }
    /* rank 0: every rank's report, each followed by its records */
    for (size_t off = 0; off + sizeof(rank_report) <= len;) {
        rank_report r;
        memcpy(&r, held + off, sizeof r);
        off += sizeof r;
        if (r.rank < 0 || r.rank >= size || r.records > (len - off) / sizeof(trace_item))
            fatal_run_error("a rank's report of its items is malformed");
        memcpy(stats->hosts[r.rank], r.host, sizeof r.host);
        for (uint64_t k = 0; k < r.records; k++, off += sizeof(trace_item)) {
            trace_item item;
            memcpy(&item, held + off, sizeof item);
            item.start += r.start - origin;
            item.stop += r.start - origin;
            if (item.index < j->n_items)
                stats->items[item.index] = item;
        }
    }
    free(held);
}

/* When this rank's last item ended (seconds since t0). */
static double last_item_stop(const trace_log *logs, int n_logs, int rank, uint64_t n_items)
{
    double last = 0;
    for (int t = 0; t < n_logs; t++) {
        const trace_log *log = &logs[t];
        uint64_t count = log->sparse ? log->count : n_items;
        for (uint64_t i = 0; i < count; i++)
            if ((log->sparse || log->items[i].rank == rank) && log->items[i].stop > last)
                last = log->items[i].stop;
    }
    return last;
}

static void world_barrier(void *unused)
{
    (void)unused;
    MPI_Barrier(MPI_COMM_WORLD);
}

/* Runs the rank's share: one worker per rank, or (hybrid) the rank's items on its OpenMP threads. */
static void run_rank_items(const job *j, bool hybrid, int threads, mpi_dispatch *dispatch, void **parts,
                           trace_log *logs, int rank, int size, double t0)
{
    if (!hybrid) {
        worker_sync sync = {dispatch_take, dispatch, world_barrier, NULL, dispatch_between_items, dispatch};
        worker_run_schedule(j, size, rank, &sync, parts[0], &logs[0], rank, 0, t0);
        return;
    }
    switch (j->schedule) {
    case SCHEDULE_STATIC: {
        uint64_t first, end;
        schedule_static_block(j->n_items, size, rank, &first, &end);
        openmp_run_items(j, (item_progression){first, 1, end - first}, threads, parts, logs, rank, t0);
        break;
    }
    case SCHEDULE_CYCLIC: {
        uint64_t r = (uint64_t)rank, count = j->n_items > r ? (j->n_items - r + (uint64_t)size - 1) / (uint64_t)size : 0;
        openmp_run_items(j, (item_progression){r, (uint64_t)size, count}, threads, parts, logs, rank, t0);
        break;
    }
    case SCHEDULE_DYNAMIC:
    case SCHEDULE_GUIDED: {
        /* one parallel region for the whole run, its master thread keeping the rank's grants coming */
        batch_source grants = {dispatch_next, dispatch_between_items, dispatch};
        openmp_run_batches(j, &grants, threads, parts, logs, rank, t0);
        break;
    }
    case SCHEDULE_BATCH: {
        /* each round: R x T items, T to a rank (one per thread), then every rank waits for the others */
        uint64_t per_round = (uint64_t)size * (uint64_t)threads;
        for (uint64_t start = 0; start < j->n_items; start += per_round) {
            uint64_t first = start + (uint64_t)rank * (uint64_t)threads;
            uint64_t count = first >= j->n_items ? 0 : j->n_items - first < (uint64_t)threads ? j->n_items - first
                                                                                              : (uint64_t)threads;
            openmp_run_items(j, (item_progression){first, 1, count}, threads, parts, logs, rank, t0);
            MPI_Barrier(MPI_COMM_WORLD);
        }
        break;
    }
    }
}

static int mpi_family_run(const job *j, int threads, bool hybrid, void *partial, run_stats *stats)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (!hybrid)
        threads = 1;
    /* rank 0 keeps the whole trace (it reports it); every other rank only the records of its own items,
     * one sparse log per thread, which it sends to rank 0 at the end */
    stats->ranks = size;
    stats->threads = threads;
    stats->n_items = j->n_items;
    if (rank == 0) {
        run_stats_prepare(j, stats, size, threads);
        for (uint64_t i = 0; i < j->n_items; i++)
            stats->items[i].rank = -1;
    }
    trace_log *logs = xcalloc((size_t)threads, sizeof *logs, "trace logs");
    for (int t = 0; t < threads; t++)
        logs[t] = rank == 0 ? trace_log_dense(stats->items) : (trace_log){.sparse = true};
    void **parts = partials_new(j, threads);

    mpi_dispatch dispatch = {.j = j, .rank = rank, .size = size, .workers = size * threads,
                             .batch = hybrid ? hybrid_batch(j, size, threads) : 1, .prefetch = 1,
                             .incoming = MPI_REQUEST_NULL};
    if (hybrid) {
        uint64_t wanted = ((uint64_t)threads + dispatch.batch - 1) / dispatch.batch;
        dispatch.prefetch = wanted > MAX_PREFETCH ? MAX_PREFETCH : (int)wanted;
    }
    dispatch_start(&dispatch);
    double offset = mpi_env_clock_offset(); /* this rank's clock to rank 0's */
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = timer_now(), start = t0 + offset; /* start: t0 on rank 0's clock */
    run_rank_items(j, hybrid, threads, &dispatch, parts, logs, rank, size, t0);
    if (rank == 0 && (j->schedule == SCHEDULE_DYNAMIC || j->schedule == SCHEDULE_GUIDED))
        dispatch_serve(&dispatch, true);
    double last_stop = last_item_stop(logs, threads, rank, j->n_items);
    if (hybrid)
        openmp_settle(j, parts, threads);
    else
        worker_settle(j, parts[0]);
    double settled = timer_now() - t0;
    if (hybrid)
        openmp_merge_tree(j, parts, threads);
    reduce_across_ranks(j, parts[0], rank, size);
    if (rank == 0)
        kernel_complete(j, parts[0]);
    double done = timer_now() - t0;
    /* the last item's end and the last settle's, on rank 0's clock: ranks leave the barrier at different
     * moments (by milliseconds when they share cores), so times relative to each rank's own start would
     * not compare */
    double mine[3] = {start + last_stop, start + settled, -start}, latest[3] = {0, 0, 0};
    MPI_Reduce(mine, latest, 3, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    double origin = -latest[2]; /* the earliest rank's start */
    /* Causality bounds what another host's clock offset (known to half a ping-pong) may claim: rank 0 has
     * the answer only after every rank settled, and a rank settles after its last item. */
    double answer = start + done;
    latest[1] = fmin(latest[1], answer);
    latest[0] = fmin(latest[0], latest[1]);
    stats->settle_s = latest[1] - latest[0];
    stats->merge_s = answer - latest[1];
    /* the run, from the first rank's start to rank 0's answer: items, settle and merge add up to it */
    stats->wall_known = true;
    stats->wall_s = rank == 0 ? answer - origin : 0;
    gather_reports(j, stats, logs, threads, rank, size, start, origin);
    stats->end_time = timer_now();
    if (rank == 0)
        partial_move(j, partial, parts[0]);
    partials_free(j, parts, threads);
    for (int t = 0; t < threads; t++)
        if (logs[t].sparse)
            free(logs[t].items);
    free(logs);
    return 0;
}

static int mpi_run(const job *j, const model_options *opt, void *partial, run_stats *stats)
{
    (void)opt;
    return mpi_family_run(j, 1, false, partial, stats);
}

static int hybrid_run(const job *j, const model_options *opt, void *partial, run_stats *stats)
{
    return mpi_family_run(j, opt->threads, true, partial, stats);
}

const model model_mpi = {
    .name = "mpi",
    .summary = "one worker per MPI rank (dynamic: work requests to rank 0)",
    .uses_mpi = true,
    .one_thread = true,
    .threads_rule = ", one worker per rank (allowed: 1; threads in each rank: --model hybrid)",
    .default_for = MODEL_DEFAULT_RANKS,
    .run = mpi_run,
};

const model model_hybrid = {
    .name = "hybrid",
    .summary = "MPI ranks x OpenMP threads (MPI_THREAD_FUNNELED)",
    .uses_mpi = true,
    .shares_rank = true,
    .default_for = MODEL_DEFAULT_RANKS_THREADS,
    .unsimulated = "SMPI charges only the master thread's CPU time to a rank, so the other threads' work "
                   "would cost nothing",
    .run = hybrid_run,
};
