/*
 * map_mutex.c: `mutex`, one table behind one pthread mutex (the seeds'
 * SafeMap with a sync.Mutex): readers exclude each other too. The baseline
 * every other design must beat.
 */
#include <errno.h>
#include <pthread.h>

#include "map_internal.h"

struct ct__map_mutex {
    ct_map base; /* first: the header ct_map_new fills in */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    ct__map_table t; /* guarded by lock */
};

static inline struct ct__map_mutex *mutex_of(ct_map *m)
{
    return (struct ct__map_mutex *)(void *)m;
}

static ct_map *mutex_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__map_mutex *m = ct_alloc_aligned(sizeof *m);
    int err;

    (void)max_threads;
    if (!m)
        return NULL;
    if ((err = -ct__map_table_init(&m->t, capacity_hint)) != 0 ||
        (err = pthread_mutex_init(&m->lock, NULL)) != 0) {
        ct__map_table_fini(&m->t);
        ct_free_aligned(m);
        errno = err;
        return NULL;
    }
    return &m->base;
}

static void mutex_destroy(ct_map *map)
{
    struct ct__map_mutex *m = mutex_of(map);

    CT__MAP_PCHECK("mutex", pthread_mutex_destroy(&m->lock));
    ct__map_table_fini(&m->t);
    ct_free_aligned(m);
}

static int mutex_get(ct_map *map, unsigned tid, uint64_t key, uint64_t *value)
{
    struct ct__map_mutex *m = mutex_of(map);
    int r;

    (void)tid;
    CT__MAP_PCHECK("mutex", pthread_mutex_lock(&m->lock));
    r = ct__map_table_get(&m->t, key, value);
    CT__MAP_PCHECK("mutex", pthread_mutex_unlock(&m->lock));
    return r;
}

static int mutex_put(ct_map *map, unsigned tid, uint64_t key, uint64_t value)
{
    struct ct__map_mutex *m = mutex_of(map);
    int r;

    (void)tid;
    CT__MAP_PCHECK("mutex", pthread_mutex_lock(&m->lock));
    r = ct__map_table_put(&m->t, key, value);
    CT__MAP_PCHECK("mutex", pthread_mutex_unlock(&m->lock));
    return r;
}

static int mutex_del(ct_map *map, unsigned tid, uint64_t key)
{
    struct ct__map_mutex *m = mutex_of(map);
    bool r;

    (void)tid;
    CT__MAP_PCHECK("mutex", pthread_mutex_lock(&m->lock));
    r = ct__map_table_remove(&m->t, key, NULL);
    CT__MAP_PCHECK("mutex", pthread_mutex_unlock(&m->lock));
    return r;
}

static int mutex_load_or_store(ct_map *map, unsigned tid, uint64_t key, uint64_t value,
                               uint64_t *actual)
{
    struct ct__map_mutex *m = mutex_of(map);
    int r;

    (void)tid;
    CT__MAP_PCHECK("mutex", pthread_mutex_lock(&m->lock));
    r = ct__map_table_load_or_store(&m->t, key, value, actual);
    CT__MAP_PCHECK("mutex", pthread_mutex_unlock(&m->lock));
    return r;
}

const ct_map_ops ct_map_mutex = {
    .desc = {.name = "mutex",
             .summary = "one chained table behind a pthread mutex (map + sync.Mutex)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = mutex_create,
    .destroy = mutex_destroy,
    .get = mutex_get,
    .put = mutex_put,
    .del = mutex_del,
    .load_or_store = mutex_load_or_store,
};
