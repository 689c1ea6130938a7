/*
 * objpool_locked.c: `locked`, one free list under one pthread mutex: a put
 * pushes the object (linked through its own first word, which the pool owns
 * while the object is free), a get pops one or, when the list is empty,
 * mallocs a new one outside the lock. Every get and put of every thread takes
 * the same lock and writes the same line: the textbook pool, and what a
 * `sync.Mutex` around a slice gives in Go.
 *
 * Ordering: the mutex. A put's unlock happens-before the lock of the get
 * that pops the object, so the previous owner's writes are visible to the
 * next owner.
 */
#include <pthread.h>

#include "objpool.h"
#include "objpool_internal.h"

typedef struct free_obj {
    struct free_obj *next; /* in the object's first word, only while it is free */
} free_obj;

struct ct__objpool_locked {
    ct_objpool base; /* first: the header ct_objpool_new fills in */
    size_t size;     /* read-only after create */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    free_obj *head; /* under lock */
};

static inline struct ct__objpool_locked *locked_of(ct_objpool *p)
{
    return (struct ct__objpool_locked *)(void *)p;
}

static ct_objpool *locked_create(size_t object_size, unsigned max_threads)
{
    struct ct__objpool_locked *p = ct_alloc_aligned(sizeof *p);
    int err;

    (void)max_threads;
    if (!p)
        return NULL;
    if ((err = pthread_mutex_init(&p->lock, NULL)) != 0) {
        ct_free_aligned(p);
        errno = err;
        return NULL;
    }
    p->size = object_size;
    p->head = NULL;
    return &p->base;
}

static void locked_destroy(ct_objpool *pool)
{
    struct ct__objpool_locked *p = locked_of(pool);

    for (free_obj *o = p->head, *next; o; o = next) {
        next = o->next;
        free(o);
    }
    pthread_mutex_destroy(&p->lock);
    ct_free_aligned(p);
}

static void *locked_get(ct_objpool *pool, unsigned tid)
{
    struct ct__objpool_locked *p = locked_of(pool);
    free_obj *o;

    (void)tid;
    pthread_mutex_lock(&p->lock);
    if ((o = p->head) != NULL)
        p->head = o->next;
    pthread_mutex_unlock(&p->lock);
    return o ? (void *)o : ct__objpool_fresh(p->size);
}

static void locked_put(ct_objpool *pool, unsigned tid, void *obj)
{
    struct ct__objpool_locked *p = locked_of(pool);
    free_obj *o = obj;

    (void)tid;
    pthread_mutex_lock(&p->lock);
    o->next = p->head;
    p->head = o;
    pthread_mutex_unlock(&p->lock);
}

const ct_objpool_ops ct_objpool_locked = {
    .desc = {.name = "locked",
             .summary = "one free list under one pthread mutex, linked through the free objects; "
                        "malloc when it is empty",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = locked_create,
    .destroy = locked_destroy,
    .get = locked_get,
    .put = locked_put,
};
