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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../timer.h"
#include "../xalloc.h"
#include "model.h"
#include "openmp.h"
#include "worker.h"

#define TAG_LENGTH 11
#define TAG_BYTES 12
#define TAG_REQUEST 21
#define TAG_GRANT 22
#define TAG_SPLIT 31
#define PIECE_BYTES (1 << 30) /* messages are sent in pieces below MPI's int count limit */

/* The dynamic and guided schedules' work-request protocol. Rank 0 owns the next free item; it takes its
 * own batches directly and answers the other ranks' requests between its items (and, once it has no
 * items left, until every rank has had its final, empty grants). A rank keeps PREFETCH requests on their
 * way, so an answer that waits for rank 0 to finish an item still arrives before it is needed; one is
 * enough once the first batches are implicit, and more would reserve work that long tasks need elsewhere
 * at the end of a run. */
#define PREFETCH 1
typedef struct mpi_dispatch {
    const job *j;
    int rank, size;
    int workers;            /* ranks * threads: the guided grab divides by all of them */
    uint64_t batch;         /* dynamic: items per grant (1 for mpi; 4 per thread for hybrid, whose threads
                             * meet at the end of every grant: fewer, larger grants wait less there) */
    uint64_t next;          /* rank 0: the first item not yet granted */
    int finished;           /* rank 0: empty grants sent */
    int expect_finished;    /* rank 0: PREFETCH per other rank that asks at all */
    uint64_t first_grant[2]; /* every rank's first batch is implicit: the same sequence on every rank */
    bool first_pending;
    uint64_t grant[PREFETCH][2]; /* other ranks: first item and count of each grant on its way, */
    MPI_Request pending[PREFETCH]; /* answered in the order asked */
    int oldest, outstanding;
    bool started, exhausted;
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
 * rank has had its empty grant). */
static void dispatch_serve(mpi_dispatch *d, bool until_all_finished)
{
    for (;;) {
        MPI_Status status;
        if (until_all_finished) {
            if (d->finished >= d->expect_finished)
                return;
            MPI_Probe(MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &status);
        } else {
            int waiting = 0;
            MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &waiting, &status);
            if (!waiting)
                return;
        }
        MPI_Recv(NULL, 0, MPI_BYTE, status.MPI_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        uint64_t grant[2];
        dispatch_grant(d, &grant[0], &grant[1]);
        if (grant[1] == 0)
            d->finished++;
        MPI_Send(grant, 2, MPI_UINT64_T, status.MPI_SOURCE, TAG_GRANT, MPI_COMM_WORLD);
    }
}

/* Every rank's first batch, without a message: ranks 0, 1, ... take the first grants in order, which every
 * rank can work out alone, so no rank waits for rank 0 before its first item (a rank 0 busy with a long
 * first item would otherwise hold everyone up). Ranks whose first grant is empty never ask at all. */
static void dispatch_start(mpi_dispatch *d)
{
    d->next = 0;
    for (int r = 0; r < d->size; r++) {
        uint64_t first, count;
        dispatch_grant(d, &first, &count);
        if (r == d->rank) {
            d->first_grant[0] = first;
            d->first_grant[1] = count;
        }
        if (r > 0 && count > 0)
            d->expect_finished += PREFETCH;
    }
    d->first_pending = true;
}

static void dispatch_request(mpi_dispatch *d)
{
    int slot = (d->oldest + d->outstanding) % PREFETCH;
    MPI_Irecv(d->grant[slot], 2, MPI_UINT64_T, 0, TAG_GRANT, MPI_COMM_WORLD, &d->pending[slot]);
    MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_REQUEST, MPI_COMM_WORLD);
    d->outstanding++;
}

/* The oldest grant on its way, waited for. */
static void dispatch_receive(mpi_dispatch *d, uint64_t *first, uint64_t *count)
{
    MPI_Wait(&d->pending[d->oldest], MPI_STATUS_IGNORE);
    *first = d->grant[d->oldest][0];
    *count = d->grant[d->oldest][1];
    d->oldest = (d->oldest + 1) % PREFETCH;
    d->outstanding--;
}

