/*
 * rwlock_pthread.c: glibc's pthread_rwlock_t around the record, with its two
 * policies: `pthread_rd` (the default, PTHREAD_RWLOCK_PREFER_READER_NP: a
 * stream of readers can starve a writer) and `pthread_wr`
 * (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP: a waiting writer holds new
 * readers back). Same code; only the attribute differs.
 */
#include <errno.h>
#include <pthread.h>

#include "rwlock_internal.h"

struct ct__rwlock_pthread {
    ct_rwlock base; /* first: the header ct_rwlock_new fills in */
    CT_CACHE_ALIGNED pthread_rwlock_t lock;
    ct_rwlock_rec rec; /* guarded by lock */
};

static inline struct ct__rwlock_pthread *prw_of(ct_rwlock *l)
{
    return (struct ct__rwlock_pthread *)(void *)l;
}

static ct_rwlock *prw_create_kind(int kind)
{
    struct ct__rwlock_pthread *p = ct_alloc_aligned(sizeof *p);
    pthread_rwlockattr_t attr;
    int err;

    if (!p)
        return NULL;
    if ((err = pthread_rwlockattr_init(&attr)) == 0) {
        err = pthread_rwlockattr_setkind_np(&attr, kind);
        if (!err)
            err = pthread_rwlock_init(&p->lock, &attr);
        pthread_rwlockattr_destroy(&attr);
    }
    if (err) {
        ct_free_aligned(p);
        errno = err;
        return NULL;
    }
    return &p->base;
}

static ct_rwlock *prw_create_rd(unsigned max_threads)
{
    (void)max_threads;
    return prw_create_kind(PTHREAD_RWLOCK_PREFER_READER_NP);
}

static ct_rwlock *prw_create_wr(unsigned max_threads)
{
    (void)max_threads;
    return prw_create_kind(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
}

static void prw_destroy(ct_rwlock *l)
{
    CT__RWLOCK_PCHECK("pthread", pthread_rwlock_destroy(&prw_of(l)->lock));
    ct_free_aligned(l);
}

static void prw_read(ct_rwlock *l, unsigned tid, ct_rwlock_rec *snap, ct_rwlock_fn inside,
                     void *arg)
{
    struct ct__rwlock_pthread *p = prw_of(l);

    (void)tid;
    CT__RWLOCK_PCHECK("pthread", pthread_rwlock_rdlock(&p->lock));
    ct__rwlock_copy_out(&p->rec, snap, inside, arg);
    CT__RWLOCK_PCHECK("pthread", pthread_rwlock_unlock(&p->lock));
}

static void prw_write(ct_rwlock *l, unsigned tid, ct_rwlock_fn update, void *arg)
{
    struct ct__rwlock_pthread *p = prw_of(l);

    (void)tid;
    CT__RWLOCK_PCHECK("pthread", pthread_rwlock_wrlock(&p->lock));
    update(&p->rec, arg);
    CT__RWLOCK_PCHECK("pthread", pthread_rwlock_unlock(&p->lock));
}

const ct_rwlock_ops ct_rwlock_pthread_rd = {
    .desc = {.name = "pthread_rd",
             .summary = "glibc pthread_rwlock, default policy: prefers readers",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_RWLOCK_CAP_EXCLUSIVE},
    .create = prw_create_rd,
    .destroy = prw_destroy,
    .read = prw_read,
    .write = prw_write,
};

const ct_rwlock_ops ct_rwlock_pthread_wr = {
    .desc = {.name = "pthread_wr",
             .summary = "glibc pthread_rwlock set to PREFER_WRITER_NONRECURSIVE_NP",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_RWLOCK_CAP_EXCLUSIVE},
    .create = prw_create_wr,
    .destroy = prw_destroy,
    .read = prw_read,
    .write = prw_write,
};
