/*
 * map_sharded.c: `sharded`, SHARDS stripes, each its own pthread mutex and
 * table on its own cache lines; a key's stripe is the top bits of its hash
 * (the table inside uses the low ones). Operations on keys of different
 * stripes never touch the same line; Go's concurrent-map packages do this.
 */
#include <errno.h>
#include <pthread.h>

#include "map_internal.h"

#define SHARD_BITS 4u
#define SHARDS (1u << SHARD_BITS)

struct shard {
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    ct__map_table t; /* guarded by lock */
};

struct ct__map_sharded {
    ct_map base; /* first: the header ct_map_new fills in */
    struct shard s[SHARDS];
};

static inline struct shard *shard_of(ct_map *m, uint64_t key)
{
    return &((struct ct__map_sharded *)(void *)m)->s[ct__map_hash(key) >> (64u - SHARD_BITS)];
}

static void sharded_destroy(ct_map *map)
{
    struct ct__map_sharded *m = (struct ct__map_sharded *)(void *)map;

    for (unsigned i = 0; i < SHARDS; i++) {
        CT__MAP_PCHECK("sharded", pthread_mutex_destroy(&m->s[i].lock));
        ct__map_table_fini(&m->s[i].t);
    }
    ct_free_aligned(m);
}

static ct_map *sharded_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__map_sharded *m = ct_alloc_aligned(sizeof *m);
    unsigned i;
    int err = 0;

    (void)max_threads;
    if (!m)
        return NULL;
    for (i = 0; i < SHARDS; i++) {
        if ((err = -ct__map_table_init(&m->s[i].t, capacity_hint / SHARDS)) != 0)
            break;
        if ((err = pthread_mutex_init(&m->s[i].lock, NULL)) != 0) {
            ct__map_table_fini(&m->s[i].t);
            break;
        }
    }
    if (err) {
        while (i-- > 0) {
            pthread_mutex_destroy(&m->s[i].lock);
            ct__map_table_fini(&m->s[i].t);
        }
        ct_free_aligned(m);
        errno = err;
        return NULL;
    }
    return &m->base;
}

static int sharded_get(ct_map *map, unsigned tid, uint64_t key, uint64_t *value)
{
    struct shard *s = shard_of(map, key);
    int r;

    (void)tid;
    CT__MAP_PCHECK("sharded", pthread_mutex_lock(&s->lock));
    r = ct__map_table_get(&s->t, key, value);
    CT__MAP_PCHECK("sharded", pthread_mutex_unlock(&s->lock));
    return r;
}

static int sharded_put(ct_map *map, unsigned tid, uint64_t key, uint64_t value)
{
    struct shard *s = shard_of(map, key);
    int r;

    (void)tid;
    CT__MAP_PCHECK("sharded", pthread_mutex_lock(&s->lock));
    r = ct__map_table_put(&s->t, key, value);
    CT__MAP_PCHECK("sharded", pthread_mutex_unlock(&s->lock));
    return r;
}

static int sharded_del(ct_map *map, unsigned tid, uint64_t key)
{
    struct shard *s = shard_of(map, key);
    bool r;

    (void)tid;
    CT__MAP_PCHECK("sharded", pthread_mutex_lock(&s->lock));
    r = ct__map_table_remove(&s->t, key, NULL);
    CT__MAP_PCHECK("sharded", pthread_mutex_unlock(&s->lock));
    return r;
}

static int sharded_load_or_store(ct_map *map, unsigned tid, uint64_t key, uint64_t value,
                                 uint64_t *actual)
{
    struct shard *s = shard_of(map, key);
    int r;

    (void)tid;
    CT__MAP_PCHECK("sharded", pthread_mutex_lock(&s->lock));
    r = ct__map_table_load_or_store(&s->t, key, value, actual);
    CT__MAP_PCHECK("sharded", pthread_mutex_unlock(&s->lock));
    return r;
}

const ct_map_ops ct_map_sharded = {
    .desc = {.name = "sharded",
             .summary = "16 stripes, each a pthread mutex and a table on their own lines",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = sharded_create,
    .destroy = sharded_destroy,
    .get = sharded_get,
    .put = sharded_put,
    .del = sharded_del,
    .load_or_store = sharded_load_or_store,
};
