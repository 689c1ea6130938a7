/*
 * stack_treiber_noreclaim.c: `treiber_noreclaim`, the Treiber stack without
 * memory reclamation, to measure what reclamation costs: the same head CAS
 * as `treiber`, but no hazard pointers. It is how ck_stack is meant to be
 * used (ck leaves reclamation to its caller), with our code.
 *
 * Without hazards, two things must hold by other means:
 *  - ABA: the head is a {pointer, tag} pair changed with a double-width CAS
 *    (cmpxchg16b). Every pop increments the tag; a push leaves it (a node
 *    can only come back to the top after a pop, which bumped the tag), so a
 *    pop whose CAS finds its {h, tag} unchanged knows no pop happened since
 *    it read h->next: h->next is current.
 *  - Memory safety: a popper may read h->next after h was popped and reused
 *    by another thread. Nodes come from a pool that never returns memory to
 *    the system before destroy (type-stable memory), so the stale read reads
 *    valid memory; next is an atomic, so the stale read is not a data race;
 *    and the tag makes the CAS reject what it read.
 * The price: a stack's memory stays at its high-water mark until destroy,
 * which is why this is the benchmark's "without reclamation" reference, not
 * a design to recommend for long-lived stacks.
 *
 * The pair is read as two 8-byte atomic loads (tag first, then pointer, both
 * acquire) rather than with a 16-byte load, which x86-64 only has as a
 * locked cmpxchg16b: a torn pair makes the CAS fail, since the tag only
 * grows. The pop's CAS is GCC's __sync builtin on a 16-byte word with the
 * cx16 target enabled for that function, which compiles to lock cmpxchg16b
 * (GCC's __atomic builtins go through libatomic for 16 bytes) and which
 * ThreadSanitizer understands; a push CASes the pointer half alone. Mixing
 * the two sizes on one location is outside C11 but well defined on x86-64
 * (both are locked, coherent accesses), and TSan sees atomics on both sides,
 * so it needs no annotation.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "ct_nodepool.h"
#include "stack.h"
#include "stack_hooks_internal.h"

#if defined(__x86_64__) /* a 16-byte CAS (cmpxchg16b); elsewhere: unavailable */

#define CX16 __attribute__((target("cx16")))

typedef struct nr_node {
    _Atomic(struct nr_node *) next; /* stale readers may load it: atomic */
    uintptr_t value;                /* read only by the popper that won */
} nr_node;

typedef union nr_head {
    unsigned __int128 whole; /* for the CAS */
    struct {
        uintptr_t ptr; /* nr_node * */
        uintptr_t tag; /* pops so far */
    } half;            /* for the two loads */
} nr_head;

struct ct__stack_nr {
    ct_stack base; /* first: the header ct_stack_new fills in */
    nr_head head CT_CACHE_ALIGNED;
    ct_nodepool *pool CT_CACHE_ALIGNED; /* read-only after create */
    unsigned max_threads;
};

_Static_assert(offsetof(struct ct__stack_nr, head) % 16 == 0, "cmpxchg16b needs 16 bytes");

static inline struct ct__stack_nr *nr_of(ct_stack *s)
{
    return (struct ct__stack_nr *)(void *)s;
}

static void check_tid(const struct ct__stack_nr *s, unsigned tid)
{
    if (CT_UNLIKELY(tid >= s->max_threads))
        ct_die("stack treiber_noreclaim: tid %u out of range (max_threads %u)", tid,
               s->max_threads);
}

static ct_stack *nr_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__stack_nr *s;

    if (max_threads == 0) {
        errno = EINVAL;
        return NULL;
    }
    s = ct_alloc_aligned(sizeof *s);
    if (!s)
        return NULL;
    s->head.whole = 0; /* published by whatever shares the stack */
    s->max_threads = max_threads;
    /* The pool's link lives in value: stale readers only ever load next. */
    s->pool =
        ct_nodepool_create(sizeof(nr_node), offsetof(nr_node, value), max_threads, capacity_hint);
    if (!s->pool) {
        ct_free_aligned(s);
        return NULL;
    }
    return &s->base;
}

static void nr_destroy(ct_stack *s)
{
    ct_nodepool_destroy(nr_of(s)->pool); /* every node, in the stack or not */
    ct_free_aligned(s);
}

static inline unsigned __int128 pack(uintptr_t ptr, uintptr_t tag)
{
    return (unsigned __int128)tag << 64 | ptr;
}

