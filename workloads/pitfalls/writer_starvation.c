/*
 * writer_starvation: a writer waits behind an endless stream of readers.
 *
 * Go (seed 002): a read-mostly cache behind sync.RWMutex; Go's RWMutex lets
 * a waiting writer block new readers, but glibc's default rwlock prefers
 * readers: while readers keep overlapping, the count of holders never drops
 * to zero and the writer waits for the whole stream. C: READERS threads hold
 * the read lock in overlapping turns for a phase of PHASE_MS; a writer asks
 * for the lock at the start. Bad: the default (reader-preferring) rwlock;
 * the writer gets in only when the readers stop. Fixed: glibc's
 * writer-preferring kind (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP):
 * once a writer waits, new readers queue behind it.
 * Figures: the writer's wait and the readers' phase, in ms.
 */
#include "ct_common.h"
#include "pitfall.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

enum { READERS = 3, PHASE_MS = 300, HOLD_US = 50 };

static pthread_rwlock_t lock;
static _Atomic int readers_in; /* readers that have taken the lock once */
static _Atomic int stop;

static double now_ms(void)
{
    return (double)ct_now_ns() / 1e6;
}

static void hold(double ms)
{
    double until = now_ms() + ms;
    while (now_ms() < until) {}
}

static void *reader(void *arg)
{
    (void)arg;
    int first = 1;
    /* relaxed: stop is a plain flag; the joins order everything else */
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        pthread_rwlock_rdlock(&lock);
        if (first)
            atomic_fetch_add_explicit(&readers_in, 1, memory_order_relaxed);
        first = 0;
        hold(HOLD_US / 1000.0); /* reading the cache */
        pthread_rwlock_unlock(&lock);
    }
    return NULL;
}

static int run(int kind)
{
    pthread_rwlockattr_t attr;
    pthread_t r[READERS];
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, kind);
    pthread_rwlock_init(&lock, &attr);
    for (int i = 0; i < READERS; i++)
        pthread_create(&r[i], NULL, reader, NULL);
    while (atomic_load_explicit(&readers_in, memory_order_relaxed) < READERS) {}
    double start = now_ms(), waited = -1;
    /* The writer asks now; the readers stop after PHASE_MS either way. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += (long)PHASE_MS * 1000000L;
    deadline.tv_sec += deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;
    if (pthread_rwlock_timedwrlock(&lock, &deadline) == 0) {
        waited = now_ms() - start;
        pthread_rwlock_unlock(&lock);
    } else {
        waited = now_ms() - start; /* starved for the whole phase */
    }
    atomic_store_explicit(&stop, 1, memory_order_relaxed);
    for (int i = 0; i < READERS; i++)
        pthread_join(r[i], NULL);
    pthread_rwlock_destroy(&lock);
    ct_pitfall_figure("writer_wait_ms", waited);
    ct_pitfall_figure("reader_phase_ms", PHASE_MS);
    return 0;
}

static int bad(void)
{
    return run(PTHREAD_RWLOCK_PREFER_READER_NP);
}
static int fixed(void)
{
    return run(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