static bool dispatch_take(void *ctx, uint64_t *first, uint64_t *count)
{
    mpi_dispatch *d = ctx;
    if (d->first_pending) {
        d->first_pending = false;
        *first = d->first_grant[0];
        *count = d->first_grant[1];
        if (*count == 0) {
            d->exhausted = true;
            return false;
        }
        if (d->rank != 0)
            while (d->outstanding < PREFETCH)
                dispatch_request(d); /* ask for the next batches while the first one runs */
        d->started = true;
        return true;
    }
    if (d->rank == 0) {
        dispatch_serve(d, false);
        dispatch_grant(d, first, count);
        return *count > 0;
    }
    if (d->exhausted)
        return false;
    if (!d->started) {
        d->started = true;
        while (d->outstanding < PREFETCH)
            dispatch_request(d);
    }
    dispatch_receive(d, first, count);
    if (*count == 0) {
        /* no items left: the grants still on their way are empty too; collect them */
        uint64_t unused_first, unused_count;
        while (d->outstanding > 0)
            dispatch_receive(d, &unused_first, &unused_count);
        d->exhausted = true;
        return false;
    }
    dispatch_request(d); /* keep PREFETCH requests on their way while this batch runs */
    return true;
}

/* Rank 0's hook between its items: nobody waits longer than one item for an answer. */
static void dispatch_between_items(void *ctx)
{
    mpi_dispatch *d = ctx;
    if (d->rank == 0)
        dispatch_serve(d, false);
}

static void send_bytes(const void *buf, uint64_t len, int to)
{
    MPI_Send(&len, 1, MPI_UINT64_T, to, TAG_LENGTH, MPI_COMM_WORLD);
    for (uint64_t off = 0; off < len; off += PIECE_BYTES) {
        int piece = (int)(len - off < PIECE_BYTES ? len - off : PIECE_BYTES);
        MPI_Send((const char *)buf + off, piece, MPI_BYTE, to, TAG_BYTES, MPI_COMM_WORLD);
    }
}