static int nr_push(ct_stack *st, unsigned tid, uintptr_t value)
{
    struct ct__stack_nr *s = nr_of(st);
    nr_node *n;
    uintptr_t top;

    check_tid(s, tid);
    if (!(n = ct_nodepool_get(s->pool, tid)))
        return -ENOMEM;
    n->value = value;
    /* relaxed: only the expected value; the CAS below validates it */
    top = __atomic_load_n(&s->head.half.ptr, __ATOMIC_RELAXED);
    do {
        /* relaxed: published by the CAS below */
        atomic_store_explicit(&n->next, (nr_node *)top, memory_order_relaxed);
        /* A push needs only the pointer half (ABA cannot hurt a push: n->next
         * is right whenever the head still is top), so an 8-byte CAS, as ck
         * does; it leaves the tag alone. release: publishes n->next and
         * n->value; pairs with the acquire loads and the CAS in nr_pop. */
    } while (!__atomic_compare_exchange_n(&s->head.half.ptr, &top, (uintptr_t)n, true,
                                          __ATOMIC_RELEASE, __ATOMIC_RELAXED));
    return 0;
}

CX16 static int nr_pop(ct_stack *st, unsigned tid, uintptr_t *value)
{
    struct ct__stack_nr *s = nr_of(st);

    check_tid(s, tid);
    for (;;) {
        /* acquire (both): pairs with the CAS in nr_push/nr_pop that wrote
         * them; the tag first (see the top of the file) */
        uintptr_t tag = __atomic_load_n(&s->head.half.tag, __ATOMIC_ACQUIRE);
        uintptr_t top = __atomic_load_n(&s->head.half.ptr, __ATOMIC_ACQUIRE);
        nr_node *h = (nr_node *)top, *next;

        if (!h)
            return CT_WOULDBLOCK;
        /* relaxed: may be stale (h popped and reused since); the tagged CAS
         * rejects it then, and pool memory stays valid until destroy */
        next = atomic_load_explicit(&h->next, memory_order_relaxed);
        CT__STACK_HOOK(after_next, st); /* tests only: another thread runs here */
        /* full barrier (a __sync CAS): acquires from the push CAS that
         * published h, so h->value below is the pushed value */
        if (__sync_bool_compare_and_swap(&s->head.whole, pack(top, tag),
                                         pack((uintptr_t)next, tag + 1))) {
            *value = h->value;
            ct_nodepool_put(s->pool, tid, h); /* h is ours: reuse it */
            return 0;
        }
        ct_cpu_relax();
    }
}

#ifdef CT_STACK_TEST_HOOKS
void *ct_stack_treiber_noreclaim_top_hooked(ct_stack *s)
{
    /* relaxed: tests only, single-threaded */
    return (void *)__atomic_load_n(&nr_of(s)->head.half.ptr, __ATOMIC_RELAXED);
}
#endif

#define NR_UNAVAILABLE NULL
#else
/* Not built here: the registry keeps the entry, tests and benchmarks skip it. */
static ct_stack *nr_create(size_t capacity_hint, unsigned max_threads)
{
    (void)capacity_hint;
    (void)max_threads;
    errno = ENOSYS;
    return NULL;
}
static void nr_destroy(ct_stack *s)
{
    (void)s;
}
static int nr_push(ct_stack *s, unsigned tid, uintptr_t value)
{
    (void)s, (void)tid, (void)value;
    return -ENOSYS;
}
static int nr_pop(ct_stack *s, unsigned tid, uintptr_t *value)
{
    (void)s, (void)tid, (void)value;
    return -ENOSYS;
}
#ifdef CT_STACK_TEST_HOOKS
void *ct_stack_treiber_noreclaim_top_hooked(ct_stack *s)
{
    (void)s;
    return NULL;
}
#endif
#define NR_UNAVAILABLE "treiber_noreclaim: needs a 16-byte CAS, implemented for x86-64 only"
#endif

const ct_stack_ops CT__STACK_OPS(ct_stack_treiber_noreclaim) = {
    .desc = {.name = "treiber_noreclaim",
             .summary = "Treiber with a tagged head (cmpxchg16b) over type-stable nodes: no "
                        "reclamation, the benchmark's reference for what it costs",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_MPMC | CT_CAP_PER_THREAD,
             .unavailable = NR_UNAVAILABLE},
    .create = nr_create,
    .destroy = nr_destroy,
    .push = nr_push,
    .pop = nr_pop,
};
