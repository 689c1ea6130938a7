/*
 * unbounded_spawn: one thread per work item, however many items come.
 *
 * Go (seeds 000, 003): `for _, item := range items { go handle(item) }` over
 * an unbounded input: goroutines and memory grow without limit. C: one
 * pthread per item, each parked on slow "I/O": threads and address space grow
 * until pthread_create fails (here under a 1 GiB address-space limit, so the
 * failure comes in a second and harms nothing else). Fixed: a counting
 * semaphore lets at most LIMIT items run at once (the seeds' semaphore
 * pattern); every item is handled and the thread count stays flat.
 */
#include "pitfall.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

enum { ITEMS = 10000, LIMIT = 8 };

static _Atomic long live, peak, handled;
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open; /* bad: items wait here until spawning stops */
static sem_t slots;   /* fixed: free places for running items */

static void enter(void)
{
    /* relaxed: tallies, read after every join */
    long now = atomic_fetch_add_explicit(&live, 1, memory_order_relaxed) + 1;
    long p = atomic_load_explicit(&peak, memory_order_relaxed);
    while (now > p && !atomic_compare_exchange_weak_explicit(&peak, &p, now, memory_order_relaxed,
                                                             memory_order_relaxed)) {}
}

static void leave(void)
{
    atomic_fetch_add_explicit(&handled, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
}

static void *slow_item(void *arg)
{
    (void)arg;
    enter();
    pthread_mutex_lock(&gate_mu);
    while (!gate_open)
        pthread_cond_wait(&gate_cv, &gate_mu); /* "slow I/O" */
    pthread_mutex_unlock(&gate_mu);
    leave();
    return NULL;
}

static void *bounded_item(void *arg)
{
    (void)arg;
    enter();
    struct timespec io = {0, 20000}; /* 20 us of "I/O" */
    nanosleep(&io, NULL);
    leave();
    sem_post(&slots);
    return NULL;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void figures(long spawned, long failed_at)
{
    ct_pitfall_figure("items_spawned", (double)spawned);
    ct_pitfall_figure("spawn_failed_at", (double)failed_at);
    ct_pitfall_figure("peak_threads", (double)atomic_load(&peak));
    ct_pitfall_figure("items_handled", (double)atomic_load(&handled));
    ct_pitfall_figure("peak_rss_kb", (double)peak_rss_kb());
}

static int bad(void)
{
    static pthread_t t[ITEMS];
    struct rlimit as = {1L << 30, 1L << 30};
    setrlimit(RLIMIT_AS, &as);
    long n = 0, failed_at = 0;
    for (; n < ITEMS; n++) {
        int err = pthread_create(&t[n], NULL, slow_item, NULL);
        if (err) {
            failed_at = n + 1;
            fprintf(stderr, "unbounded_spawn: pthread_create #%ld failed: %s\n", n + 1,
                    strerror(err));
            break;
        }
    }
    pthread_mutex_lock(&gate_mu);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
    for (long i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    figures(n, failed_at);
    return 0;
}

static int fixed(void)
{
    sem_init(&slots, 0, LIMIT);
    for (long n = 0; n < ITEMS; n++) {
        pthread_t t;
        sem_wait(&slots); /* at most LIMIT items in flight */
        int err = pthread_create(&t, NULL, bounded_item, NULL);
        if (err) {
            fprintf(stderr, "unbounded_spawn: pthread_create failed: %s\n", strerror(err));
            figures(n, n + 1);
            return 1;
        }
        pthread_detach(t); /* the semaphore, not a join, bounds them */
    }
    for (int i = 0; i < LIMIT; i++)
        sem_wait(&slots); /* every item has posted */
    figures(ITEMS, 0);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
