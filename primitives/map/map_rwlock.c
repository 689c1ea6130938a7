/*
 * map_rwlock.c: `rwlock`, one table behind one pthread rwlock (the seeds'
 * SafeMap with a sync.RWMutex): gets share the lock, updates exclude. glibc's
 * default policy (readers first); the rwlock family measures the others.
 */
#include <errno.h>
#include <pthread.h>

#include "map_internal.h"

struct ct__map_rwlock {
    ct_map base; /* first: the header ct_map_new fills in */
    CT_CACHE_ALIGNED pthread_rwlock_t lock;
    ct__map_table t; /* guarded by lock */
};

static inline struct ct__map_rwlock *rw_of(ct_map *m)
{
    return (struct ct__map_rwlock *)(void *)m;
}

static ct_map *rw_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__map_rwlock *m = ct_alloc_aligned(sizeof *m);
    int err;

    (void)max_threads;
    if (!m)
        return NULL;
    if ((err = -ct__map_table_init(&m->t, capacity_hint)) != 0 ||
        (err = pthread_rwlock_init(&m->lock, NULL)) != 0) {
        ct__map_table_fini(&m->t);
        ct_free_aligned(m);
        errno = err;
        return NULL;
    }
    return &m->base;
}

static void rw_destroy(ct_map *map)
{
    struct ct__map_rwlock *m = rw_of(map);

    CT__MAP_PCHECK("rwlock", pthread_rwlock_destroy(&m->lock));
    ct__map_table_fini(&m->t);
    ct_free_aligned(m);
}

static int rw_get(ct_map *map, unsigned tid, uint64_t key, uint64_t *value)
{
    struct ct__map_rwlock *m = rw_of(map);
    int r;

    (void)tid;
    CT__MAP_PCHECK("rwlock", pthread_rwlock_rdlock(&m->lock));
    r = ct__map_table_get(&m->t, key, value);
    CT__MAP_PCHECK("rwlock", pthread_rwlock_unlock(&m->lock));
    return r;
}

static int rw_put(ct_map *map, unsigned tid, uint64_t key, uint64_t value)
{
    struct ct__map_rwlock *m = rw_of(map);
    int r;

    (void)tid;
    CT__MAP_PCHECK("rwlock", pthread_rwlock_wrlock(&m->lock));
    r = ct__map_table_put(&m->t, key, value);
    CT__MAP_PCHECK("rwlock", pthread_rwlock_unlock(&m->lock));
    return r;
}

static int rw_del(ct_map *map, unsigned tid, uint64_t key)
{
    struct ct__map_rwlock *m = rw_of(map);
    bool r;

    (void)tid;
    CT__MAP_PCHECK("rwlock", pthread_rwlock_wrlock(&m->lock));
    r = ct__map_table_remove(&m->t, key, NULL);
    CT__MAP_PCHECK("rwlock", pthread_rwlock_unlock(&m->lock));
    return r;
}

/* A get under the read lock first: a present key (the common case of a
 * visited set) never takes the write lock. */
static int rw_load_or_store(ct_map *map, unsigned tid, uint64_t key, uint64_t value,
                            uint64_t *actual)
{
    struct ct__map_rwlock *m = rw_of(map);
    int r;

    (void)tid;
    CT__MAP_PCHECK("rwlock", pthread_rwlock_rdlock(&m->lock));
    r = ct__map_table_get(&m->t, key, actual);
    CT__MAP_PCHECK("rwlock", pthread_rwlock_unlock(&m->lock));
    if (r)
        return 1;
    /* absent a moment ago: decide again under the write lock */
    CT__MAP_PCHECK("rwlock", pthread_rwlock_wrlock(&m->lock));
    r = ct__map_table_load_or_store(&m->t, key, value, actual);
    CT__MAP_PCHECK("rwlock", pthread_rwlock_unlock(&m->lock));
    return r;
}

const ct_map_ops ct_map_rwlock = {
    .desc = {.name = "rwlock",
             .summary = "one chained table behind a pthread rwlock (map + sync.RWMutex)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = rw_create,
    .destroy = rw_destroy,
    .get = rw_get,
    .put = rw_put,
    .del = rw_del,
    .load_or_store = rw_load_or_store,
};
