/*
 * objpool_broken.c: `broken_twice`, a pool that hands one object to two
 * holders now and then: the test build's proof that the object-pool
 * verifiers catch a double hand-out (tests/test_broken.py runs every objpool
 * workload on it and expects each to fail; the validate driver expects its
 * cases to fail).
 *
 * A thin wrapper over `malloc`: every BROKEN_EVERY-th get (counted over
 * the pool) returns the object the previous get returned, again, while its
 * holder still holds it (an object put back is forgotten, never handed out
 * again). It declares what `malloc` declares, CT_CAP_EXACT included (the
 * contract it breaks), plus CT_CAP_BROKEN. The wrapper remembers each extra
 * hand-out and swallows the first of the object's puts, so the object is
 * freed once, by its last holder: the fault is the double hand-out alone,
 * with no use after free or double free that a sanitizer would report
 * instead (a pool that links free objects through them, as `locked` does,
 * would corrupt its own list).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "objpool.h"

#define BROKEN_EVERY 16 /* one get in this many hands out the last object again */

struct ct__objpool_broken {
    ct_objpool base; /* first: the header ct_objpool_new fills in */
    ct_objpool *inner;
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    unsigned long gets; /* under lock */
    void *last;         /* under lock: what the previous get returned, while held */
    void **dups;        /* under lock: objects handed out twice, one put not yet seen */
    size_t ndups, capdups;
};

static inline struct ct__objpool_broken *broken_of(ct_objpool *p)
{
    return (struct ct__objpool_broken *)(void *)p;
}

static ct_objpool *twice_create(size_t object_size, unsigned max_threads)
{
    struct ct__objpool_broken *b = ct_alloc_aligned(sizeof *b);

    if (!b)
        return NULL;
    pthread_mutex_init(&b->lock, NULL);
    if (!(b->inner = ct_objpool_new("malloc", object_size, max_threads))) {
        pthread_mutex_destroy(&b->lock);
        ct_free_aligned(b);
        return NULL;
    }
    return &b->base;
}

static void twice_destroy(ct_objpool *p)
{
    struct ct__objpool_broken *b = broken_of(p);

    ct_objpool_free(b->inner);
    free(b->dups);
    pthread_mutex_destroy(&b->lock);
    ct_free_aligned(b);
}

static void *twice_get(ct_objpool *p, unsigned tid)
{
    struct ct__objpool_broken *b = broken_of(p);
    void *o = NULL;

    pthread_mutex_lock(&b->lock);
    if (++b->gets % BROKEN_EVERY == 0 && b->last) {
        if (b->ndups == b->capdups) {
            size_t cap = b->capdups ? 2 * b->capdups : 64;
            void **d = realloc(b->dups, cap * sizeof *d);

            if (!d)
                ct_die("objpool broken_twice: out of memory");
            b->dups = d;
            b->capdups = cap;
        }
        o = b->dups[b->ndups++] = b->last; /* the double hand-out */
    }
    pthread_mutex_unlock(&b->lock);
    if (!o)
        o = ct_objpool_get(b->inner, tid);
    pthread_mutex_lock(&b->lock);
    b->last = o;
    pthread_mutex_unlock(&b->lock);
    return o;
}

static void twice_put(ct_objpool *p, unsigned tid, void *obj)
{
    struct ct__objpool_broken *b = broken_of(p);
    bool swallow = false;

    pthread_mutex_lock(&b->lock);
    for (size_t i = 0; i < b->ndups; i++)
        if (b->dups[i] == obj) { /* its second put: the inner pool has one copy only */
            b->dups[i] = b->dups[--b->ndups];
            swallow = true;
            break;
        }
    if (!swallow && b->last == obj)
        b->last = NULL; /* about to be freed: never hand it out again */
    pthread_mutex_unlock(&b->lock);
    if (!swallow)
        ct_objpool_put(b->inner, tid, obj);
}

const ct_objpool_ops ct_objpool_broken_twice = {
    .desc = {.name = "broken_twice",
             .summary = "test build only: malloc, but one get in 16 hands out the previous get's "
                        "object again",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_CAP_BROKEN},
    .create = twice_create,
    .destroy = twice_destroy,
    .get = twice_get,
    .put = twice_put,
};
