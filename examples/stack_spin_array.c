/*
 * stack_spin_array.c: a stack competitor written outside the tree.
 *
 *     cc stack_spin_array.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=stack
 *
 * The design: a growable array of values under a POSIX spin lock. The stack
 * family's workloads check that every value pushed is popped exactly once.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <contend/stack.h> /* ct_stack_ops, CT_WOULDBLOCK, CT_REGISTER_COMPETITOR */

struct spin_stack {
    ct_stack base;                            /* first: ct_stack_new sets its ops */
    CT_CACHE_ALIGNED pthread_spinlock_t lock; /* guards everything below */
    uintptr_t *items;
    size_t len, cap;
};

static struct spin_stack *ss(ct_stack *s)
{
    return (struct spin_stack *)(void *)s;
}

static ct_stack *sa_create(size_t capacity_hint, unsigned max_threads)
{
    struct spin_stack *s = ct_alloc_aligned(sizeof *s);

    (void)max_threads; /* tid is not used */
    if (!s)
        return NULL;
    s->cap = capacity_hint ? capacity_hint : 64; /* a hint: push grows it */
    s->items = malloc(s->cap * sizeof *s->items);
    if (!s->items || pthread_spin_init(&s->lock, PTHREAD_PROCESS_PRIVATE) != 0) {
        free(s->items);
        ct_free_aligned(s);
        errno = ENOMEM;
        return NULL;
    }
    return &s->base;
}

static void sa_destroy(ct_stack *st)
{
    struct spin_stack *s = ss(st);

    pthread_spin_destroy(&s->lock);
    free(s->items);
    ct_free_aligned(s);
}

static int sa_push(ct_stack *st, unsigned tid, uintptr_t value)
{
    struct spin_stack *s = ss(st);
    int rc = 0;

    (void)tid;
    pthread_spin_lock(&s->lock); /* the lock orders a push before the pop that takes it */
    if (s->len == s->cap) {      /* growing under the lock keeps the example short */
        uintptr_t *more = realloc(s->items, 2 * s->cap * sizeof *more);
        if (more) {
            s->items = more;
            s->cap *= 2;
        }
    }
    if (s->len < s->cap)
        s->items[s->len++] = value;
    else
        rc = -ENOMEM; /* the contract: the value is not pushed */
    pthread_spin_unlock(&s->lock);
    return rc;
}

static int sa_pop(ct_stack *st, unsigned tid, uintptr_t *value)
{
    struct spin_stack *s = ss(st);
    int rc = CT_WOULDBLOCK; /* empty: the contract says return at once */

    (void)tid;
    pthread_spin_lock(&s->lock);
    if (s->len > 0) {
        *value = s->items[--s->len];
        rc = 0;
    }
    pthread_spin_unlock(&s->lock);
    return rc;
}

static const ct_stack_ops spin_array_stack = {
    .desc = {.name = "spin_array",
             .summary = "example from outside the tree: a growable array under a pthread spin lock",
             .caps = CT_CAP_EXACT | CT_CAP_SPINNING | CT_CAP_MPMC},
    .create = sa_create,
    .destroy = sa_destroy,
    .push = sa_push,
    .pop = sa_pop,
};

CT_REGISTER_COMPETITOR(stack, spin_array_stack)
