/*
 * once.h: the once family (Go's sync.Once): competing designs of "run this
 * initialization exactly once, however many threads ask at the same time,
 * and let none of them go on before it has finished":
 *
 *     ct_once *o = ct_once_new("futex");     // NULL: the first listed
 *     ct_once_do(o, init_fn, arg);           // from any thread, any number of times
 *     ct_once_free(o);
 *
 * The competitors are listed in once_list.h; each is one .c file defining its
 * ct_once_ops (the contract below).
 *
 * Synchronization table: may the row run concurrently with the column, on the
 * same once?
 *
 *                 | do  | create/destroy
 * ----------------+-----+---------------
 *  do             | yes | no
 *  create/destroy | no  | no
 *
 *  - The first do to get there runs fn(arg); every other do (concurrent or
 *    later, with any fn) waits until that call has returned, then returns
 *    without calling its own fn. fn's return happens-before every do
 *    returns, so whatever fn wrote is visible to every caller afterwards.
 *  - Calling do on the same once from inside its fn deadlocks (as in Go).
 *  - Designs with CT_CAP_COROUTINE park a waiting coroutine (go.h); the
 *    others block its worker thread, and fn must not hold a coroutine switch
 *    across them (the locked design holds a pthread mutex while fn runs).
 *  - After the first call has returned, do is the fast path: one acquire load
 *    for futex and pthread (glibc), a lock and an unlock for `mutex`.
 *
 * Memory: ct_once_new allocates (cache-line aligned) or returns NULL with
 * errno (EINVAL: an unknown name; ENOSYS; ENOMEM); ct_once_free frees.
 */
#ifndef CT_ONCE_H
#define CT_ONCE_H

#include "ct_common.h"
#include "ct_registry.h"
#include "once_list.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*ct_once_fn)(void *arg);
typedef struct ct_once_ops ct_once_ops;

/* Every design's once starts with this header (set by ct_once_new). */
typedef struct ct_once {
    const ct_once_ops *ops;
} ct_once;

/* The competitor's contract: one table per design. */
struct ct_once_ops {
    ct_impl_desc desc; /* name ("futex", ...), summary, caps */
    ct_once *(*create)(void);
    void (*destroy)(ct_once *o);
    void (*run)(ct_once *o, ct_once_fn fn, void *arg); /* ct_once_do */
};

#define CT__ONCE_EXTERN(ident) extern const ct_once_ops ident;
CT_ONCE_LIST(CT__ONCE_EXTERN)
#undef CT__ONCE_EXTERN
CT_REGISTRY_DECLARE(once)

ct_once *ct_once_new(const char *impl);
void ct_once_free(ct_once *o);

static inline const ct_once_ops *ct_once_impl(const ct_once *o)
{
    return o->ops;
}

/* Inline: the fast path is one indirect call and a load. */
static inline void ct_once_do(ct_once *o, ct_once_fn fn, void *arg)
{
    o->ops->run(o, fn, arg);
}

#ifdef __cplusplus
}
#endif
#endif /* CT_ONCE_H */
