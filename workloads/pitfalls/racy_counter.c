/*
 * racy_counter: many threads increment one plain counter.
 *
 * Go (seeds 000, 004): `go func() { counter++ }()` from many goroutines;
 * `go run -race` reports a DATA RACE and the total comes out short.
 * C: the same `++` on a shared word from pthreads: a data race (undefined
 * behaviour), reported by TSan; in a plain build the lost updates are
 * counted. Fixed: an atomic fetch_add (a mutex would do too).
 *
 * Updates are lost only while both threads really run at once; on a busy
 * 2-core machine one may sit descheduled for a whole round, so a round that
 * lost nothing is run again (up to ROUNDS) before the counter is called
 * exact. The fixed version runs as many rounds and must lose nothing.
 */
#include "pitfall.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

enum { THREADS = 2, ADDS = 2000000, ROUNDS = 20 };

static volatile uint64_t plain_counter; /* volatile: one load/store per ++ */
static _Atomic uint64_t atomic_counter;
static pthread_barrier_t start;

static void *bad_worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < ADDS; i++)
        plain_counter++; /* the race */
    return NULL;
}

static void *fixed_worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < ADDS; i++)
        /* relaxed: only the total matters; the joins order the final read */
        atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);
    return NULL;
}

/* One round from zero; returns the updates lost. */
static uint64_t round_lost(void *(*worker)(void *), int fixed)
{
    pthread_t t[THREADS];
    plain_counter = 0;
    atomic_store(&atomic_counter, 0);
    pthread_barrier_init(&start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&start);
    uint64_t total = fixed ? atomic_load(&atomic_counter) : plain_counter;
    return (uint64_t)THREADS * ADDS - total;
}

static int run(void *(*worker)(void *), int fixed)
{
    uint64_t lost = 0;
    int rounds = 0;
    while (rounds < ROUNDS && lost == 0) {
        lost = round_lost(worker, fixed);
        rounds++;
    }
    ct_pitfall_figure("lost_updates", (double)lost);
    ct_pitfall_figure("rounds", rounds);
    return 0;
}

static int bad(void)
{
    return run(bad_worker, 0);
}
static int fixed(void)
{
    return run(fixed_worker, 1);
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
