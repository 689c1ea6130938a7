/*
 * rwlock_brlock.c: `brlock`, a big-reader lock (Linux's old br_read_lock):
 * one mutex per thread index, each on its own cache line. A reader locks
 * only its own slot, so readers share no line and scale with the cores; a
 * writer locks every slot, in index order (so two writers cannot deadlock),
 * and pays for that with max_threads acquisitions.
 */
#include <errno.h>
#include <pthread.h>

#include "rwlock_internal.h"

struct ct__brlock_slot {
    CT_CACHE_ALIGNED pthread_mutex_t lock; /* padded to a whole line */
};

struct ct__rwlock_br {
    ct_rwlock base; /* first: the header ct_rwlock_new fills in */
    unsigned nslots;
    ct_rwlock_rec rec; /* guarded by every slot: a reader holds one, a writer all */
    struct ct__brlock_slot slot[];
};

static inline struct ct__rwlock_br *br_of(ct_rwlock *l)
{
    return (struct ct__rwlock_br *)(void *)l;
}

static void br_destroy(ct_rwlock *l)
{
    struct ct__rwlock_br *b = br_of(l);

    for (unsigned i = 0; i < b->nslots; i++)
        CT__RWLOCK_PCHECK("brlock", pthread_mutex_destroy(&b->slot[i].lock));
    ct_free_aligned(b);
}

static ct_rwlock *br_create(unsigned max_threads)
{
    struct ct__rwlock_br *b;
    int err;

    if (max_threads == 0) { /* ct_registry_pick refuses it first; kept for direct calls */
        errno = EINVAL;
        return NULL;
    }
    b = ct_alloc_aligned(sizeof *b + (size_t)max_threads * sizeof b->slot[0]);
    if (!b)
        return NULL;
    for (; b->nslots < max_threads; b->nslots++)
        if ((err = pthread_mutex_init(&b->slot[b->nslots].lock, NULL)) != 0) {
            br_destroy(&b->base);
            errno = err;
            return NULL;
        }
    return &b->base;
}

static void br_read(ct_rwlock *l, unsigned tid, ct_rwlock_rec *snap, ct_rwlock_fn inside, void *arg)
{
    struct ct__rwlock_br *b = br_of(l);

    if (CT_UNLIKELY(tid >= b->nslots))
        ct_die("rwlock brlock: tid %u, but only %u reader slots", tid, b->nslots);
    CT__RWLOCK_PCHECK("brlock", pthread_mutex_lock(&b->slot[tid].lock));
    ct__rwlock_copy_out(&b->rec, snap, inside, arg);
    CT__RWLOCK_PCHECK("brlock", pthread_mutex_unlock(&b->slot[tid].lock));
}

static void br_write(ct_rwlock *l, unsigned tid, ct_rwlock_fn update, void *arg)
{
    struct ct__rwlock_br *b = br_of(l);

    if (CT_UNLIKELY(tid >= b->nslots))
        ct_die("rwlock brlock: tid %u, but only %u reader slots", tid, b->nslots);
    for (unsigned i = 0; i < b->nslots; i++)
        CT__RWLOCK_PCHECK("brlock", pthread_mutex_lock(&b->slot[i].lock));
    update(&b->rec, arg);
    for (unsigned i = b->nslots; i-- > 0;)
        CT__RWLOCK_PCHECK("brlock", pthread_mutex_unlock(&b->slot[i].lock));
}

const ct_rwlock_ops ct_rwlock_brlock = {
    .desc = {.name = "brlock",
             .summary = "big-reader lock: a padded mutex per thread; a writer takes them all",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_PER_THREAD | CT_RWLOCK_CAP_EXCLUSIVE},
    .create = br_create,
    .destroy = br_destroy,
    .read = br_read,
    .write = br_write,
};
