/*
 * stack_mutex.c: `mutex`, a linked stack under a pthread mutex.
 *
 * The locked baseline: linearizable, and under oversubscription a waiter
 * sleeps in the kernel (futex) instead of burning the core the owner needs.
 * The mutex and the top pointer share a line: an acquisition moves one line.
 */
#include <errno.h>
#include <pthread.h>

#include "stack_linked_internal.h"

struct ct__stack_mutex {
    ct_stack base; /* first: the header ct_stack_new fills in */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    ct__list list; /* guarded by lock */
};

static inline struct ct__stack_mutex *mutex_of(ct_stack *s)
{
    return (struct ct__stack_mutex *)(void *)s;
}

/* A default mutex fails only on a corrupted or destroyed object. */
static void mutex_die(const char *what, int err)
{
    ct_die("stack mutex: %s: error %d", what, err);
}

static ct_stack *mutex_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__stack_mutex *m = ct_alloc_aligned(sizeof *m);
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
    if (ct__list_init(&m->list, capacity_hint)) {
        ct__list_fini(&m->list);
        pthread_mutex_destroy(&m->lock);
        ct_free_aligned(m);
        errno = ENOMEM;
        return NULL;
    }
    return &m->base;
}

static void mutex_destroy(ct_stack *s)
{
    struct ct__stack_mutex *m = mutex_of(s);
    int err = pthread_mutex_destroy(&m->lock);

    if (err)
        mutex_die("destroy", err);
    ct__list_fini(&m->list);
    ct_free_aligned(m);
}

static int mutex_push(ct_stack *s, unsigned tid, uintptr_t value)
{
    struct ct__stack_mutex *m = mutex_of(s);
    int err, rc;

    (void)tid;
    if (CT_UNLIKELY((err = pthread_mutex_lock(&m->lock)) != 0))
        mutex_die("lock", err);
    rc = ct__list_push(&m->list, value);
    if (CT_UNLIKELY((err = pthread_mutex_unlock(&m->lock)) != 0))
        mutex_die("unlock", err);
    return rc;
}

static int mutex_pop(ct_stack *s, unsigned tid, uintptr_t *value)
{
    struct ct__stack_mutex *m = mutex_of(s);
    int err, rc;

    (void)tid;
    if (CT_UNLIKELY((err = pthread_mutex_lock(&m->lock)) != 0))
        mutex_die("lock", err);
    rc = ct__list_pop(&m->list, value);
    if (CT_UNLIKELY((err = pthread_mutex_unlock(&m->lock)) != 0))
        mutex_die("unlock", err);
    return rc;
}

const ct_stack_ops ct_stack_mutex = {
    .desc = {.name = "mutex",
             .summary = "linked list under a pthread mutex; waiters sleep in the kernel",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = mutex_create,
    .destroy = mutex_destroy,
    .push = mutex_push,
    .pop = mutex_pop,
};
