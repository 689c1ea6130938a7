/*
 * stack.h: the stack family. One vtable, competing designs of a LIFO stack of
 * pointer-sized values shared by many threads: locked (mutex, spin,
 * array_mutex), lock-free with safe memory reclamation (treiber, elimination),
 * lock-free over type-stable nodes (treiber_noreclaim, ck), and the seeds'
 * broken Treiber stack (treiber_naive, a pitfall).
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
 *    state: tid < max_threads given to create, and at most one thread uses a
 *    tid at a time (a thread taking over a tid synchronizes with its previous
 *    user, e.g. joins it). A bad tid prints a message and aborts, in every
 *    build. The other competitors ignore tid.
 *
 * Ownership: the stack stores values, not caller memory. Each competitor
 * allocates its own nodes (or array slots): push copies the value in (and
 * returns -ENOMEM if it cannot get a node), pop copies it out. Nodes stay
 * the stack's: the reclaiming designs recycle a popped node only once no
 * other thread can still read it; the type-stable ones (treiber_noreclaim,
 * ck) keep every node until destroy; destroy frees everything, including
 * values still on the stack (what they point to stays the caller's).
 * create(capacity_hint, ...) preallocates room for about capacity_hint values
 * (0: a small default); it is a hint, the stacks grow past it.
 * create returns NULL with errno set on failure (ENOSYS for a competitor that
 * is not built here: see `unavailable`).
 */
#ifndef CT_STACK_H
#define CT_STACK_H

#include "ct_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_stack ct_stack;

typedef struct ct_stack_ops {
    const char *name;    /* "mutex", "treiber", ...: the name in benchmark names */
    const char *summary; /* one line for reports: what the design does */
    unsigned caps;       /* CT_CAP_* */
    /* NULL when the competitor works here; otherwise why not (e.g. "ck
     * skipped: libck-dev missing, run scripts/deps.sh"), and create fails
     * with ENOSYS. Workloads and tests skip it with this message. */
    const char *unavailable;
    ct_stack *(*create)(size_t capacity_hint, unsigned max_threads);
    void (*destroy)(ct_stack *s);
    /* 0, or -ENOMEM when no node could be had (the value is not pushed). */
    int (*push)(ct_stack *s, unsigned tid, uintptr_t value);
    /* 0 with the value in *value, or CT_WOULDBLOCK when the stack is empty. */
    int (*pop)(ct_stack *s, unsigned tid, uintptr_t *value);
} ct_stack_ops;

/* Every registered competitor, NULL-terminated, the pitfall and unavailable
 * ones included (check caps and unavailable). */
const ct_stack_ops *const *ct_stack_impls(void);

/* The competitor with this name, or NULL with errno EINVAL. */
const ct_stack_ops *ct_stack_find(const char *name);

/* One entry per competitor file; the registry lists them in this order. */
extern const ct_stack_ops ct_stack_mutex;
extern const ct_stack_ops ct_stack_spin;
extern const ct_stack_ops ct_stack_array_mutex;
extern const ct_stack_ops ct_stack_treiber;
extern const ct_stack_ops ct_stack_treiber_noreclaim;
extern const ct_stack_ops ct_stack_elimination;
extern const ct_stack_ops ct_stack_ck;
extern const ct_stack_ops ct_stack_treiber_naive;

#ifdef __cplusplus
}
#endif
#endif /* CT_STACK_H */
