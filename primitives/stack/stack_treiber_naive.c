/*
 * stack_treiber_naive.c: `treiber_naive`, the seeds' lock-free stack taken
 * literally: a plain pointer CAS on the head, a malloc'd node per push, the
 * node freed right after its pop. A PITFALL, kept to be diagnosed; never use
 * it. Two bugs, both in pop, between reading the head h and the CAS:
 *  - use after free: another thread pops h and frees it; this thread then
 *    reads h->next from freed memory (ASan: heap-use-after-free);
 *  - ABA: h is popped and freed, and a new node gets h's address and is
 *    pushed; the CAS still sees "h" and installs the stale h->next, losing
 *    or resurrecting nodes (values lost or duplicated).
 * The atomics themselves are right (there is no data race on the head);
 * what is wrong is the memory management, which is exactly the point.
 *
 * tests/test_stack_naive.c reproduces both deterministically. It compiles
 * this file once more with CT_STACK_TEST_HOOKS (stack_hooks_internal.h),
 * which renames the entry to ct_stack_treiber_naive_hooked and adds
 * test-only hooks: a call after the head is read, one after h->next is read
 * (before the CAS), and a replaceable allocator. The library's build has
 * none of it.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "stack.h"

#include "stack_hooks_internal.h"

#ifdef CT_STACK_TEST_HOOKS
#define NODE_ALLOC(size)                                                                           \
    (ct_stack_test_hooks.alloc ? ct_stack_test_hooks.alloc(size) : malloc(size))
#define NODE_FREE(p) (ct_stack_test_hooks.free ? ct_stack_test_hooks.free(p) : free(p))
#else
#define NODE_ALLOC(size) malloc(size)
#define NODE_FREE(p) free(p)
#endif

typedef struct naive_node {
    struct naive_node *next;
    uintptr_t value;
} naive_node;

struct ct__stack_naive {
    ct_stack base; /* first: the header ct_stack_new fills in */
    _Atomic(naive_node *) head CT_CACHE_ALIGNED;
};

static inline struct ct__stack_naive *naive_of(ct_stack *s)
{
    return (struct ct__stack_naive *)(void *)s;
}

static ct_stack *naive_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__stack_naive *s = ct_alloc_aligned(sizeof *s);

    (void)capacity_hint;
    (void)max_threads;
    if (s)
        atomic_init(&s->head, NULL);
    return s ? &s->base : NULL;
}

static void naive_destroy(ct_stack *st)
{
    struct ct__stack_naive *s = naive_of(st);
    /* relaxed: no thread uses the stack any more */
    naive_node *n = atomic_load_explicit(&s->head, memory_order_relaxed), *next;

    for (; n; n = next) {
        next = n->next;
        NODE_FREE(n);
    }
    ct_free_aligned(s);
}

static int naive_push(ct_stack *st, unsigned tid, uintptr_t value)
{
    struct ct__stack_naive *s = naive_of(st);
    naive_node *n = NODE_ALLOC(sizeof *n);

    (void)tid;
    if (!n)
        return -ENOMEM;
    n->value = value;
    /* relaxed: the expected value; the CAS validates it */
    n->next = atomic_load_explicit(&s->head, memory_order_relaxed);
    /* release: publishes n; pairs with the acquire load in naive_pop */
    while (!atomic_compare_exchange_weak_explicit(&s->head, &n->next, n, memory_order_release,
                                                  memory_order_relaxed))
        ;
    return 0;
}

static int naive_pop(ct_stack *st, unsigned tid, uintptr_t *value)
{
    struct ct__stack_naive *s = naive_of(st);
    /* acquire: pairs with the release CAS in naive_push */
    naive_node *h = atomic_load_explicit(&s->head, memory_order_acquire), *next;

    (void)tid;
    for (;;) {
        if (!h)
            return CT_WOULDBLOCK;
        CT__STACK_HOOK(after_head, st);
        next = h->next; /* BUG: h may have been freed by another pop */
        CT__STACK_HOOK(after_next, st);
        /* BUG (ABA): h may be a new node at a recycled address, so "still
         * h" does not mean "next is still h->next".
         * acquire on both outcomes: pairs with the release CAS in naive_push */
        if (atomic_compare_exchange_weak_explicit(&s->head, &h, next, memory_order_acquire,
                                                  memory_order_acquire))
            break;
    }
    *value = h->value;
    NODE_FREE(h); /* BUG: another pop may still be about to read h->next */
    return 0;
}

const ct_stack_ops CT__STACK_OPS(ct_stack_treiber_naive) = {
    .desc = {.name = "treiber_naive",
             .summary = "PITFALL: the seeds' Treiber stack (plain pointer CAS, node freed after "
                        "pop): ABA and use after free",
             .caps = CT_CAP_PITFALL | CT_CAP_LOCKFREE | CT_CAP_MPMC},
    .create = naive_create,
    .destroy = naive_destroy,
    .push = naive_push,
    .pop = naive_pop,
};
