/*
 * counter_mutex.c: `mutex`, the value guarded by a pthread mutex.
 *
 * The locked baseline: linearizable add and read, and under oversubscription
 * a waiter sleeps in the kernel (futex) instead of burning the core the owner
 * needs. Uncontended, lock + unlock is two atomic RMWs.
 *
 * Layout: the value sits beside the mutex on the same cache line (glibc's
 * pthread_mutex_t is 40 bytes on x86-64), so an acquisition moves one line,
 * not two: the owner already holds the line exclusively when it writes the
 * value.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"

struct ct__counter_mutex {
    ct_counter base; /* first: the header ct_counter_new fills in */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    uint64_t value; /* guarded by lock */
};

_Static_assert(offsetof(struct ct__counter_mutex, value) + sizeof(uint64_t) -
                       offsetof(struct ct__counter_mutex, lock) <=
                   CT_CACHELINE,
               "mutex and value should share one cache line");

static inline struct ct__counter_mutex *mutex_of(ct_counter *c)
{
    return (struct ct__counter_mutex *)(void *)c;
}

/* A default mutex fails lock/unlock only on a corrupted or destroyed object:
 * a bug in the caller, so stop at once rather than count without the lock. */
static void mutex_die(const char *what, int err)
{
    ct_die("counter mutex: %s: error %d", what, err);
}

static ct_counter *mutex_create(unsigned max_threads)
{
    struct ct__counter_mutex *m = ct_alloc_aligned(sizeof *m);
    int err;

    (void)max_threads;
    if (!m)
        return NULL;
    err = pthread_mutex_init(&m->lock, NULL);
    if (err) {
        ct_free_aligned(m);
        errno = err;
        return NULL;
    }
    return (ct_counter *)(void *)m;
}

static void mutex_destroy(ct_counter *c)
{
    struct ct__counter_mutex *m = mutex_of(c);
    int err = pthread_mutex_destroy(&m->lock);

    if (err)
        mutex_die("destroy", err); /* EBUSY: destroyed while locked */
    ct_free_aligned(m);
}

static void mutex_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    struct ct__counter_mutex *m = mutex_of(c);
    int err;

    (void)tid;
    if (CT_UNLIKELY((err = pthread_mutex_lock(&m->lock)) != 0))
        mutex_die("lock", err);
    m->value += delta;
    if (CT_UNLIKELY((err = pthread_mutex_unlock(&m->lock)) != 0))
        mutex_die("unlock", err);
}

static uint64_t mutex_read(ct_counter *c, unsigned tid)
{
    struct ct__counter_mutex *m = mutex_of(c);
    uint64_t v;
    int err;

    (void)tid;
    if (CT_UNLIKELY((err = pthread_mutex_lock(&m->lock)) != 0))
        mutex_die("lock", err);
    v = m->value;
    if (CT_UNLIKELY((err = pthread_mutex_unlock(&m->lock)) != 0))
        mutex_die("unlock", err);
    return v;
}

const ct_counter_ops ct_counter_mutex = {
    .desc = {.name = "mutex",
             .summary = "pthread mutex around a plain add; waiters sleep in the kernel",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING},
    .create = mutex_create,
    .destroy = mutex_destroy,
    .add = mutex_add,
    .read = mutex_read,
};
