/*
 * objpool.h: the object-pool family (Go's sync.Pool): competing designs of
 * a cache of reusable fixed-size objects, so that a hot loop does not pay
 * malloc and free (and the page faults of fresh memory) per object:
 *
 *     ct_objpool *p = ct_objpool_new("magazine", 4096, max_threads);  // NULL: the first listed
 *     void *buf = ct_objpool_get(p, tid);    // 4096 bytes, contents unspecified
 *     ... use buf ...
 *     ct_objpool_put(p, tid, buf);           // back for reuse, by any thread
 *     ct_objpool_free(p);                    // every object back first
 *
 * The competitors are listed in objpool_list.h; each is one .c file defining
 * its ct_objpool_ops (the contract below).
 *
 * Synchronization table: may the row run concurrently with the column, on
 * the same pool?
 *
 *                 | get (tid a) | put (tid a) | get/put (tid b != a) | create/destroy
 * ----------------+-------------+-------------+----------------------+---------------
 *  get (tid a)    | no          | no          | yes                  | no
 *  put (tid a)    | no          | no          | yes                  | no
 *  create/destroy | no          | no          | no                   | no
 *
 *  - tid names the caller's slot: at most one thread uses a tid at a time (a
 *    thread taking over a tid synchronizes with its previous user, e.g.
 *    joins it), and tid < max_threads given to ct_objpool_new. Designs with
 *    CT_CAP_PER_THREAD keep a private cache per tid and abort with a message
 *    on a bad tid, in every build; the others ignore tid.
 *  - An object is owned by one caller at a time: get hands out an object no
 *    other caller holds, and nobody may touch it after putting it back. A
 *    put happens-before the get that hands the same object out again
 *    (through the pool's lock, its release/acquire pair, or malloc's own
 *    synchronization), so what the previous owner wrote never races with
 *    the next owner's writes.
 *  - An object may be put back by another thread (with that thread's tid)
 *    than the one that got it, as with sync.Pool.
 *  - get never returns NULL except when memory runs out (errno ENOMEM).
 *    What the object holds is unspecified: a new one is not zeroed, a
 *    reused one holds what its last owner left (sync.Pool's New is the
 *    caller's business here). Objects are 16-byte aligned.
 *  - Unlike sync.Pool, no design drops cached objects on its own (there is
 *    no garbage collector to tell it when): the memory a caching design
 *    holds stays at its high-water mark until ct_objpool_free. The churn
 *    workload reports the resident-set growth per run.
 *  - destroy frees what the pool holds; every object must be back by then
 *    (one still out is the caller's leak, LeakSanitizer names it).
 *
 * Memory: ct_objpool_new allocates (cache-line aligned); NULL with errno
 * (EINVAL: an unknown name, object_size 0 or above CT_OBJPOOL_MAX_SIZE, or
 * max_threads 0 for a CT_CAP_PER_THREAD design; ENOSYS: a design this build
 * lacks, see desc.unavailable; ENOMEM).
 */
#ifndef CT_OBJPOOL_H
#define CT_OBJPOOL_H

#include "ct_common.h"
#include "ct_registry.h"
#include "objpool_list.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest object a pool hands out (sync.Pool has no limit; this one
 * keeps a typo from reserving gigabytes per cached object). */
#define CT_OBJPOOL_MAX_SIZE ((size_t)1 << 20)
/* The alignment of every object. */
#define CT_OBJPOOL_ALIGN 16u

typedef struct ct_objpool_ops ct_objpool_ops;

/* Every design's pool starts with this header (set by ct_objpool_new). */
typedef struct ct_objpool {
    const ct_objpool_ops *ops;
} ct_objpool;

/* The competitor's contract: one table per design. */
struct ct_objpool_ops {
    ct_impl_desc desc; /* name ("magazine", ...), summary, caps */
    /* A pool of objects of object_size bytes (1..CT_OBJPOOL_MAX_SIZE, checked
     * by the facade) for threads 0..max_threads-1: NULL + errno. */
    ct_objpool *(*create)(size_t object_size, unsigned max_threads);
    void (*destroy)(ct_objpool *p);
    /* An object only the caller holds, or NULL with errno ENOMEM. */
    void *(*get)(ct_objpool *p, unsigned tid);
    /* Back to the pool (obj came from this pool's get). */
    void (*put)(ct_objpool *p, unsigned tid, void *obj);
};

#define CT__OBJPOOL_EXTERN(ident) extern const ct_objpool_ops ident;
CT_OBJPOOL_LIST(CT__OBJPOOL_EXTERN)
#undef CT__OBJPOOL_EXTERN
CT_REGISTRY_DECLARE(objpool)

/* A pool of design impl (NULL: the first listed). */
ct_objpool *ct_objpool_new(const char *impl, size_t object_size, unsigned max_threads);
void ct_objpool_free(ct_objpool *p);

static inline const ct_objpool_ops *ct_objpool_impl(const ct_objpool *p)
{
    return p->ops;
}

/* Inline: the hot path is one indirect call. */
static inline void *ct_objpool_get(ct_objpool *p, unsigned tid)
{
    return p->ops->get(p, tid);
}

static inline void ct_objpool_put(ct_objpool *p, unsigned tid, void *obj)
{
    p->ops->put(p, tid, obj);
}

#ifdef __cplusplus
}
#endif
#endif /* CT_OBJPOOL_H */
