/*
 * chan_ring_futex_internal.h: what the files of ring_futex, spin_park and
 * ring_yield share (not installed): the channel's layout, the sleep/wake
 * handshake both halves use (sb_fence, wake_side, sleep_on), and the
 * functions one file calls in another. The design is described in
 * chan_ring_futex.c; its parts are
 *   chan_ring_futex_ring_internal.h, chan_ring_futex_ring.c     cap > 0: the Vyukov ring
 *   chan_ring_futex_exchanger_internal.h, _exchanger.c          cap 0: the exchanger
 *   chan_ring_futex_select.c                                    select, wakers of watchers
 *   chan_ring_futex.c                                           the ops tables
 * What the fast paths call is static inline in these headers, so send and
 * recv still compile to one function each, as when the design was one file.
 */
#ifndef CT_CHAN_RING_FUTEX_INTERNAL_H
#define CT_CHAN_RING_FUTEX_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>

#include "chan_internal.h"
#include "chan_watch_internal.h"
#include "ct_futex.h"
#include "ct_spinlock.h"
#include "ct_tsan.h"

#define ENQ_CLOSED (UINT64_C(1) << 63)

/* cap 0: x = CLOSED | state << 28 | generation (28 bits) */
#define X_CLOSED (UINT32_C(1) << 31)
#define X_SHIFT 28
#define X_GEN ((UINT32_C(1) << X_SHIFT) - 1)
enum { X_EMPTY, X_WRITING, X_FULL, X_READING, X_TAKEN };
static inline uint32_t x_state(uint32_t v)
{
    return (v >> X_SHIFT) & 7u;
}

#define X_INLINE (CT_CACHELINE - 16) /* x, x_sleepers, recv_waiting; 8-aligned */

typedef struct rf_chan {
    ct_chan hdr;
    unsigned spins;  /* before parking: 0 for ring_futex */
    unsigned yields; /* sched_yield calls after the spin (ring_yield) */
    size_t stride;   /* slot size: seq + element, 8-byte aligned */
    unsigned char *slots;
    /* Set once by close, after enq's closed bit: receivers look here, in
     * this read-mostly line, rather than at enq, the senders' line */
    _Atomic bool closed;
    CT_CACHE_ALIGNED _Atomic uint64_t enq;     /* next enqueue position | ENQ_CLOSED */
    CT_CACHE_ALIGNED _Atomic uint64_t deq;     /* next dequeue position */
    CT_CACHE_ALIGNED _Atomic uint32_t recv_ev; /* bumped to wake receivers */
    _Atomic uint32_t recv_sleepers;            /* parked receivers + receiving watchers */
    CT_CACHE_ALIGNED _Atomic uint32_t send_ev;
    _Atomic uint32_t send_sleepers;
    CT_CACHE_ALIGNED _Atomic uint32_t x; /* cap 0: the exchanger word */
    _Atomic uint32_t x_sleepers;         /* waiting on x, watchers included */
    _Atomic uint32_t recv_waiting;       /* cap 0: receivers that will take */
    /* cap 0, elements up to X_INLINE bytes: the slot shares x's line, so the
     * CAS that hands the slot over brings the value with it */
    _Alignas(8) unsigned char x_inline[X_INLINE];
    CT_CACHE_ALIGNED ct_spin_ttas wlock; /* guards watchers (slow path only; yields) */
    ct__chan_watch *watchers;
#ifdef CT_TSAN
    _Atomic uint32_t sb; /* TSan stand-in for the fences, see sb_fence */
#endif
} rf_chan;

_Static_assert(offsetof(rf_chan, x_inline) + X_INLINE <= offsetof(rf_chan, x) + CT_CACHELINE,
               "the inline slot must stay in the exchanger word's cache line");

static inline rf_chan *rf(ct_chan *c)
{
    return (rf_chan *)(void *)c;
}

/* The store-buffering fence of the sleep/wake handshake: a seq_cst fence on
 * both sides. TSan does not model fences (gcc refuses them under -Werror),
 * so its build uses an acq_rel RMW on one word per channel instead: both
 * sides' RMWs are ordered, and the later one acquires what the earlier one
 * published, which gives the same guarantee (and a shared-line RMW per
 * operation, which is why the plain build uses the fence). */
static inline void sb_fence(rf_chan *r)
{
#ifdef CT_TSAN
    atomic_fetch_add_explicit(&r->sb, 1, memory_order_acq_rel); /* see above */
#else
    (void)r;
    atomic_thread_fence(memory_order_seq_cst); /* pairs with the other side's sb_fence */
#endif
}

/* Unpark the watchers of r waiting for one of `dirs`, but not `except`
 * (chan_ring_futex_select.c; slow path: only once someone sleeps). */
void ct__rf_notify(rf_chan *r, int dirs, const ct__chan_watch *except);

/* After a state change that may let `dirs` proceed: wake sleepers only if
 * someone announced itself in `sleepers`; then bump ev (the futex word the
 * plain waiters sleep on; NULL for cap 0, whose word x already changed) and
 * wake `n` of them, and unpark the watchers. */
static inline void wake_side(rf_chan *r, _Atomic uint32_t *ev, _Atomic uint32_t *word,
                             _Atomic uint32_t *sleepers, int n, int dirs)
{
    /* orders our state change (slot seq, enq/deq or x) before the read of
     * sleepers; pairs with the sb_fence a waiter issues after announcing
     * itself (store-buffering: one of the two sees the other) */
    sb_fence(r);
    /* relaxed: ordered by the fence above */
    if (CT_LIKELY(atomic_load_explicit(sleepers, memory_order_relaxed) == 0))
        return;
    if (ev)
        /* relaxed: only changes the futex word; the data is ordered by the
         * slots' own release/acquire sequence numbers */
        atomic_fetch_add_explicit(ev, 1, memory_order_relaxed);
    if (n)
        ct_futex_wake(word, n);
    ct__rf_notify(r, dirs, NULL);
}

/* Announce, re-check, sleep: wait until *word differs from `seen` (it may
 * already), the deadline passes or a spurious wake-up. recheck() is the
 * caller's condition, evaluated after announcing; true: do not sleep. */
static inline void sleep_on(_Atomic uint32_t *word, uint32_t seen, _Atomic uint32_t *sleepers,
                            bool (*recheck)(rf_chan *, const void *), rf_chan *r, const void *arg,
                            int64_t deadline, const char *op)
{
    /* seq_cst RMW and sb_fence: pair with the waker's sb_fence in wake_side */
    atomic_fetch_add_explicit(sleepers, 1, memory_order_seq_cst);
    sb_fence(r);
    if (!recheck(r, arg)) {
        ct__wait_begin(op, r, deadline);
        ct_futex_wait(word, seen, deadline);
        ct__wait_end(deadline);
    }
    /* relaxed: a count; the next announcement orders itself again */
    atomic_fetch_sub_explicit(sleepers, 1, memory_order_relaxed);
}

/* The design's send and recv (chan_ring_futex.c), for select's tries. */
int ct__rf_send(ct_chan *c, const void *elem, int64_t deadline);
int ct__rf_recv(ct_chan *c, void *out, int64_t deadline);
/* The design's select (chan_ring_futex_select.c). */
int ct__rf_select(ct_case *cases, const uint32_t *order, size_t m, int64_t deadline);

#endif /* CT_CHAN_RING_FUTEX_INTERNAL_H */
