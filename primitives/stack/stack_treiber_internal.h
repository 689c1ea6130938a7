/*
 * stack_treiber_internal.h: the Treiber stack with hazard pointers that
 * `treiber` and `elimination` share: one head word, nodes from a per-thread
 * pool, popped nodes retired to hazard pointers (primitives/common).
 *
 * ABA: the head is a plain pointer and the CAS compares pointers only. That
 * is safe here because of the hazard pointers alone, without a tag: ABA
 * needs the node a popper read (h, with h->next) to leave the stack and come
 * back as head while the popper still holds h. Leaving takes a pop, after
 * which h is retired; coming back takes a push of h, i.e. h recycled through
 * the pool; and the hazard scan recycles nothing a hazard protects. The
 * popper protects h (and re-reads the head, see ct_hazard.h) before it reads
 * h->next, so from then on h cannot be recycled, and if the CAS finds h as
 * head, h has never left: h->next is current.
 *
 * Reclamation: a popped node is retired; the retiring thread's scan puts it
 * back in that thread's pool cache only once no hazard holds it, so no
 * thread ever reads a node (h->next) while it is reused. The pool keeps the
 * memory until destroy (see ct_nodepool.h).
 *
 * Memory orders (partners named at each atomic): a push publishes its node
 * with a release CAS, the popper's acquire loads of the head read it; the
 * pop's CAS is the unlink that the hazard scan's heavy fence orders against
 * the protector's hazard and re-read (ct_hazard.h).
 */
#ifndef CT_STACK_TREIBER_INTERNAL_H
#define CT_STACK_TREIBER_INTERNAL_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "ct_hazard.h"
#include "ct_nodepool.h"
#include "stack.h"
#include "stack_hooks_internal.h"

#define CT__TREIBER_HP_POP 0u   /* the hazard slot a pop protects the head with */
#define CT__TREIBER_HP_SLOTS 2u /* elimination uses slot 1 for its offered node */

typedef struct ct__tnode {
    struct ct__tnode *next; /* written only while the node is private */
    uintptr_t value;
} ct__tnode;

/* In a stack after its ct_stack header: head starts a line of its own, away
 * from the header every call reads. */
typedef struct ct__treiber {
    _Atomic(ct__tnode *) head CT_CACHE_ALIGNED;
    /* read-only after create, on their own line */
    ct_hp_domain *hp CT_CACHE_ALIGNED;
    ct_nodepool *pool;
    unsigned max_threads;
} ct__treiber;

static inline void ct__treiber_reclaim(void *node, unsigned tid, void *ctx)
{
    ct_nodepool_put(ctx, tid, node); /* no hazard holds it: safe to reuse */
}

static inline int ct__treiber_init(ct__treiber *t, size_t capacity_hint, unsigned max_threads)
{
    if (max_threads == 0)
        return -EINVAL;
    atomic_init(&t->head, NULL); /* published by whatever shares the stack */
    t->max_threads = max_threads;
    t->pool = ct_nodepool_create(sizeof(ct__tnode), offsetof(ct__tnode, value), max_threads,
                                 capacity_hint);
    if (!t->pool)
        return -errno;
    t->hp = ct_hp_create(max_threads, CT__TREIBER_HP_SLOTS, ct__treiber_reclaim, t->pool);
    if (!t->hp) {
        int err = -errno;

        ct_nodepool_destroy(t->pool);
        return err;
    }
    return 0;
}

/* No thread uses the stack any more: every node lives in the pool's chunks. */
static inline void ct__treiber_fini(ct__treiber *t)
{
    ct_hp_destroy(t->hp); /* reclaims the retired nodes into the pool */
    ct_nodepool_destroy(t->pool);
}

static inline void ct__treiber_check_tid(const ct__treiber *t, unsigned tid)
{
    if (CT_UNLIKELY(tid >= t->max_threads))
        ct_die("stack: tid %u out of range (max_threads %u)", tid, t->max_threads);
}

/* A private node holding value, or NULL (ENOMEM). */
static inline ct__tnode *ct__treiber_node(ct__treiber *t, unsigned tid, uintptr_t value)
{
    ct__tnode *n = ct_nodepool_get(t->pool, tid);

    if (n)
        n->value = value;
    return n;
}

/* One push attempt; false if another thread moved the head first. */
static inline bool ct__treiber_try_push(ct__treiber *t, ct__tnode *n)
{
    /* relaxed: only the expected value; the CAS below validates it */
    ct__tnode *h = atomic_load_explicit(&t->head, memory_order_relaxed);

    n->next = h;
    /* release: publishes n->next and n->value; pairs with the acquire and
     * seq_cst loads of the head in ct__treiber_try_pop */
    return atomic_compare_exchange_weak_explicit(&t->head, &h, n, memory_order_release,
                                                 memory_order_relaxed);
}

enum { CT__POP_RETRY = 1 };

/* One pop attempt: 0 with the node in *out (the caller's now: read its
 * value through ct__treiber_consume), CT__POP_RETRY if another thread moved
 * the head first, CT_WOULDBLOCK if empty. The hazard slot stays set on
 * retry; the caller clears it when it gives up (ct__treiber_unprotect).
 * s is the stack t is in, for the test hooks only. */
static inline int ct__treiber_try_pop(ct__treiber *t, ct_stack *s, unsigned tid, ct__tnode **out)
{
    /* acquire: pairs with the release CAS in ct__treiber_try_push */
    ct__tnode *h = atomic_load_explicit(&t->head, memory_order_acquire), *h2, *next;

    for (;;) {
        if (!h)
            return CT_WOULDBLOCK;
        ct_hp_set(t->hp, tid, CT__TREIBER_HP_POP, h);
        /* acquire: the hazard protocol's re-read (after the hazard by
         * ct_hp_set's fence); pairs with the release CAS that pushed h, so
         * h->next is visible */
        h2 = atomic_load_explicit(&t->head, memory_order_acquire);
        if (h2 == h)
            break;
        h = h2;
    }
    /* h is protected and was head after the hazard was visible: it cannot
     * be recycled, so h->next is safe to read (and current if the CAS wins) */
    next = h->next;
    CT__STACK_HOOK(after_next, s); /* tests only: another thread runs here */
    /* acq_rel: the unlink, before this thread's retire and scan (whose heavy
     * fence orders it against every hazard, ct_hazard.h); acquires the pushes
     * it unlinks past */
    if (atomic_compare_exchange_strong_explicit(&t->head, &h, next, memory_order_acq_rel,
                                                memory_order_relaxed)) {
        *out = h;
        return 0;
    }
    return CT__POP_RETRY;
}

static inline void ct__treiber_unprotect(ct__treiber *t, unsigned tid)
{
    ct_hp_clear(t->hp, tid, CT__TREIBER_HP_POP);
}

/* After a successful pop: take the value, drop the hazard, retire the node. */
static inline uintptr_t ct__treiber_consume(ct__treiber *t, unsigned tid, ct__tnode *n)
{
    uintptr_t v = n->value;

    ct__treiber_unprotect(t, tid);
    ct_hp_retire(t->hp, tid, n);
    return v;
}

#ifdef CT_STACK_TEST_HOOKS
/* Tests only, single-threaded: the node on top. */
static inline void *ct__treiber_top(ct__treiber *t)
{
    /* relaxed: the test's own thread wrote it */
    return atomic_load_explicit(&t->head, memory_order_relaxed);
}
#endif

#endif /* CT_STACK_TREIBER_INTERNAL_H */
