/*
 * loop_var_capture: every thread is handed the address of the loop variable.
 *
 * Go before 1.22 (seed 002): `for i := range items { go func() { use(i) }() }`
 * captures one variable shared by all iterations: goroutines see whatever i
 * holds when they run. C: pthread_create(&t, NULL, f, &i) passes the one `i`
 * that the loop keeps changing: a data race on i (TSan) and wrong values (ids
 * seen twice, others never). Fixed: give each thread its own copy.
 */
#include "pitfall.h"

#include <pthread.h>
#include <stdatomic.h>

enum { THREADS = 8 };

static _Atomic int seen[THREADS]; /* how often each id was seen */

static void *worker(void *arg)
{
    int id = *(int *)arg; /* bad: races with the loop's i++ */
    if (id >= 0 && id < THREADS)
        /* relaxed: a tally, read after the joins */
        atomic_fetch_add_explicit(&seen[id], 1, memory_order_relaxed);
    return NULL;
}

static int tally(void)
{
    int wrong = 0;
    for (int i = 0; i < THREADS; i++)
        wrong += atomic_load(&seen[i]) != 1;
    ct_pitfall_figure("wrong_ids", wrong);
    return 0;
}

static int bad(void)
{
    pthread_t t[THREADS];
    int i;
    for (i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, &i);
    for (int j = 0; j < THREADS; j++)
        pthread_join(t[j], NULL);
    return tally();
}

static int fixed(void)
{
    pthread_t t[THREADS];
    int ids[THREADS]; /* one copy per thread, alive until the joins */
    for (int i = 0; i < THREADS; i++) {
        ids[i] = i;
        pthread_create(&t[i], NULL, worker, &ids[i]);
    }
    for (int j = 0; j < THREADS; j++)
        pthread_join(t[j], NULL);
    return tally();
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
