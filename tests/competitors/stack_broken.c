/*
 * stack_broken.c: `broken_lossy`, a stack that loses a node: the test
 * build's proof that the stack verifiers catch a lost value
 * (tests/test_broken.py runs every stack workload on it and expects each to
 * fail; the validate driver expects its cases to fail).
 *
 * A thin wrapper over `mutex`: the first push and every BROKEN_EVERY-th after
 * it (counted over the whole stack) report success and store nothing, so
 * any run that pushes at all loses a value. It declares what `mutex`
 * declares, CT_CAP_EXACT included (the contract it breaks), plus
 * CT_CAP_BROKEN.
 */
#include <stdatomic.h>

#include "stack.h"

#define BROKEN_EVERY 16 /* one push in this many is lost */

struct ct__stack_broken {
    ct_stack base; /* first: the header ct_stack_new fills in */
    ct_stack *inner;
    CT_CACHE_ALIGNED _Atomic uint64_t pushes;
};

static ct_stack *lossy_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__stack_broken *b = ct_alloc_aligned(sizeof *b);

    if (!b)
        return NULL;
    atomic_init(&b->pushes, 0); /* not atomic: published by the caller */
    if (!(b->inner = ct_stack_new("mutex", capacity_hint, max_threads))) {
        ct_free_aligned(b);
        return NULL;
    }
    return &b->base;
}

static void lossy_destroy(ct_stack *s)
{
    ct_stack_free(((struct ct__stack_broken *)(void *)s)->inner);
    ct_free_aligned(s);
}

static int lossy_push(ct_stack *s, unsigned tid, uintptr_t value)
{
    struct ct__stack_broken *b = (struct ct__stack_broken *)(void *)s;

    /* relaxed: only picks which push to lose; orders nothing */
    if (atomic_fetch_add_explicit(&b->pushes, 1, memory_order_relaxed) % BROKEN_EVERY == 0)
        return 0; /* the lost node */
    return ct_stack_push(b->inner, tid, value);
}

static int lossy_pop(ct_stack *s, unsigned tid, uintptr_t *value)
{
    return ct_stack_pop(((struct ct__stack_broken *)(void *)s)->inner, tid, value);
}

const ct_stack_ops ct_stack_broken_lossy = {
    .desc = {.name = "broken_lossy",
             .summary = "test build only: mutex, but one push in 16 is lost",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_CAP_BROKEN},
    .create = lossy_create,
    .destroy = lossy_destroy,
    .push = lossy_push,
    .pop = lossy_pop,
};
