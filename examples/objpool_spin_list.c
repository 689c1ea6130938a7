/*
 * objpool_spin_list.c: an object-pool competitor written outside the tree.
 *
 *     cc objpool_spin_list.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=objpool
 *
 * The design: one free list under a POSIX spin lock. A put pushes the object,
 * linked through its own first word (the pool owns a free object, so it may
 * write there); a get pops one, or, when the list is empty, allocates a new
 * one outside the lock. The lock is held for a few pointer moves only, which
 * is when spinning beats sleeping; contend's own `locked` pool does the same
 * under a mutex. The objpool workloads check that no object is handed to two
 * owners at once and that every object comes back.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <contend/objpool.h> /* ct_objpool_ops, CT_OBJPOOL_ALIGN, CT_REGISTER_COMPETITOR */

typedef struct free_obj {
    struct free_obj *next; /* in the object's first word, only while it is free */
} free_obj;

struct spin_list {
    ct_objpool base;                          /* first: ct_objpool_new sets its ops */
    size_t size;                              /* the allocation size; read-only after create */
    CT_CACHE_ALIGNED pthread_spinlock_t lock; /* its own line: every get and put takes it */
    free_obj *head;                           /* guarded by lock */
};

static struct spin_list *sl(ct_objpool *p)
{
    return (struct spin_list *)(void *)p;
}

static ct_objpool *sl_create(size_t object_size, unsigned max_threads)
{
    struct spin_list *p = ct_alloc_aligned(sizeof *p); /* zeroed: the list is empty */
    int err;

    (void)max_threads; /* tid is not used */
    if (!p)
        return NULL;
    /* a multiple of the alignment (aligned_alloc wants one), and room for
     * the link (object_size is at least 1, checked by ct_objpool_new) */
    p->size = (object_size + CT_OBJPOOL_ALIGN - 1) / CT_OBJPOOL_ALIGN * CT_OBJPOOL_ALIGN;
    if ((err = pthread_spin_init(&p->lock, PTHREAD_PROCESS_PRIVATE)) != 0) {
        ct_free_aligned(p);
        errno = err;
        return NULL;
    }
    return &p->base;
}

static void sl_destroy(ct_objpool *pool)
{
    struct spin_list *p = sl(pool);

    for (free_obj *o = p->head, *next; o; o = next) { /* every object is back */
        next = o->next;
        free(o);
    }
    pthread_spin_destroy(&p->lock);
    ct_free_aligned(p);
}

static void *sl_get(ct_objpool *pool, unsigned tid)
{
    struct spin_list *p = sl(pool);
    free_obj *o;

    (void)tid;
    /* the lock orders the owners: the put's unlock that pushed o
     * happens-before this lock, so the last owner's writes are done */
    pthread_spin_lock(&p->lock);
    o = p->head;
    if (o)
        p->head = o->next;
    pthread_spin_unlock(&p->lock);
    if (o)
        return o;
    o = aligned_alloc(CT_OBJPOOL_ALIGN, p->size); /* outside the lock: malloc may be slow */
    if (!o)
        errno = ENOMEM;
    return o;
}

static void sl_put(ct_objpool *pool, unsigned tid, void *obj)
{
    struct spin_list *p = sl(pool);
    free_obj *o = obj;

    (void)tid;
    pthread_spin_lock(&p->lock);
    o->next = p->head; /* under the lock: the object is the pool's from here */
    p->head = o;
    pthread_spin_unlock(&p->lock);
}

static const ct_objpool_ops spin_list_objpool = {
    .desc = {.name = "spin_list",
             .summary = "example from outside the tree: one free list under a POSIX spin lock",
             .caps = CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_SPINNING},
    .create = sl_create,
    .destroy = sl_destroy,
    .get = sl_get,
    .put = sl_put,
};

CT_REGISTER_COMPETITOR(objpool, spin_list_objpool)
