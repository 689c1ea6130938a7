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
 * single-threaded before using the stack.
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
#define CT__STACK_HOOK(which, s)                                                         \
    (ct_stack_test_hooks.which ? ct_stack_test_hooks.which((ct_stack *)(void *)(s)) : (void)0)
#else
#define CT__STACK_OPS(name) name
#define CT__STACK_HOOK(which, s) ((void)0)
#endif

/* The hooked copies the tests build, and (for the safe ones) the node on
 * top, so a test can tell when a node's address comes back. */
extern const ct_stack_ops ct_stack_treiber_naive_hooked;
extern const ct_stack_ops ct_stack_treiber_hooked;
extern const ct_stack_ops ct_stack_treiber_noreclaim_hooked;
extern const ct_stack_ops ct_stack_elimination_hooked;
void *ct_stack_treiber_top_hooked(ct_stack *s);
void *ct_stack_treiber_noreclaim_top_hooked(ct_stack *s);
void *ct_stack_elimination_top_hooked(ct_stack *s);

#endif /* CT_STACK_HOOKS_INTERNAL_H */
