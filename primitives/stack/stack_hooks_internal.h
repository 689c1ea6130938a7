/*
 * stack_hooks_internal.h: test-only hooks for the lock-free stacks, compiled
 * in only when a test builds a stack's .c file once more with
 * CT_STACK_TEST_HOOKS (tests/test_stack_naive.c, tests/test_stack_aba.c);
 * libcontend has none of them, and the hooked copies get their own names
 * (CT__STACK_OPS: ct_stack_treiber -> ct_stack_treiber_hooked).
 *
 * A hook runs on the popping thread at the named point, standing for another
 * thread that runs just then: that forces the interleavings that break a
 * naive lock-free stack (or that a safe one must survive) instead of waiting
 * for a lucky preemption. The test defines ct_stack_test_hooks and sets it
 * single-threaded before using the stack. A hook gets the stack itself (its
 * ct_stack header), so it can push and pop on it as the other thread would.
 */
#ifndef CT_STACK_HOOKS_INTERNAL_H
#define CT_STACK_HOOKS_INTERNAL_H

#include <stddef.h>

#include "stack.h"

struct ct_stack_test_hooks {
    void (*after_head)(ct_stack *s); /* pop read the head h, not yet h->next */
    void (*after_next)(ct_stack *s); /* pop read h->next, not yet CASed */
    void *(*alloc)(size_t size);     /* treiber_naive's nodes (NULL: malloc) */
    void (*free)(void *p);           /* treiber_naive's nodes (NULL: free) */
};

#ifdef CT_STACK_TEST_HOOKS
extern struct ct_stack_test_hooks ct_stack_test_hooks;
#define CT__STACK_OPS(name) name##_hooked
#define CT__STACK_HOOK(which, s)                                                                   \
    (ct_stack_test_hooks.which ? ct_stack_test_hooks.which(s) : (void)0)
#else
#define CT__STACK_OPS(name) name
#define CT__STACK_HOOK(which, s) ((void)(s))
#endif

/* The hooked copies the tests build, and (for the safe ones) the node on
 * top, so a test can tell when a node's address comes back. They are not in
 * the registry, so ct_stack_new cannot make them: ct__stack_new_hooked does
 * what it does for a given table. */
extern const ct_stack_ops ct_stack_treiber_naive_hooked;
extern const ct_stack_ops ct_stack_treiber_hooked;
extern const ct_stack_ops ct_stack_treiber_noreclaim_hooked;
extern const ct_stack_ops ct_stack_elimination_hooked;
void *ct_stack_treiber_top_hooked(ct_stack *s);
void *ct_stack_treiber_noreclaim_top_hooked(ct_stack *s);
void *ct_stack_elimination_top_hooked(ct_stack *s);

static inline ct_stack *ct__stack_new_hooked(const ct_stack_ops *o, size_t capacity_hint,
                                             unsigned max_threads)
{
    ct_stack *s = o->create(capacity_hint, max_threads);

    if (s)
        s->ops = o;
    return s;
}

#endif /* CT_STACK_HOOKS_INTERNAL_H */
