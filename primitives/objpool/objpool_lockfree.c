/*
 * objpool_lockfree.c: `lockfree`, one lock-free free list (a Treiber stack)
 * of objects, made ABA-safe by a tagged head and memory-safe by never
 * freeing an object before destroy.
 *
 *  - Each object carries a hidden 16-byte header in front of what the caller
 *    sees, holding the list's link: a popper that lost a race may still read
 *    the link of an object that another thread got and is now writing, so
 *    the link must not be in the caller's bytes (that would be a data race)
 *    and it is atomic (the stale read races only with a put's store).
 *  - The head is a {pointer, tag} pair changed by a double-width CAS
 *    (cmpxchg16b); every pop adds 1 to the tag, a push leaves it. A pop whose
 *    CAS finds its {top, tag} unchanged knows no pop happened since it read
 *    top's link, so the link is current (no ABA).
 *  - Objects are type-stable: the pool frees nothing before destroy, so a
 *    stale reader always reads a live header.
 *
 * The pair is read as two 8-byte atomic loads (tag first): a torn pair makes
 * the CAS fail, since the tag only grows. The pop's CAS is GCC's __sync
 * builtin on the 16-byte word with the cx16 target (lock cmpxchg16b, which
 * ThreadSanitizer understands); a push CASes the pointer half alone (a push
 * cannot suffer ABA: its link is right whenever the head is still what it
 * read). This is the stack family's treiber_noreclaim discipline, applied to
 * a pool whose nodes are the objects themselves.
 */
#include <stdatomic.h>

#include "objpool.h"
#include "objpool_internal.h"

#if defined(__x86_64__) /* a 16-byte CAS (cmpxchg16b); elsewhere: unavailable */

#define CX16 __attribute__((target("cx16")))

typedef struct lf_hdr {
    _Atomic(struct lf_hdr *) next; /* stale poppers may load it: atomic */
    uintptr_t pad;                 /* keeps the caller's bytes 16-byte aligned */
} lf_hdr;

_Static_assert(sizeof(lf_hdr) == CT_OBJPOOL_ALIGN, "the header keeps objects aligned");

typedef union lf_head {
    unsigned __int128 whole; /* for the CAS */
    struct {
        uintptr_t ptr; /* lf_hdr * */
        uintptr_t tag; /* pops so far */
    } half;            /* for the two loads */
} lf_head;

struct ct__objpool_lf {
    ct_objpool base; /* first: the header ct_objpool_new fills in */
    size_t size;     /* read-only after create */
    CT_CACHE_ALIGNED lf_head head;
};

_Static_assert(offsetof(struct ct__objpool_lf, head) % 16 == 0, "cmpxchg16b needs 16 bytes");

static inline struct ct__objpool_lf *lf_of(ct_objpool *p)
{
    return (struct ct__objpool_lf *)(void *)p;
}

static inline unsigned __int128 pack(uintptr_t ptr, uintptr_t tag)
{
    return (unsigned __int128)tag << 64 | ptr;
}

static ct_objpool *lf_create(size_t object_size, unsigned max_threads)
{
    struct ct__objpool_lf *p = ct_alloc_aligned(sizeof *p);

    (void)max_threads;
    if (!p)
        return NULL;
    p->size = object_size;
    p->head.whole = 0; /* published by whatever shares the pool */
    return &p->base;
}

static void lf_destroy(ct_objpool *pool)
{
    struct ct__objpool_lf *p = lf_of(pool);
    /* relaxed: no other thread uses the pool any more */
    lf_hdr *h = (lf_hdr *)__atomic_load_n(&p->head.half.ptr, __ATOMIC_RELAXED);

    while (h) {
        /* relaxed: as above */
        lf_hdr *next = atomic_load_explicit(&h->next, memory_order_relaxed);

        free(h);
        h = next;
    }
    ct_free_aligned(p);
}

CX16 static void *lf_get(ct_objpool *pool, unsigned tid)
{
    struct ct__objpool_lf *p = lf_of(pool);
    lf_hdr *h;

    (void)tid;
    for (;;) {
        /* acquire (both): pairs with the CAS in lf_put/lf_get that wrote
         * them; the tag first (see the top of the file) */
        uintptr_t tag = __atomic_load_n(&p->head.half.tag, __ATOMIC_ACQUIRE);
        uintptr_t top = __atomic_load_n(&p->head.half.ptr, __ATOMIC_ACQUIRE);
        lf_hdr *next;

        if (!top)
            break;
        h = (lf_hdr *)top;
        /* relaxed: may be stale (h popped and put back since); the tagged
         * CAS rejects it then, and h's memory lives until destroy */
        next = atomic_load_explicit(&h->next, memory_order_relaxed);
        /* full barrier (a __sync CAS): acquires from the push CAS that
         * published h, so the previous owner's writes to h are visible */
        if (__sync_bool_compare_and_swap(&p->head.whole, pack(top, tag),
                                         pack((uintptr_t)next, tag + 1)))
            return h + 1;
        ct_cpu_relax();
    }
    if (!(h = ct__objpool_fresh(sizeof *h + p->size)))
        return NULL;
    atomic_init(&h->next, NULL); /* not atomic: h is ours until a put publishes it */
    return h + 1;
}

static void lf_put(ct_objpool *pool, unsigned tid, void *obj)
{
    struct ct__objpool_lf *p = lf_of(pool);
    lf_hdr *h = (lf_hdr *)obj - 1;
    /* relaxed: only the expected value; the CAS below validates it */
    uintptr_t top = __atomic_load_n(&p->head.half.ptr, __ATOMIC_RELAXED);

    (void)tid;
    do {
        /* relaxed: published by the CAS below */
        atomic_store_explicit(&h->next, (lf_hdr *)top, memory_order_relaxed);
        /* release: publishes the link and the caller's writes to the object;
         * pairs with the acquire loads and the CAS in lf_get */
    } while (!__atomic_compare_exchange_n(&p->head.half.ptr, &top, (uintptr_t)h, true,
                                          __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

#define LF_UNAVAILABLE NULL
#else
/* Not built here: the registry keeps the entry, tests and benchmarks skip it. */
static ct_objpool *lf_create(size_t object_size, unsigned max_threads)
{
    (void)object_size, (void)max_threads;
    errno = ENOSYS;
    return NULL;
}
static void lf_destroy(ct_objpool *p)
{
    (void)p;
}
static void *lf_get(ct_objpool *p, unsigned tid)
{
    (void)p, (void)tid;
    errno = ENOSYS;
    return NULL;
}
static void lf_put(ct_objpool *p, unsigned tid, void *obj)
{
    (void)p, (void)tid, (void)obj;
}
#define LF_UNAVAILABLE "lockfree: needs a 16-byte CAS, implemented for x86-64 only"
#endif

const ct_objpool_ops ct_objpool_lockfree = {
    .desc = {.name = "lockfree",
             .summary = "one lock-free free list (Treiber, tagged head by cmpxchg16b) over "
                        "type-stable objects with a hidden link header",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_MPMC,
             .unavailable = LF_UNAVAILABLE},
    .create = lf_create,
    .destroy = lf_destroy,
    .get = lf_get,
    .put = lf_put,
};
