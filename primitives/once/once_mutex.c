/*
 * once_mutex.c: `mutex`, the naive once: a pthread mutex taken on every call,
 * a plain flag under it. The baseline the fast paths are measured against:
 * every call after the first still pays a lock and an unlock, and every
 * caller contends for the one lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>

#include "once.h"

struct ct__once_mutex {
    ct_once base; /* first: the header ct_once_new fills in */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    bool done; /* guarded by lock */
};

static ct_once *mutex_create(void)
{
    struct ct__once_mutex *m = ct_alloc_aligned(sizeof *m);
    int err;

    if (!m)
        return NULL;
    if ((err = pthread_mutex_init(&m->lock, NULL)) != 0) {
        ct_free_aligned(m);
        errno = err;
        return NULL;
    }
    return (ct_once *)(void *)m;
}

static void mutex_destroy(ct_once *o)
{
    struct ct__once_mutex *m = (struct ct__once_mutex *)(void *)o;

    pthread_mutex_destroy(&m->lock);
    ct_free_aligned(m);
}

static void mutex_run(ct_once *o, ct_once_fn fn, void *arg)
{
    struct ct__once_mutex *m = (struct ct__once_mutex *)(void *)o;
    int err;

    if (CT_UNLIKELY((err = pthread_mutex_lock(&m->lock)) != 0))
        ct_die("once mutex: lock: error %d", err);
    if (!m->done) {
        fn(arg);
        m->done = true;
    }
    if (CT_UNLIKELY((err = pthread_mutex_unlock(&m->lock)) != 0))
        ct_die("once mutex: unlock: error %d", err);
}

const ct_once_ops ct_once_mutex = {
    .desc = {.name = "mutex",
             .summary = "a pthread mutex taken on every call, a flag under it",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING},
    .create = mutex_create,
    .destroy = mutex_destroy,
    .run = mutex_run,
};
