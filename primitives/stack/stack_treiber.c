/*
 * stack_treiber.c: `treiber`, the lock-free Treiber stack (IBM, 1986) made
 * safe in C: hazard pointers make the plain pointer CAS ABA-safe and keep a
 * popped node from being reused while another thread may still read it (the
 * argument is in stack_treiber_internal.h). A failed CAS backs off
 * exponentially (bounded), which thins out the retries when every thread
 * hammers the one head word.
 */
#include "stack_treiber_internal.h"

#define BACKOFF_MIN 2u
#define BACKOFF_MAX 128u /* pause hints */

struct ct__stack_treiber {
    ct_stack base; /* first: the header ct_stack_new fills in */
    ct__treiber t; /* its head on a line of its own */
};

static inline ct__treiber *treiber_of(ct_stack *s)
{
    return &((struct ct__stack_treiber *)(void *)s)->t;
}

static inline void backoff(unsigned *b)
{
    for (unsigned i = 0; i < *b; i++)
        ct_cpu_relax();
    if (*b < BACKOFF_MAX)
        *b <<= 1;
}

static ct_stack *treiber_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__stack_treiber *s = ct_alloc_aligned(sizeof *s);
    int err;

    if (!s)
        return NULL;
    err = ct__treiber_init(&s->t, capacity_hint, max_threads);
    if (err) {
        ct_free_aligned(s);
        errno = -err;
        return NULL;
    }
    return &s->base;
}

static void treiber_destroy(ct_stack *s)
{
    ct__treiber_fini(treiber_of(s));
    ct_free_aligned(s);
}

static int treiber_push(ct_stack *s, unsigned tid, uintptr_t value)
{
    ct__treiber *t = treiber_of(s);
    ct__tnode *n;
    unsigned b = BACKOFF_MIN;

    ct__treiber_check_tid(t, tid);
    if (!(n = ct__treiber_node(t, tid, value)))
        return -ENOMEM;
    while (!ct__treiber_try_push(t, n))
        backoff(&b);
    return 0;
}

static int treiber_pop(ct_stack *s, unsigned tid, uintptr_t *value)
{
    ct__treiber *t = treiber_of(s);
    ct__tnode *n;
    unsigned b = BACKOFF_MIN;
    int rc;

    ct__treiber_check_tid(t, tid);
    while ((rc = ct__treiber_try_pop(t, s, tid, &n)) == CT__POP_RETRY)
        backoff(&b);
    if (rc == CT_WOULDBLOCK) {
        ct__treiber_unprotect(t, tid);
        return rc;
    }
    *value = ct__treiber_consume(t, tid, n);
    return 0;
}

#ifdef CT_STACK_TEST_HOOKS
void *ct_stack_treiber_top_hooked(ct_stack *s)
{
    return ct__treiber_top(treiber_of(s));
}
#endif

const ct_stack_ops CT__STACK_OPS(ct_stack_treiber) = {
    .desc = {.name = "treiber",
             .summary = "lock-free Treiber stack; hazard pointers for ABA and safe reclamation",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_MPMC | CT_CAP_PER_THREAD},
    .create = treiber_create,
    .destroy = treiber_destroy,
    .push = treiber_push,
    .pop = treiber_pop,
};
