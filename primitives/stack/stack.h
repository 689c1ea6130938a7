/*
 * stack.h: the stack family: competing designs of a LIFO stack of
 * pointer-sized values shared by many threads, behind one API: locked
 * (mutex, spin, array_mutex), lock-free with safe memory reclamation
 * (treiber, elimination), lock-free over type-stable nodes
 * (treiber_noreclaim, ck), and the seeds' broken Treiber stack
 * (treiber_naive, a pitfall).
 *
 *     ct_stack *s = ct_stack_new("treiber", capacity_hint, max_threads);  // NULL: the first listed
 *     ct_stack_push(s, tid, v);
 *     if (ct_stack_pop(s, tid, &v) == 0) ...
 *     ct_stack_free(s);
 *
 * The competitors are listed in stack_list.h; each is one .c file defining
 * its ct_stack_ops (the contract below).
 *
 * Synchronization table: may the row run concurrently with the column, on
 * the same stack?
 *
 *                 | push | pop  | create/destroy
 * ----------------+------+------+---------------
 *  push           | yes  | yes  | no
 *  pop            | yes  | yes  | no
 *  create/destroy | no   | no   | no
 *
 *  - "yes" holds for every competitor with CT_CAP_EXACT: push and pop are
 *    linearizable, no value is lost or duplicated. treiber_naive says yes and
 *    is wrong (ABA, use after free): a pitfall, excluded from validated runs.
 *  - pop on an empty stack returns CT_WOULDBLOCK at once; it never blocks.
 *    "Empty" is linearizable too: there was an instant during the call when
 *    the stack held nothing.
 *  - A push happens-before the pop that returns its value (release/acquire):
 *    whatever the pusher wrote before push, e.g. the object a value points
 *    to, is visible to the popper.
 *  - Thread indices: competitors with CT_CAP_PER_THREAD (hazard-pointer
 *    records, per-thread node caches) use tid to find the caller's private
 *    state: tid < max_threads given to ct_stack_new (which fails with EINVAL
 *    for max_threads 0), and at most one thread uses a tid at a time (a
 *    thread taking over a tid synchronizes with its previous user, e.g.
 *    joins it). A bad tid prints a message and aborts, in every build. The
 *    other competitors ignore tid.
 *
 * Ownership: the stack stores values, not caller memory. Each competitor
 * allocates its own nodes (or array slots): push copies the value in (and
 * returns -ENOMEM if it cannot get a node), pop copies it out. Nodes stay
 * the stack's: the reclaiming designs recycle a popped node only once no
 * other thread can still read it; the type-stable ones (treiber_noreclaim,
 * ck) keep every node until destroy; destroy frees everything, including
 * values still on the stack (what they point to stays the caller's).
 * ct_stack_new(impl, capacity_hint, ...) preallocates room for about
 * capacity_hint values (0: a small default); it is a hint, the stacks grow
 * past it. ct_stack_new returns NULL with errno set on failure (EINVAL: an
 * unknown name, or max_threads 0 for a CT_CAP_PER_THREAD design; ENOSYS: a
 * design this build lacks, see desc.unavailable).
 */
#ifndef CT_STACK_H
#define CT_STACK_H

#include "ct_common.h"
#include "ct_registry.h"
#include "stack_list.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_stack_ops ct_stack_ops;

/* Every design's stack starts with this header (set by ct_stack_new): the
 * one field the inline dispatch below reads. The rest is the design's. */
typedef struct ct_stack {
    const ct_stack_ops *ops;
} ct_stack;

/* The competitor's contract: one table per design. */
struct ct_stack_ops {
    /* name ("mutex", "treiber", ...), summary, caps; unavailable: NULL when
     * the competitor works here, otherwise why not (e.g. "ck skipped:
     * libck-dev missing, run scripts/deps.sh"), and ct_stack_new fails with
     * ENOSYS. Workloads and tests skip it with this message. */
    ct_impl_desc desc;
    /* Allocate a stack whose first member is a ct_stack (its ops are set by
     * the caller): NULL + errno. */
    ct_stack *(*create)(size_t capacity_hint, unsigned max_threads);
    void (*destroy)(ct_stack *s);
    /* 0, or -ENOMEM when no node could be had (the value is not pushed). */
    int (*push)(ct_stack *s, unsigned tid, uintptr_t value);
    /* 0 with the value in *value, or CT_WOULDBLOCK when the stack is empty. */
    int (*pop)(ct_stack *s, unsigned tid, uintptr_t *value);
};

#define CT__STACK_EXTERN(ident) extern const ct_stack_ops ident;
CT_STACK_LIST(CT__STACK_EXTERN)
#undef CT__STACK_EXTERN
/* ct_stack_impls() lists the pitfall and the unavailable ones too (check
 * desc.caps and desc.unavailable). */
CT_REGISTRY_DECLARE(stack)

/* A stack of the design called impl (NULL: the first listed). */
ct_stack *ct_stack_new(const char *impl, size_t capacity_hint, unsigned max_threads);
void ct_stack_free(ct_stack *s);

static inline const ct_stack_ops *ct_stack_impl(const ct_stack *s)
{
    return s->ops;
}

/* Inline: the hot path is one indirect call, as with the bare table. */
static inline int ct_stack_push(ct_stack *s, unsigned tid, uintptr_t value)
{
    return s->ops->push(s, tid, value);
}

static inline int ct_stack_pop(ct_stack *s, unsigned tid, uintptr_t *value)
{
    return s->ops->pop(s, tid, value);
}

#ifdef __cplusplus
}
#endif
#endif /* CT_STACK_H */
