/* mpi.c: the `mpi` model (one worker per rank) and the `hybrid` model (MPI ranks x OpenMP threads).
 * Static and cyclic need no communication until the reduction. Dynamic and guided take items from an
 * MPI-3 atomic counter: a one-word window on rank 0, MPI_Fetch_and_op (dynamic) or MPI_Compare_and_swap
 * (guided) under a passive lock_all epoch, so no rank serves requests. Partials that are sums of words
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
#define PIECE_BYTES (1 << 30) /* messages are sent in pieces below MPI's int count limit */

typedef struct mpi_counter {
    const job *j;
    MPI_Win win;
    int workers;      /* ranks * threads: the guided grab divides by all of them */
    uint64_t batch;   /* dynamic: items per take (1 for mpi, the thread count for hybrid) */
} mpi_counter;

static bool mpi_counter_take(void *ctx, uint64_t *first, uint64_t *count)
{
    mpi_counter *c = ctx;
    uint64_t n = c->j->n_items;
    if (c->j->schedule == SCHEDULE_DYNAMIC) {
        uint64_t old = 0;
        MPI_Fetch_and_op(&c->batch, &old, MPI_UINT64_T, 0, 0, MPI_SUM, c->win);
        MPI_Win_flush(0, c->win);
        if (old >= n)
            return false;
        *first = old;
        *count = n - old < c->batch ? n - old : c->batch;
        return true;
    }
    uint64_t seen = 0, unused = 0;
    MPI_Fetch_and_op(&unused, &seen, MPI_UINT64_T, 0, 0, MPI_NO_OP, c->win);
    MPI_Win_flush(0, c->win);
    for (;;) {
        if (seen >= n)
            return false;
        uint64_t grab = schedule_guided_grab(n - seen, c->workers);
        uint64_t desired = seen + grab, found = 0;
        MPI_Compare_and_swap(&desired, &seen, &found, MPI_UINT64_T, 0, 0, c->win);
        MPI_Win_flush(0, c->win);
        if (found == seen) {
            *first = seen;
            *count = grab;
            return true;
        }
        seen = found;
    }
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
            void *buf;
            size_t len = k->pack(partial, &buf);
            send_bytes(buf, len, rank - stride);
            free(buf);
            return;
        }
        if (rank + stride < size) {
            uint64_t len;
            void *buf = recv_bytes(rank + stride, &len);
            void *other = xcalloc(1, k->partial_size, "partial result");
            k->init(j, other);
            if (!k->unpack(j, other, buf, (size_t)len)) {
                char why[96];
                snprintf(why, sizeof why, "the partial result of rank %d does not unpack", rank + stride);
                fatal_run_error(why);
            }
            free(buf);
            k->merge(j, partial, other);
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
static void run_rank_items(const job *j, bool hybrid, int threads, mpi_counter *counter, void **parts,
                           run_stats *stats, int rank, int size, double t0)
{
    if (!hybrid) {
        worker_sync sync = {mpi_counter_take, counter, world_barrier, NULL};
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
        while (mpi_counter_take(counter, &first, &count))
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

    mpi_counter counter = {.j = j, .workers = size * threads, .batch = hybrid ? (uint64_t)threads : 1};
    bool counted = j->schedule == SCHEDULE_DYNAMIC || j->schedule == SCHEDULE_GUIDED;
    if (counted) {
        uint64_t *base = NULL;
        MPI_Win_allocate(rank == 0 ? (MPI_Aint)sizeof(uint64_t) : 0, sizeof(uint64_t), MPI_INFO_NULL, MPI_COMM_WORLD,
                         &base, &counter.win);
        if (rank == 0)
            *base = 0;
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Win_lock_all(0, counter.win);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = timer_now();
    run_rank_items(j, hybrid, threads, &counter, parts, stats, rank, size, t0);
    double last_stop = 0;
    for (uint64_t i = 0; i < j->n_items; i++)
        if (stats->items[i].rank == rank && stats->items[i].stop > last_stop)
            last_stop = stats->items[i].stop;
    if (counted) {
        MPI_Win_unlock_all(counter.win);
        MPI_Win_free(&counter.win);
    }
    if (hybrid)
        openmp_merge_tree(j, parts, threads);
    reduce_across_ranks(j, parts[0], rank, size);
    if (rank == 0)
        j->kernel->complete(j, parts[0]);
    double done = timer_now() - t0, all_items_done = 0;
    MPI_Reduce(&last_stop, &all_items_done, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    stats->merge_s = done - all_items_done;
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
    .summary = "one worker per MPI rank (dynamic: an MPI-3 atomic counter)",
    .uses_mpi = true,
    .run = mpi_run,
};

const model model_hybrid = {
    .name = "hybrid",
    .summary = "MPI ranks x OpenMP threads (MPI_THREAD_FUNNELED)",
    .uses_mpi = true,
    .run = hybrid_run,
};
