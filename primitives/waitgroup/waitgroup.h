/*
 * waitgroup.h: the WaitGroup family (Go's sync.WaitGroup): competing designs
 * of "wait until every task I forked has finished", behind one API:
 *
 *     ct_waitgroup *wg = ct_waitgroup_new("futex", 0);  // NULL: the first listed
 *     ct_waitgroup_add(wg, n);               // before forking the n tasks
 *     ... each task: work, then ct_waitgroup_done(wg) ...
 *     ct_waitgroup_wait(wg);                 // every task's done has happened
 *     ct_waitgroup_free(wg);
 *
 * The family is called waitgroup, not wg, because ct_wg_* is already the
 * coroutine runtime's own WaitGroup (go.h), which is one competitor here
 * (`go`), wrapped, not duplicated.
 *
 * Synchronization table: may the row run concurrently with the column, on
 * the same WaitGroup?
 *
 *                 | add (>0) | done | wait | create/destroy
 * ----------------+----------+------+------+---------------
 *  add (>0)       | yes      | yes  | (1)  | no
 *  done           | yes      | yes  | yes  | no
 *  wait           | (1)      | yes  | yes  | no
 *  create/destroy | no       | no   | no   | no
 *
 *  (1) As in Go: an add that starts a round (from a count of 0) must
 *      happen-before the wait that waits for it, and a new round starts only
 *      once every wait of the previous one has returned.
 *  - Every done happens-before the wait it releases returns: whatever the
 *    tasks wrote is visible to the waiter.
 *  - A count below zero is a contract violation: it prints a message and
 *    aborts (Go panics).
 *  - CT_WAITGROUP_CAP_FIXED designs (`barrier`: a pthread_barrier) know the
 *    round's count when they are made (tasks): each round must add exactly
 *    that many, done blocks until the whole round (the waiter included) has
 *    arrived, and one thread waits; a round that adds another count aborts
 *    at its wait. They fit fork-join with a fixed count and tasks that each
 *    own their thread, and nothing else.
 *  - Designs with CT_CAP_COROUTINE park a waiting coroutine (go.h); the
 *    others block its worker thread.
 *
 * Memory: ct_waitgroup_new allocates or returns NULL with errno (EINVAL: an
 * unknown name, tasks 0 for a CT_WAITGROUP_CAP_FIXED design; ENOSYS;
 * ENOMEM); ct_waitgroup_free frees.
 */
#ifndef CT_WAITGROUP_H
#define CT_WAITGROUP_H

#include <stdint.h>

#include "ct_common.h"
#include "ct_registry.h"
#include "waitgroup_list.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The family's own capability: a fixed count per round, done blocks. */
enum { CT_WAITGROUP_CAP_FIXED = 1u << 16 };

typedef struct ct_waitgroup_ops ct_waitgroup_ops;

/* Every design's WaitGroup starts with this header (set by ct_waitgroup_new). */
typedef struct ct_waitgroup {
    const ct_waitgroup_ops *ops;
} ct_waitgroup;

/* The competitor's contract: one table per design. */
struct ct_waitgroup_ops {
    ct_impl_desc desc; /* name ("futex", ...), summary, caps */
    /* tasks: the count of every round (CT_WAITGROUP_CAP_FIXED), else unused */
    ct_waitgroup *(*create)(unsigned tasks);
    void (*destroy)(ct_waitgroup *wg);
    void (*add)(ct_waitgroup *wg, int64_t delta); /* done is add(-1) */
    void (*done)(ct_waitgroup *wg);
    void (*wait)(ct_waitgroup *wg);
};

#define CT__WAITGROUP_EXTERN(ident) extern const ct_waitgroup_ops ident;
CT_WAITGROUP_LIST(CT__WAITGROUP_EXTERN)
#undef CT__WAITGROUP_EXTERN
CT_REGISTRY_DECLARE(waitgroup)

ct_waitgroup *ct_waitgroup_new(const char *impl, unsigned tasks);
void ct_waitgroup_free(ct_waitgroup *wg);

static inline const ct_waitgroup_ops *ct_waitgroup_impl(const ct_waitgroup *wg)
{
    return wg->ops;
}

/* Inline: each verb is one indirect call. */
static inline void ct_waitgroup_add(ct_waitgroup *wg, int64_t delta)
{
    wg->ops->add(wg, delta);
}

static inline void ct_waitgroup_done(ct_waitgroup *wg)
{
    wg->ops->done(wg);
}

static inline void ct_waitgroup_wait(ct_waitgroup *wg)
{
    wg->ops->wait(wg);
}

#ifdef __cplusplus
}
#endif
#endif /* CT_WAITGROUP_H */