static void *recv_bytes(int from, uint64_t *len)
{
    MPI_Recv(len, 1, MPI_UINT64_T, from, TAG_LENGTH, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    char *buf = xmalloc(*len ? *len : 1, "partial result from another rank");
    for (uint64_t off = 0; off < *len; off += PIECE_BYTES) {
        int piece = (int)(*len - off < PIECE_BYTES ? *len - off : PIECE_BYTES);
        MPI_Recv(buf + off, piece, MPI_BYTE, from, TAG_BYTES, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    return buf;
}

static void send_partial(const job *j, void *partial, int to)
{
    void *buf;
    size_t len = j->kernel->pack(partial, &buf);
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
    j->kernel->merge_part(j, partial, other, 0, 2, outs[0]);
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
    j->kernel->merge_part(j, into, partial, 1, 2, outs[0]);
    send_partial(j, outs[0], receiver);
    partials_free(j, outs, 1);
    j->kernel->release(into);
    free(into);
}

/* Combines every rank's partial into rank 0's. */
static void reduce_across_ranks(const job *j, void *partial, int rank, int size)
{
    const kernel *k = j->kernel;
    if (k->sum_words) {
        void *mine;
        size_t len = k->pack(partial, &mine);
        if (len != k->sum_words * sizeof(uint64_t))
            fatal_run_error("a sum-reducible partial packed to an unexpected size");
        uint64_t *total = xcalloc(k->sum_words, sizeof *total, "reduced partial");
        MPI_Reduce(mine, total, (int)k->sum_words, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0) {
            k->release(partial);
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
            k->release(other);
            free(other);
        }
    }
}

/* Sends every rank's trace records (the items it ran) to rank 0's trace. */
static void gather_trace(const job *j, run_stats *stats, int rank, int size)
{
    uint64_t mine = 0;
    for (uint64_t i = 0; i < j->n_items; i++)
        mine += stats->items[i].rank == rank;
    trace_item *records = xcalloc(mine ? mine : 1, sizeof *records, "trace records");
    uint64_t k = 0;
    for (uint64_t i = 0; i < j->n_items; i++)
        if (stats->items[i].rank == rank)
            records[k++] = stats->items[i];
    int bytes = (int)(mine * sizeof *records);
    int *counts = rank == 0 ? xcalloc((size_t)size, sizeof *counts, "trace sizes") : NULL;
    int *offsets = rank == 0 ? xcalloc((size_t)size, sizeof *offsets, "trace offsets") : NULL;
    MPI_Gather(&bytes, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    trace_item *all = NULL;
    if (rank == 0) {
        long total = 0;
        for (int r = 0; r < size; r++) {
            offsets[r] = (int)total;
            total += counts[r];
        }
        all = xcalloc((size_t)total / sizeof *all + 1, sizeof *all, "gathered trace");
    }
    MPI_Gatherv(records, bytes, MPI_BYTE, all, counts, offsets, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        long total = offsets[size - 1] + counts[size - 1];
        for (long r = 0; r < total / (long)sizeof *all; r++)
            if (all[r].index < j->n_items)
                stats->items[all[r].index] = all[r];
    }
    free(records);
    free(counts);
    free(offsets);
    free(all);
}

static void world_barrier(void *unused)
{
    (void)unused;
    MPI_Barrier(MPI_COMM_WORLD);
}

/* Runs the rank's share: one worker per rank, or (hybrid) the rank's items on its OpenMP threads. */
static void run_rank_items(const job *j, bool hybrid, int threads, mpi_dispatch *dispatch, void **parts,
                           run_stats *stats, int rank, int size, double t0)
{
    if (!hybrid) {
        worker_sync sync = {dispatch_take, dispatch, world_barrier, NULL, dispatch_between_items, dispatch};
        worker_run_schedule(j, size, rank, &sync, parts[0], stats->items, rank, 0, t0);
        return;
    }
    switch (j->schedule) {
    case SCHEDULE_STATIC: {
        uint64_t first, end;
        schedule_static_block(j->n_items, size, rank, &first, &end);
        openmp_run_items(j, (item_progression){first, 1, end - first}, threads, parts, stats, rank, t0);
        break;
    }
    case SCHEDULE_CYCLIC: {
        uint64_t r = (uint64_t)rank, count = j->n_items > r ? (j->n_items - r + (uint64_t)size - 1) / (uint64_t)size : 0;
        openmp_run_items(j, (item_progression){r, (uint64_t)size, count}, threads, parts, stats, rank, t0);
        break;
    }
    case SCHEDULE_DYNAMIC:
    case SCHEDULE_GUIDED: {
        uint64_t first, count;
        while (dispatch_take(dispatch, &first, &count))
            openmp_run_items(j, (item_progression){first, 1, count}, threads, parts, stats, rank, t0);
        break;
    }
    case SCHEDULE_BATCH: {
        /* each round: R x T items, T to a rank (one per thread), then every rank waits for the others */
        uint64_t per_round = (uint64_t)size * (uint64_t)threads;
        for (uint64_t start = 0; start < j->n_items; start += per_round) {
            uint64_t first = start + (uint64_t)rank * (uint64_t)threads;
            uint64_t count = first >= j->n_items ? 0 : j->n_items - first < (uint64_t)threads ? j->n_items - first
                                                                                              : (uint64_t)threads;
            openmp_run_items(j, (item_progression){first, 1, count}, threads, parts, stats, rank, t0);
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
    run_stats_prepare(j, stats, size, threads);
    for (uint64_t i = 0; i < j->n_items; i++)
        stats->items[i].rank = -1;
    void **parts = partials_new(j, threads);

    mpi_dispatch dispatch = {.j = j, .rank = rank, .size = size, .workers = size * threads,
                             .batch = hybrid ? 4 * (uint64_t)threads : 1};
    dispatch_start(&dispatch);
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = timer_now();
    run_rank_items(j, hybrid, threads, &dispatch, parts, stats, rank, size, t0);
    if (rank == 0 && (j->schedule == SCHEDULE_DYNAMIC || j->schedule == SCHEDULE_GUIDED))
        dispatch_serve(&dispatch, true);
    double last_stop = 0;
    for (uint64_t i = 0; i < j->n_items; i++)
        if (stats->items[i].rank == rank && stats->items[i].stop > last_stop)
            last_stop = stats->items[i].stop;
    if (hybrid)
        openmp_settle(j, parts, threads);
    else
        worker_settle(j, parts[0]);
    double settled = timer_now() - t0;
    if (hybrid)
        openmp_merge_tree(j, parts, threads);
    reduce_across_ranks(j, parts[0], rank, size);
    if (rank == 0)
        j->kernel->complete(j, parts[0]);
    double done = timer_now() - t0;
    double mine[2] = {last_stop, settled}, latest[2] = {0, 0}; /* the last item's end, the last settle's */
    MPI_Reduce(mine, latest, 2, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    stats->settle_s = latest[1] - latest[0];
    stats->merge_s = done - latest[1];
    gather_trace(j, stats, rank, size);
    char host[64] = {0};
    gethostname(host, sizeof host - 1);
    MPI_Gather(host, 64, MPI_CHAR, stats->hosts, 64, MPI_CHAR, 0, MPI_COMM_WORLD);
    if (rank == 0)
        partial_move(j, partial, parts[0]);
    partials_free(j, parts, threads);
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
    .run = mpi_run,
};

const model model_hybrid = {
    .name = "hybrid",
    .summary = "MPI ranks x OpenMP threads (MPI_THREAD_FUNNELED)",
    .uses_mpi = true,
    .run = hybrid_run,
};
