/*
 * false_sharing: per-thread counters packed into one cache line.
 *
 * Go: per-goroutine slots in one []int64 still share cache lines. Not in
 * the seeds: seed 004's counters are one atomic word (5.2) and a coarse
 * lock against an atomic (7.1), none sharded. C: the counter family's
 * `false_shared` (slots in adjacent words) against `sharded` (a line per
 * slot): the very same code, no two threads touching the same word, and yet
 * every add has to pull the line away from the other core. No tool flags
 * it; the runner reports the time of each version and the slowdown.
 */
#include "pitfall.h"

#include <pthread.h>
#include <stdio.h>

#include "counter.h"

enum { THREADS = 2, ADDS = 20000000 };

static ct_counter *counter;
static pthread_barrier_t start;

static void *adder(void *arg)
{
    unsigned tid = (unsigned)(long)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < ADDS; i++)
        ct_counter_add(counter, tid, 1);
    return NULL;
}

static int run(const char *impl)
{
    pthread_t t[THREADS];
    int64_t t0, t1;
    counter = ct_counter_new(impl, THREADS);
    if (!counter) {
        perror(impl);
        return 2;
    }
    pthread_barrier_init(&start, NULL, THREADS + 1);
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, adder, (void *)i);
    t0 = ct_now_ns();
    pthread_barrier_wait(&start);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    t1 = ct_now_ns();
    int exact = ct_counter_read(counter, 0) == (uint64_t)THREADS * ADDS;
    ct_counter_free(counter);
    pthread_barrier_destroy(&start);
    ct_pitfall_figure("seconds", (double)(t1 - t0) / 1e9);
    return exact ? 0 : 1;
}

static int bad(void)
{
    return run("false_shared");
}
static int fixed(void)
{
    return run("sharded");
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
