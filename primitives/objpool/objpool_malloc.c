/*
 * objpool_malloc.c: `malloc`, the baseline: no pool at all, get is malloc
 * and put is free. glibc's allocator has per-thread caches (tcache) and
 * arenas of its own, so this is the design every pool must beat to be worth
 * having; its memory goes back to malloc at once. Ordering between a put and
 * the get that gets the same memory back is malloc's own (its locks, or the
 * one thread's tcache); ThreadSanitizer intercepts malloc and free and knows
 * that memory freed and reallocated is new.
 */
#include "objpool.h"
#include "objpool_internal.h"

struct ct__objpool_malloc {
    ct_objpool base; /* first: the header ct_objpool_new fills in */
    size_t size;     /* read-only after create */
};

static ct_objpool *malloc_create(size_t object_size, unsigned max_threads)
{
    struct ct__objpool_malloc *p = ct_alloc_aligned(sizeof *p);

    (void)max_threads;
    if (!p)
        return NULL;
    p->size = object_size;
    return &p->base;
}

static void malloc_destroy(ct_objpool *p)
{
    ct_free_aligned(p);
}

static void *malloc_get(ct_objpool *p, unsigned tid)
{
    (void)tid;
    return ct__objpool_fresh(((struct ct__objpool_malloc *)(void *)p)->size);
}

static void malloc_put(ct_objpool *p, unsigned tid, void *obj)
{
    (void)p, (void)tid;
    free(obj);
}

const ct_objpool_ops ct_objpool_malloc = {
    .desc = {.name = "malloc",
             .summary = "no pool: malloc on every get, free on every put (glibc's tcache and "
                        "arenas), the baseline",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = malloc_create,
    .destroy = malloc_destroy,
    .get = malloc_get,
    .put = malloc_put,
};
