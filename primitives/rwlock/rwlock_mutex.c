/*
 * rwlock_mutex.c: `mutex`, the record guarded by a pthread mutex: readers
 * exclude each other too. The baseline every read-mostly design must beat
 * (the seeds' "RWMutex is better than Mutex when reads dominate").
 */
#include <errno.h>
#include <pthread.h>

#include "rwlock_internal.h"

struct ct__rwlock_mutex {
    ct_rwlock base; /* first: the header ct_rwlock_new fills in */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    ct_rwlock_rec rec; /* guarded by lock; beside it, so one line moves */
};

static inline struct ct__rwlock_mutex *mutex_of(ct_rwlock *l)
{
    return (struct ct__rwlock_mutex *)(void *)l;
}

static ct_rwlock *mutex_create(unsigned max_threads)
{
    struct ct__rwlock_mutex *m = ct_alloc_aligned(sizeof *m);
    int err;

    (void)max_threads;
    if (!m)
        return NULL;
    if ((err = pthread_mutex_init(&m->lock, NULL)) != 0) {
        ct_free_aligned(m);
        errno = err;
        return NULL;
    }
    return &m->base;
}

static void mutex_destroy(ct_rwlock *l)
{
    CT__RWLOCK_PCHECK("mutex", pthread_mutex_destroy(&mutex_of(l)->lock));
    ct_free_aligned(l);
}

static void mutex_read(ct_rwlock *l, unsigned tid, ct_rwlock_rec *snap, ct_rwlock_fn inside,
                       void *arg)
{
    struct ct__rwlock_mutex *m = mutex_of(l);

    (void)tid;
    CT__RWLOCK_PCHECK("mutex", pthread_mutex_lock(&m->lock));
    ct__rwlock_copy_out(&m->rec, snap, inside, arg);
    CT__RWLOCK_PCHECK("mutex", pthread_mutex_unlock(&m->lock));
}

static void mutex_write(ct_rwlock *l, unsigned tid, ct_rwlock_fn update, void *arg)
{
    struct ct__rwlock_mutex *m = mutex_of(l);

    (void)tid;
    CT__RWLOCK_PCHECK("mutex", pthread_mutex_lock(&m->lock));
    update(&m->rec, arg);
    CT__RWLOCK_PCHECK("mutex", pthread_mutex_unlock(&m->lock));
}

const ct_rwlock_ops ct_rwlock_mutex = {
    .desc = {.name = "mutex",
             .summary = "pthread mutex: readers exclude each other too (Go's sync.Mutex)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_RWLOCK_CAP_EXCLUSIVE},
    .create = mutex_create,
    .destroy = mutex_destroy,
    .read = mutex_read,
    .write = mutex_write,
};
