/*
 * double_checked_locking: lazy initialization checked without atomics.
 *
 * Go (seed 002): `if instance == nil { mu.Lock(); if instance == nil {
 * instance = new(T) }; mu.Unlock() }; return instance` races on instance;
 * sync.Once is the fix. C: the first, unlocked read of the pointer races
 * with the locked write, and a reader may see the pointer before the object
 * it points to (no release/acquire): TSan reports the data race. Fixed:
 * pthread_once.
 */
#include "pitfall.h"

#include <pthread.h>
#include <stdlib.h>

enum { THREADS = 4 };

struct config {
    int ready;
    int value;
};

static struct config *instance; /* bad: plain pointer, read without the lock */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_barrier_t start;

static struct config *make_config(void)
{
    struct config *c = malloc(sizeof *c);
    if (!c)
        abort();
    c->value = 42;
    c->ready = 1;
    return c;
}

static struct config *get_bad(void)
{
    if (!instance) { /* unlocked read: races with the write below */
        pthread_mutex_lock(&mu);
        if (!instance)
            instance = make_config();
        pthread_mutex_unlock(&mu);
    }
    return instance;
}

static void init_once(void)
{
    instance = make_config();
}

static struct config *get_fixed(void)
{
    pthread_once(&once, init_once); /* happens-before every return */
    return instance;
}

static struct config *(*get)(void);

static void *worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    struct config *c = get();
    return (void *)(long)(c->ready && c->value == 42);
}

static int run(void)
{
    pthread_t t[THREADS];
    int ok = 0;
    pthread_barrier_init(&start, NULL, THREADS);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok += r != NULL;
    }
    pthread_barrier_destroy(&start);
    ct_pitfall_figure("saw_uninitialized", THREADS - ok);
    free(instance);
    return 0;
}

static int bad(void)
{
    get = get_bad;
    return run();
}
static int fixed(void)
{
    get = get_fixed;
    return run();
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
