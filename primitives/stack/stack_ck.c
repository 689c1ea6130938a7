/*
 * stack_ck.c: `ck`, Concurrency Kit's ck_stack (Debian's libck-dev) as an
 * outside peer: ck_stack_push_mpmc and ck_stack_pop_mpmc, its multi-producer
 * multi-consumer pair. ck's pop is ABA-safe through a generation counter
 * beside the head, changed with a double-width CAS; reclamation is left to
 * the caller, as ck documents: here nodes come from our type-stable pool
 * (ct_nodepool.h), the same as treiber_noreclaim, so ck is measured as it is
 * meant to be used. ck_stack is header-only (inline functions over ck_pr's
 * inline assembly): nothing to link.
 *
 * Built when CMake finds ck_stack.h (CT_HAVE_CK); otherwise this file builds
 * an entry that says how to get it, and create fails with ENOSYS.
 *
 * ThreadSanitizer: ck_pr's atomics are inline assembly, invisible to TSan,
 * and ck's pop reads entry->next of a node that a concurrent push of the
 * reused node may be writing (a race by design, made harmless by the
 * generation check). So in the TSan tree CMake compiles this one file
 * without instrumentation: TSan checks our use of ck (the pool, the values),
 * not ck's internals; the annotations below carry the ordering ck's push
 * and pop give to the pool's instrumented code.
 */
#include <errno.h>

#include "stack.h"

#ifdef CT_HAVE_CK
#include <ck_stack.h>

#include "ct_nodepool.h"

/* This file is compiled without TSan in the TSan tree, so ct_tsan.h's
 * macros (keyed on __SANITIZE_THREAD__) would be no-ops: CMake says so with
 * CT_CK_TSAN_ANNOTATE, and the calls go straight to the TSan runtime. */
#ifdef CT_CK_TSAN_ANNOTATE
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define CK_TSAN_RELEASE(addr) __tsan_release(addr)
#define CK_TSAN_ACQUIRE(addr) __tsan_acquire(addr)
#else
#define CK_TSAN_RELEASE(addr) ((void)(addr))
#define CK_TSAN_ACQUIRE(addr) ((void)(addr))
#endif

#ifndef CK_F_STACK_POP_MPMC
#error "ck_stack_pop_mpmc needs a double-width CAS (CK_F_PR_CAS_PTR_2_VALUE)"
#endif

typedef struct ck_node {
    ck_stack_entry_t entry; /* ck's link; ck's pop may read it stale */
    uintptr_t value;        /* also the pool's link while the node is free */
} ck_node;

struct ct__stack_ck {
    ct_stack base;                      /* first: the header ct_stack_new fills in */
    ck_stack_t stack CT_CACHE_ALIGNED;  /* head + generation: 16-aligned for the CAS */
    ct_nodepool *pool CT_CACHE_ALIGNED; /* read-only after create */
    unsigned max_threads;
};

static inline struct ct__stack_ck *ck_of(ct_stack *s)
{
    return (struct ct__stack_ck *)(void *)s;
}

static void check_tid(const struct ct__stack_ck *s, unsigned tid)
{
    if (CT_UNLIKELY(tid >= s->max_threads))
        ct_die("stack ck: tid %u out of range (max_threads %u)", tid, s->max_threads);
}

static ct_stack *ck_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__stack_ck *s;

    if (max_threads == 0) {
        errno = EINVAL;
        return NULL;
    }
    s = ct_alloc_aligned(sizeof *s);
    if (!s)
        return NULL;
    ck_stack_init(&s->stack);
    s->max_threads = max_threads;
    s->pool =
        ct_nodepool_create(sizeof(ck_node), offsetof(ck_node, value), max_threads, capacity_hint);
    if (!s->pool) {
        ct_free_aligned(s);
        return NULL;
    }
    return &s->base;
}

static void ck_destroy(ct_stack *s)
{
    ct_nodepool_destroy(ck_of(s)->pool);
    ct_free_aligned(s);
}

static int ck_push(ct_stack *st, unsigned tid, uintptr_t value)
{
    struct ct__stack_ck *s = ck_of(st);
    ck_node *n;

    check_tid(s, tid);
    if (!(n = ct_nodepool_get(s->pool, tid)))
        return -ENOMEM;
    n->value = value;
    /* TSan: ck's push releases n (inline asm TSan cannot see); pairs with
     * the CK_TSAN_ACQUIRE in ck_pop */
    CK_TSAN_RELEASE(n);
    ck_stack_push_mpmc(&s->stack, &n->entry);
    return 0;
}

static int ck_pop(ct_stack *st, unsigned tid, uintptr_t *value)
{
    struct ct__stack_ck *s = ck_of(st);
    ck_stack_entry_t *e;
    ck_node *n;

    check_tid(s, tid);
    e = ck_stack_pop_mpmc(&s->stack);
    if (!e)
        return CT_WOULDBLOCK;
    n = (ck_node *)(void *)e; /* entry is the first member */
    /* TSan: pairs with the CK_TSAN_RELEASE in ck_push */
    CK_TSAN_ACQUIRE(n);
    *value = n->value;
    ct_nodepool_put(s->pool, tid, n); /* n is ours: ck's generation makes reuse ABA-safe */
    return 0;
}

const ct_stack_ops ct_stack_ck = {
    .desc = {.name = "ck",
             .summary = "Concurrency Kit's ck_stack (push_mpmc/pop_mpmc, generation-tagged "
                        "head) over type-stable nodes",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_MPMC | CT_CAP_PER_THREAD},
    .create = ck_create,
    .destroy = ck_destroy,
    .push = ck_push,
    .pop = ck_pop,
};

#else /* !CT_HAVE_CK */

static ct_stack *ck_missing_create(size_t capacity_hint, unsigned max_threads)
{
    (void)capacity_hint;
    (void)max_threads;
    errno = ENOSYS;
    return NULL;
}

static void ck_missing_destroy(ct_stack *s)
{
    (void)s;
}

static int ck_missing_push(ct_stack *s, unsigned tid, uintptr_t value)
{
    (void)s;
    (void)tid;
    (void)value;
    return -ENOSYS;
}

static int ck_missing_pop(ct_stack *s, unsigned tid, uintptr_t *value)
{
    (void)s;
    (void)tid;
    (void)value;
    return -ENOSYS;
}

const ct_stack_ops ct_stack_ck = {
    .desc = {.name = "ck",
             .summary = "Concurrency Kit's ck_stack (not built: libck-dev missing)",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_MPMC | CT_CAP_PER_THREAD,
             .unavailable = "ck skipped: libck-dev missing, run scripts/deps.sh"},
    .create = ck_missing_create,
    .destroy = ck_missing_destroy,
    .push = ck_missing_push,
    .pop = ck_missing_pop,
};

#endif /* CT_HAVE_CK */
