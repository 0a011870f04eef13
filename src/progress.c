/* progress.c: a watcher thread that shows how far a long run is. Items finished are counted in a word
 * of shared anonymous memory, so fork workers' items count too; the watcher reads it twice a second and
 * redraws one line on stderr. It starts printing only after 2 s, so short runs never show it. */
#include "progress.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "timer.h"

static _Atomic uint64_t *items_done;
static pthread_t watcher;
static atomic_bool watching;
static bool running;
static uint64_t expected;
static double numbers_each, started;

void progress_item_done(void)
{
    if (items_done)
        atomic_fetch_add_explicit(items_done, 1, memory_order_relaxed);
}

static void *watch(void *arg)
{
    (void)arg;
    bool shown = false;
    while (atomic_load(&watching)) {
        struct timespec pause = {0, 100 * 1000 * 1000};
        nanosleep(&pause, NULL);
        double elapsed = timer_now() - started;
        if (elapsed < 2.0 || !atomic_load(&watching))
            continue;
        static double last_draw;
        if (shown && elapsed - last_draw < 0.5)
            continue;
        last_draw = elapsed;
        uint64_t done = atomic_load_explicit(items_done, memory_order_relaxed);
        double fraction = expected ? (double)done / (double)expected : 0;
        if (fraction > 0.99)
            fraction = 0.99;
        double rate = (double)done * numbers_each / elapsed;
        double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
        fprintf(stderr, "\r  %5.1f%%  %.3g numbers/s  %.0f s elapsed  ETA %.0f s   ", 100 * fraction, rate, elapsed,
                eta);
        fflush(stderr);
        shown = true;
    }
    if (shown) {
        fprintf(stderr, "\r%70s\r", "");
        fflush(stderr);
    }
    return NULL;
}

void progress_start(bool enabled, uint64_t expected_items, double numbers_per_item)
{
    if (!items_done) {
        void *word = mmap(NULL, sizeof *items_done, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (word == MAP_FAILED)
            return;
        items_done = word;
    }
    atomic_store(items_done, 0);
    if (!enabled || !isatty(STDERR_FILENO))
        return;
    expected = expected_items;
    numbers_each = numbers_per_item;
    started = timer_now();
    atomic_store(&watching, true);
    running = pthread_create(&watcher, NULL, watch, NULL) == 0;
}

void progress_stop(void)
{
    if (!running)
        return;
    atomic_store(&watching, false);
    pthread_join(watcher, NULL);
    running = false;
}
