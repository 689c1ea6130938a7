/*
 * map_broken.c: `broken_lossy`, a map that loses an insert now and then: the
 * test build's proof that the map verifiers catch a lost insert
 * (tests/test_broken.py runs every map workload on it and expects each to
 * fail; the validate driver expects its cases to fail).
 *
 * A thin wrapper over `mutex`: the first insert (put or load_or_store) and
 * every BROKEN_EVERY-th after it (counted over the whole map) that find the
 * key absent report an insert and store nothing, so any run that inserts at
 * all (the workloads' fill does) loses one. It declares what `mutex` declares, CT_CAP_EXACT included
 * (the contract it breaks), plus CT_CAP_BROKEN.
 */
#include <stdatomic.h>

#include "map.h"

#define BROKEN_EVERY 16 /* one insert in this many is lost */

struct ct__map_broken {
    ct_map base; /* first: the header ct_map_new fills in */
    ct_map *inner;
    CT_CACHE_ALIGNED _Atomic uint64_t inserts; /* puts and load_or_stores */
};

static inline struct ct__map_broken *broken_of(ct_map *m)
{
    return (struct ct__map_broken *)(void *)m;
}

static ct_map *lossy_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__map_broken *b = ct_alloc_aligned(sizeof *b);

    if (!b)
        return NULL;
    atomic_init(&b->inserts, 0); /* not atomic: published by the caller */
    if (!(b->inner = ct_map_new("mutex", capacity_hint, max_threads))) {
        ct_free_aligned(b);
        return NULL;
    }
    return &b->base;
}

static void lossy_destroy(ct_map *m)
{
    ct_map_free(broken_of(m)->inner);
    ct_free_aligned(m);
}

static int lossy_get(ct_map *m, unsigned tid, uint64_t key, uint64_t *value)
{
    return ct_map_get(broken_of(m)->inner, tid, key, value);
}

static int lossy_put(ct_map *m, unsigned tid, uint64_t key, uint64_t value)
{
    struct ct__map_broken *b = broken_of(m);
    uint64_t v;

    /* relaxed: only picks which put to break; orders nothing */
    if (atomic_fetch_add_explicit(&b->inserts, 1, memory_order_relaxed) % BROKEN_EVERY == 0 &&
        !ct_map_get(b->inner, tid, key, &v))
        return 1; /* the lost insert */
    return ct_map_put(b->inner, tid, key, value);
}

static int lossy_del(ct_map *m, unsigned tid, uint64_t key)
{
    return ct_map_delete(broken_of(m)->inner, tid, key);
}

static int lossy_load_or_store(ct_map *m, unsigned tid, uint64_t key, uint64_t value,
                               uint64_t *actual)
{
    struct ct__map_broken *b = broken_of(m);
    uint64_t v;

    /* relaxed: only picks which insert to break; orders nothing */
    if (atomic_fetch_add_explicit(&b->inserts, 1, memory_order_relaxed) % BROKEN_EVERY == 0 &&
        !ct_map_get(b->inner, tid, key, &v)) {
        *actual = value;
        return 0; /* the lost insert: "stored" */
    }
    return ct_map_load_or_store(b->inner, tid, key, value, actual);
}

const ct_map_ops ct_map_broken_lossy = {
    .desc = {.name = "broken_lossy",
             .summary = "test build only: mutex, but one insert in 16 is lost",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_CAP_BROKEN},
    .create = lossy_create,
    .destroy = lossy_destroy,
    .get = lossy_get,
    .put = lossy_put,
    .del = lossy_del,
    .load_or_store = lossy_load_or_store,
};
