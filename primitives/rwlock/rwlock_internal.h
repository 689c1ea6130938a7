/* rwlock_internal.h: what the rwlock designs share (not installed). */
#ifndef CT_RWLOCK_INTERNAL_H
#define CT_RWLOCK_INTERNAL_H

#include "rwlock.h"

/* A pthread lock call that fails means a corrupted or destroyed lock: a bug
 * in the caller, so stop at once rather than touch the record unguarded. */
#define CT__RWLOCK_PCHECK(design, call)                                                            \
    do {                                                                                           \
        int ct__err = (call);                                                                      \
        if (CT_UNLIKELY(ct__err != 0))                                                             \
            ct_die("rwlock %s: %s: error %d", design, #call, ct__err);                             \
    } while (0)

/* The read section of a design that excludes writers while it reads: the
 * snapshot is a plain copy, then the caller's code runs on it. */
static inline void ct__rwlock_copy_out(const ct_rwlock_rec *rec, ct_rwlock_rec *snap,
                                       ct_rwlock_fn inside, void *arg)
{
    *snap = *rec;
    if (inside)
        inside(snap, arg);
}

#endif /* CT_RWLOCK_INTERNAL_H */
