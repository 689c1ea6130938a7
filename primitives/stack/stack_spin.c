/*
 * stack_spin.c: `spin`, the same linked stack as `mutex` under a
 * test-and-test-and-set spin lock with bounded exponential backoff
 * (ct_spinlock.h). Cheaper than a mutex when every thread has a core; with
 * more threads than cores a waiter burns the slice the preempted owner
 * needs, which the benchmarks show at 4 and 8 threads.
 */
#include "ct_spinlock.h"
#include "stack_linked_internal.h"

struct ct__stack_spin {
    ct_stack base; /* first: the header ct_stack_new fills in */
    CT_CACHE_ALIGNED ct_spin_ttas lock;
    ct__list list; /* guarded by lock; on the lock's line */
};

static inline struct ct__stack_spin *spin_of(ct_stack *s)
{
    return (struct ct__stack_spin *)(void *)s;
}

static ct_stack *spin_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__stack_spin *p = ct_alloc_aligned(sizeof *p);

    (void)max_threads;
    if (!p)
        return NULL;
    ct_spin_ttas_init(&p->lock);
    if (ct__list_init(&p->list, capacity_hint)) {
        ct__list_fini(&p->list);
        ct_free_aligned(p);
        errno = ENOMEM;
        return NULL;
    }
    return &p->base;
}

static void spin_destroy(ct_stack *s)
{
    struct ct__stack_spin *p = spin_of(s);

    ct__list_fini(&p->list);
    ct_free_aligned(p);
}

static int spin_push(ct_stack *s, unsigned tid, uintptr_t value)
{
    struct ct__stack_spin *p = spin_of(s);
    int rc;

    (void)tid;
    ct_spin_ttas_lock(&p->lock);
    rc = ct__list_push(&p->list, value);
    ct_spin_ttas_unlock(&p->lock);
    return rc;
}

static int spin_pop(ct_stack *s, unsigned tid, uintptr_t *value)
{
    struct ct__stack_spin *p = spin_of(s);
    int rc;

    (void)tid;
    ct_spin_ttas_lock(&p->lock);
    rc = ct__list_pop(&p->list, value);
    ct_spin_ttas_unlock(&p->lock);
    return rc;
}

const ct_stack_ops ct_stack_spin = {
    .desc = {.name = "spin",
             .summary = "linked list under a TTAS spin lock with exponential backoff",
             .caps = CT_CAP_EXACT | CT_CAP_SPINNING | CT_CAP_MPMC},
    .create = spin_create,
    .destroy = spin_destroy,
    .push = spin_push,
    .pop = spin_pop,
};
