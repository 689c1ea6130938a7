/*
 * rwlock.h: the rwlock family: competing designs of "a small record that many
 * threads read and a few update" (the seeds' status cache), behind one API:
 *
 *     ct_rwlock *l = ct_rwlock_new("rcu_call", max_threads); // NULL: the first listed
 *     ct_rwlock_rec snap;
 *     ct_rwlock_read(l, tid, &snap, NULL, NULL);    // a consistent snapshot
 *     ct_rwlock_write(l, tid, bump, arg);           // bump(rec, arg) updates it
 *     ct_rwlock_free(l);
 *
 * The abstraction is the protected record, not the lock, so that designs that
 * never block a reader fit the same table as locks: a lock runs the update in
 * place while it excludes readers; a seqlock updates a private copy and
 * publishes it word by word while readers retry; RCU updates a copy,
 * publishes its pointer and reclaims the old one after a grace period.
 * The competitors are listed in rwlock_list.h; each is one .c file defining
 * its ct_rwlock_ops (the contract below).
 *
 * Synchronization table (liburcu style): may the row run concurrently with
 * the column, on the same record?
 *
 *                 | read            | write                 | create/destroy
 * ----------------+-----------------+-----------------------+---------------
 *  read           | yes             | yes                   | no
 *  write          | yes             | yes (serialized)      | no
 *  create/destroy | no              | no                    | no
 *
 *  - read copies the whole record into *snap as one snapshot: every word as
 *    one write left it (never half of one update and half of another), and
 *    never older than a write that returned before the read began
 *    (linearizable). read orders: the writes it saw happen-before its return.
 *  - write calls update(rec, arg) exactly once with the current record; what
 *    update leaves in rec is the new record. Writes are serialized: each sees
 *    the record the previous one left, so no update is lost.
 *  - inside (may be NULL) is the reader's critical section: it runs while the
 *    read section is open, on the snapshot. On `seqlock` it may run more than
 *    once and see a torn snapshot (a retry follows): it must only read it.
 *  - Competitors with CT_CAP_PER_THREAD (brlock) give each thread index its
 *    own reader slot: tid < max_threads, one thread per tid at a time; a tid
 *    out of range aborts. The others ignore tid.
 *  - RCU designs register each thread with liburcu on its first read or write
 *    and unregister it when the thread exits (a thread-specific destructor).
 *
 * Memory: ct_rwlock_new allocates (cache-line aligned); ct_rwlock_free frees,
 * waiting for the RCU designs' pending reclamations first. NULL with errno
 * on failure (EINVAL: an unknown name or max_threads 0 for a per-thread
 * design; ENOSYS: a design this build lacks).
 */
#ifndef CT_RWLOCK_H
#define CT_RWLOCK_H

#include <stdint.h>

#include "ct_common.h"
#include "ct_registry.h"
#include "rwlock_list.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The protected record: small, as the seeds' status cache. */
#define CT_RWLOCK_WORDS 4
typedef struct ct_rwlock_rec {
    uint64_t w[CT_RWLOCK_WORDS];
} ct_rwlock_rec;

/* The family's own capability: a writer's update never overlaps a read
 * section (readers and writers exclude each other: mutex, the rwlocks,
 * brlock). Without it (seqlock, RCU) the update runs on a copy while readers
 * go on, and readers see the old record until it is published. */
enum { CT_RWLOCK_CAP_EXCLUSIVE = 1u << 16 };

/* The caller's code inside a read (on the snapshot) or a write (on the record). */
typedef void (*ct_rwlock_fn)(ct_rwlock_rec *rec, void *arg);

typedef struct ct_rwlock_ops ct_rwlock_ops;

/* Every design's instance starts with this header (set by ct_rwlock_new). */
typedef struct ct_rwlock {
    const ct_rwlock_ops *ops;
} ct_rwlock;

/* The competitor's contract: one table per design. */
struct ct_rwlock_ops {
    ct_impl_desc desc; /* name, summary, caps, unavailable */
    /* A zeroed record whose instance starts with a ct_rwlock: NULL + errno. */
    ct_rwlock *(*create)(unsigned max_threads);
    void (*destroy)(ct_rwlock *l);
    /* Copy a consistent snapshot into *snap; run inside(snap, arg) in the read section. */
    void (*read)(ct_rwlock *l, unsigned tid, ct_rwlock_rec *snap, ct_rwlock_fn inside, void *arg);
    /* update(rec, arg) on the current record, as the one writer. */
    void (*write)(ct_rwlock *l, unsigned tid, ct_rwlock_fn update, void *arg);
};

#define CT__RWLOCK_EXTERN(ident) extern const ct_rwlock_ops ident;
CT_RWLOCK_LIST(CT__RWLOCK_EXTERN)
#undef CT__RWLOCK_EXTERN
CT_REGISTRY_DECLARE(rwlock)

/* A record guarded by the design called impl (NULL: the first listed). */
ct_rwlock *ct_rwlock_new(const char *impl, unsigned max_threads);
void ct_rwlock_free(ct_rwlock *l);

static inline const ct_rwlock_ops *ct_rwlock_impl(const ct_rwlock *l)
{
    return l->ops;
}

/* Inline: the hot path is one indirect call, as with the bare table. */
static inline void ct_rwlock_read(ct_rwlock *l, unsigned tid, ct_rwlock_rec *snap,
                                  ct_rwlock_fn inside, void *arg)
{
    l->ops->read(l, tid, snap, inside, arg);
}

static inline void ct_rwlock_write(ct_rwlock *l, unsigned tid, ct_rwlock_fn update, void *arg)
{
    l->ops->write(l, tid, update, arg);
}

#ifdef __cplusplus
}
#endif
#endif /* CT_RWLOCK_H */
