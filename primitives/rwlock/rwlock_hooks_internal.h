/*
 * rwlock_hooks_internal.h: test-only hooks for the seqlock, compiled in only
 * when a test builds rwlock_seqlock.c once more with CT_RWLOCK_TEST_HOOKS
 * (tests/test_rwlock_seqlock.c); libcontend has none of them, and the hooked
 * copy gets its own name (ct_rwlock_seqlock -> ct_rwlock_seqlock_hooked).
 *
 * A hook runs at the named point, standing for another thread that runs just
 * then: it forces the interleavings a seqlock must survive (a write landing
 * in the middle of a reader's copy; a reader arriving in the middle of a
 * publication) instead of waiting for a lucky preemption. The test defines
 * ct_rwlock_test_hooks and sets it before using the lock.
 */
#ifndef CT_RWLOCK_HOOKS_INTERNAL_H
#define CT_RWLOCK_HOOKS_INTERNAL_H

#include "rwlock.h"

struct ct_rwlock_test_hooks {
    void (*mid_copy)(ct_rwlock *l);    /* a reader copied word 0, not the others */
    void (*mid_publish)(ct_rwlock *l); /* a writer stored word 0 of the new record */
};

#ifdef CT_RWLOCK_TEST_HOOKS
extern struct ct_rwlock_test_hooks ct_rwlock_test_hooks;
#define CT__RWLOCK_OPS(name) name##_hooked
#define CT__RWLOCK_HOOK(which, l)                                                                  \
    (ct_rwlock_test_hooks.which ? ct_rwlock_test_hooks.which(l) : (void)0)
#else
#define CT__RWLOCK_OPS(name) name
#define CT__RWLOCK_HOOK(which, l) ((void)(l))
#endif

/* The hooked copy is not in the registry, so ct_rwlock_new cannot make it. */
extern const ct_rwlock_ops ct_rwlock_seqlock_hooked;

static inline ct_rwlock *ct__rwlock_new_hooked(const ct_rwlock_ops *o, unsigned max_threads)
{
    ct_rwlock *l = o->create(max_threads);

    if (l)
        l->ops = o;
    return l;
}

#endif /* CT_RWLOCK_HOOKS_INTERNAL_H */
