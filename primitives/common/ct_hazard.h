/*
 * ct_hazard.h: hazard pointers (Michael, 2004), contend's safe memory
 * reclamation for lock-free structures, indexed by thread like the families'
 * CT_CAP_PER_THREAD competitors.
 *
 * Why hazard pointers and not epochs: a preempted reader holds back only the
 * few nodes it protects, never everything retired after it (with 8 threads
 * on 2 cores, preemption mid-operation is the common case, and an epoch
 * scheme would then stop reclaiming altogether); memory stays bounded by
 * max_threads * slots + the retire threshold per thread. The fences are
 * asymmetric (ct_asymfence.h): protecting a pointer costs a plain store and a
 * compiler barrier, and each scan pays one membarrier(2) for all the
 * protections since the last; a threshold of 256 retires at least
 * spreads that system call thin.
 *
 * Use, on behalf of thread index tid:
 *     do { p = load(src); ct_hp_set(d, tid, slot, p); } while (p != load_acquire(src));
 *     ... dereference p ...                     // p cannot be reclaimed now
 *     ct_hp_clear(d, tid, slot);
 *   and once a node is unlinked (no new reader can reach it):
 *     ct_hp_retire(d, tid, node);               // reclaim(node) runs later
 *
 * Synchronization table (same domain):
 *
 *               | set/clear | retire | create/destroy
 * --------------+-----------+--------+---------------
 *  set/clear    | yes       | yes    | no
 *  retire       | yes       | yes    | no
 *  create/destr | no        | no     | no
 *
 *  - set, clear and retire with a given tid come from one thread at a time
 *    (its owner); a tid >= max_threads aborts with a message.
 *  - The guarantee: a pointer retired by any thread is passed to reclaim
 *    only when no slot of any thread has held it continuously since before
 *    it was unlinked. The protocol that makes this work is a Dekker pair with
 *    asymmetric fences: set stores the hazard then runs the light fence
 *    before the caller re-reads the source; the caller unlinks with an RMW
 *    before it retires, and the scan runs the heavy fence (membarrier)
 *    before it reads the slots. Either the scan sees the hazard, or the
 *    reader's re-read sees the unlink and does not use p. (Without
 *    membarrier both fences are seq_cst fences: the same argument, at the
 *    price of a full fence per protection.)
 *  - Everything the reader did while protecting happens-before reclaim:
 *    the scan's loads acquire from the reader's later set/clear (release or
 *    stronger), so ThreadSanitizer sees the ordering without annotations.
 *  - reclaim(node, tid, ctx) runs on the retiring thread, inside
 *    ct_hp_retire, with that thread's tid (so it may use per-thread caches);
 *    at ct_hp_destroy it runs for everything still retired, with tid 0.
 *  - Nothing is reclaimed twice; after destroy, nothing is left unreclaimed
 *    (LeakSanitizer checks it in the tests).
 *
 * The slots are C11 _Atomic: include this from C only.
 */
#ifndef CT_HAZARD_H
#define CT_HAZARD_H

#ifdef __cplusplus
#error "ct_hazard.h uses C11 <stdatomic.h>; include it from C files only"
#endif

#include <stdatomic.h>
#include <stddef.h>

#include "ct_asymfence.h"
#include "ct_common.h"

#define CT_HP_MAX_SLOTS 4u /* hazard slots per thread */

typedef void (*ct_hp_reclaim_fn)(void *node, unsigned tid, void *ctx);

/* One thread's record: its slots on their own line (scanners read them),
 * its private retired list on the next. */
typedef struct ct_hp_rec {
    _Atomic(void *) slot[CT_HP_MAX_SLOTS] CT_CACHE_ALIGNED;
    void **retired CT_CACHE_ALIGNED; /* owner-private */
    size_t nretired;
    void **scratch; /* owner-private: the hazards collected by a scan */
} ct_hp_rec;

typedef struct ct_hp_domain {
    unsigned max_threads, slots;
    size_t threshold; /* a thread scans once it has retired this many */
    ct_hp_reclaim_fn reclaim;
    void *ctx;
    ct_hp_rec *recs;
} ct_hp_domain;

/* A domain for threads 0..max_threads-1 (1 to 4096) with `slots` hazards
 * each (1 to CT_HP_MAX_SLOTS); NULL with errno EINVAL (bad arguments, or no
 * reclaim function) or ENOMEM. Everything is allocated (and pre-faulted)
 * here: retire and scan never allocate. */
ct_hp_domain *ct_hp_create(unsigned max_threads, unsigned slots, ct_hp_reclaim_fn reclaim,
                           void *ctx);
/* Reclaims every retired pointer, then frees the domain. No thread may be
 * using it any more. */
void ct_hp_destroy(ct_hp_domain *d);

/* Aborts with a message: a contract violation, in every build. */
_Noreturn void ct__hp_bad_index(const ct_hp_domain *d, unsigned tid, unsigned slot);

static inline ct_hp_rec *ct__hp_rec(ct_hp_domain *d, unsigned tid, unsigned slot)
{
    if (CT_UNLIKELY(tid >= d->max_threads || slot >= d->slots))
        ct__hp_bad_index(d, tid, slot);
    return &d->recs[tid];
}

/* Publish p in the caller's slot. The caller must then re-read the source
 * (acquire or stronger) and use p only if it is still there. */
static inline void ct_hp_set(ct_hp_domain *d, unsigned tid, unsigned slot, void *p)
{
    /* release: what this thread read under the slot's previous hazard
     * happens-before a scan that loads the new one (its acquire loads), as
     * ct_hp_clear's store does; a plain store on x86. The light fence below
     * orders it before the caller's re-read: pairs with ct_asymfence_heavy
     * in ct_hp_scan (see the table). */
    atomic_store_explicit(&ct__hp_rec(d, tid, slot)->slot[slot], p, memory_order_release);
    ct_asymfence_light();
}

static inline void ct_hp_clear(ct_hp_domain *d, unsigned tid, unsigned slot)
{
    /* release: what the caller read through the pointer happens-before a
     * scan that loads this NULL (acquire side: the scan's acquire loads) */
    atomic_store_explicit(&ct__hp_rec(d, tid, slot)->slot[slot], NULL, memory_order_release);
}

/* Protect the pointer held in *src: loops until the published hazard
 * matches the source. Returns it (NULL: nothing to protect). */
static inline void *ct_hp_protect(ct_hp_domain *d, unsigned tid, unsigned slot,
                                  _Atomic(void *) *src)
{
    /* acquire: pairs with the release store that published the pointer */
    void *p = atomic_load_explicit(src, memory_order_acquire);

    for (;;) {
        void *q;

        ct_hp_set(d, tid, slot, p);
        /* acquire: after the hazard by ct_hp_set's fence; pairs with the
         * release store that published the pointer */
        q = atomic_load_explicit(src, memory_order_acquire);
        if (q == p)
            return p;
        p = q;
    }
}

/* Hand over a node that no new reader can reach (already unlinked by an
 * RMW); it is reclaimed once no hazard protects it. Never allocates:
 * the retired list holds `threshold` pointers, and a scan at the threshold
 * leaves at most max_threads * slots of them (the protected ones). */
void ct_hp_retire(ct_hp_domain *d, unsigned tid, void *node);

/* Scan now: reclaim what tid has retired and nobody protects. Returns how
 * many are still retired. For tests and quiescent points. */
size_t ct_hp_scan(ct_hp_domain *d, unsigned tid);

#endif /* CT_HAZARD_H */
