/*
 * chan_ring_futex.c: `ring_futex` and `spin_park`, one design with one knob:
 * how long a thread spins (pause hints) before it parks on a futex.
 * ring_futex parks at once; spin_park spins up to SPIN_PARK_SPINS first,
 * which wins a ping-pong on idle cores (the partner answers within the
 * spin, no syscall on either side) and loses when threads outnumber cores
 * (the spinner burns the time slice its partner needs).
 *
 * Buffered (cap > 0): Vyukov's bounded MPMC ring. Each slot carries a
 * sequence number: the slot is free for the enqueue at position p when its
 * seq is 2p, and holds that value for the dequeue at p when its seq is
 * 2p + 1; a dequeue frees it for position p + cap (seq 2(p + cap)). Vyukov
 * uses p and p + 1; doubling keeps "full" and "free one lap later" apart
 * at cap 1, where p + 1 == p + cap. Positions are claimed with a CAS on enq / deq.
 * The fast path is those atomics and the copy: no lock, no system call.
 *  - close sets bit 63 of enq with one fetch_or: an enqueue claims a position
 *    only with a CAS that expects the bit clear, so no value enters after
 *    close; then it sets `closed`, a flag in a read-mostly line. A receiver
 *    that finds nothing at its position looks at that flag, not at enq (the
 *    senders' line: reading it on every empty look made every send's CAS
 *    miss at cap 1, where the ring is empty nearly every time; 2-8x slower
 *    than Go there, 0.6-0.9x since). Once closed, it reads enq: deq == enq
 *    means drained (CT_CLOSED); a position claimed but not yet published (its
 *    sender is mid-copy) is waited out. Waiters poll the slot, not enq.
 *  - Parking: waiting receivers sleep on the futex word recv_ev, senders on
 *    send_ev (event counts). A waiter reads the event count, announces itself
 *    in recv_sleepers (seq_cst RMW + fence), re-tries, and only then sleeps
 *    on the count it read. A completed enqueue does a seq_cst fence and reads
 *    recv_sleepers: only if someone announced itself does it bump recv_ev and
 *    FUTEX_WAKE (the waker pays a syscall only when someone sleeps). The two
 *    fences make this the store-buffering pattern: either the waker sees the
 *    announcement or the waiter's re-try sees the value. Values travel
 *    through the slots' release/acquire sequence numbers, which TSan sees; the
 *    futex only decides who sleeps, so no annotation is needed.
 *
 * Unbuffered (cap 0): no buffer to make lock-free, so a one-slot exchanger
 * on a single 32-bit futex word x = closed bit | state | generation:
 *    EMPTY -> WRITING (a sender's CAS claims the slot, copies its value)
 *          -> FULL    (published; receivers may take it)
 *          -> READING (a receiver's CAS claims it, copies it out)
 *          -> TAKEN   (the sender sees its value delivered)
 *          -> EMPTY   (the sender frees the slot: its send returns CT_OK).
 * A sender whose deadline passes, or whose channel closes, withdraws with a
 * CAS FULL -> EMPTY, which fails if a receiver got there first (it then
 * waits for TAKEN and succeeds). The closed bit lives in x, so a receiver's
 * CAS FULL -> READING fails once the channel is closed: a sender blocked at
 * close always gets CT_CLOSED, as in Go. Every transition bumps the
 * generation, so anyone waiting for x to change sleeps on it with
 * FUTEX_WAIT(x, seen) and no wake-up is lost; wakers call FUTEX_WAKE only
 * when x_sleepers says someone sleeps. try_send (and a select's send case)
 * deposits only while a receiver is waiting (recv_waiting), and withdraws if
 * the count drops to 0 before the take: the mutex_cond protocol, lock-free.
 * An element of up to X_INLINE bytes lives in x's own cache line, so each
 * CAS that moves the slot to the next owner brings the value along (one
 * line crossing cores instead of two: 146 -> 100 ns per message spsc).
 *
 * select: the generic watcher protocol of mutex_cond with lock-free tries.
 * Each round tries the cases without blocking in the random order; if none
 * completes it registers a watcher (a parker) on each channel, counted in
 * that channel's sleeper words so the fast paths see it (the same
 * store-buffering handshake), checks readiness, and parks. Wakers that see a
 * sleeper walk the channel's watcher list (a spin lock, slow path only) and
 * unpark the watchers whose case may have become ready. Woken, a select
 * tries its receive cases while still counted as a receiver, then
 * unregisters and tries every case. A select is counted as a receiver of a
 * cap-0 channel only while registered and tries sends only while not, so it
 * never pairs its own send with its own receive, and no depositor waits for
 * a select that itself waits for a take. The one exception keeps both
 * rules: a select with receive cases only (it never sends) is counted while
 * it polls. Wakers fire parkers under the watcher lock and pay the futex
 * wakes after it. spin_park and ring_yield poll before they register
 * (poll_cases), so a partner that answers soon never pays notify().
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#include "chan_internal.h"
#include "ct_futex.h"
#include "ct_spinlock.h"
#include "ct_tsan.h"

/* Spin for about what a block costs (the competitive rule: never worse than
 * twice the better choice): a futex wake-up costs ~20 us on this VM and a
 * pause ~25 ns (measured on its AMD EPYC), so 800 pauses. */
#define SPIN_PARK_SPINS 800u

#define ENQ_CLOSED (UINT64_C(1) << 63)

/* cap 0: x = CLOSED | state << 28 | generation (28 bits) */
#define X_CLOSED (UINT32_C(1) << 31)
#define X_SHIFT 28
#define X_GEN ((UINT32_C(1) << X_SHIFT) - 1)
enum { X_EMPTY, X_WRITING, X_FULL, X_READING, X_TAKEN };
static inline uint32_t x_state(uint32_t v) { return (v >> X_SHIFT) & 7u; }

#define X_INLINE (CT_CACHELINE - 16) /* x, x_sleepers, recv_waiting; 8-aligned */

enum { BUSY = 1 }; /* internal: a claimed slot is being written; retry soon */

typedef struct rf_watch {
    struct rf_watch *prev, *next;
    ct_parker *park;
    bool has_send, has_recv, recv0;
} rf_watch;

typedef struct rf_chan {
    ct_chan hdr;
    unsigned spins;  /* before parking: 0 for ring_futex */
    unsigned yields; /* sched_yield calls after the spin (ring_yield) */
    size_t stride;   /* slot size: seq + element, 8-byte aligned */
    unsigned char *slots;
    /* Set once by close, after enq's closed bit: receivers look here, in
     * this read-mostly line, rather than at enq, the senders' line */
    _Atomic bool closed;
    CT_CACHE_ALIGNED _Atomic uint64_t enq; /* next enqueue position | ENQ_CLOSED */
    CT_CACHE_ALIGNED _Atomic uint64_t deq; /* next dequeue position */
    CT_CACHE_ALIGNED _Atomic uint32_t recv_ev; /* bumped to wake receivers */
    _Atomic uint32_t recv_sleepers;            /* parked receivers + receiving watchers */
    CT_CACHE_ALIGNED _Atomic uint32_t send_ev;
    _Atomic uint32_t send_sleepers;
    CT_CACHE_ALIGNED _Atomic uint32_t x;       /* cap 0: the exchanger word */
    _Atomic uint32_t x_sleepers;               /* waiting on x, watchers included */
    _Atomic uint32_t recv_waiting;             /* cap 0: receivers that will take */
    /* cap 0, elements up to X_INLINE bytes: the slot shares x's line, so the
     * CAS that hands the slot over brings the value with it */
    _Alignas(8) unsigned char x_inline[X_INLINE];
    CT_CACHE_ALIGNED ct_spin_ttas wlock;       /* guards watchers (slow path only) */
    rf_watch *watchers;
#ifdef CT_TSAN
    _Atomic uint32_t sb; /* TSan stand-in for the fences, see sb_fence */
#endif
} rf_chan;

_Static_assert(offsetof(rf_chan, x_inline) + X_INLINE <= offsetof(rf_chan, x) + CT_CACHELINE,
               "the inline slot must stay in the exchanger word's cache line");

static inline rf_chan *rf(ct_chan *c) { return (rf_chan *)(void *)c; }

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

static inline _Atomic uint64_t *slot_seq(rf_chan *r, uint64_t pos)
{
    return (_Atomic uint64_t *)(void *)(r->slots + (pos % r->hdr.cap) * r->stride);
}

static inline unsigned char *slot_data(rf_chan *r, uint64_t pos)
{
    return r->slots + (pos % r->hdr.cap) * r->stride + sizeof(uint64_t);
}

/* ---- watchers and wake-ups (slow path) ------------------------------------------ */

/* Fire the watchers of `dirs` under wlock, but pay their FUTEX_WAKEs after
 * releasing it (ct_parker_fire): a wake costs ~20 us here, and with the
 * syscall inside, selects spinning for wlock on an oversubscribed machine
 * burnt milliseconds per message (select_both 2x2 at cap 0). */
static void notify(rf_chan *r, int dirs, const rf_watch *except)
{
    ct_parker *late[8];
    size_t n = 0;

    ct_spin_ttas_lock(&r->wlock);
    for (rf_watch *w = r->watchers; w; w = w->next)
        if (w != except && (((dirs & CT_SEND) && w->has_send) || ((dirs & CT_RECV) && w->has_recv)) &&
            ct_parker_fire(w->park)) {
            if (n < sizeof late / sizeof late[0])
                late[n++] = w->park;
            else
                ct_parker_wake(w->park); /* rare: many sleepers; wake under the lock */
        }
    ct_spin_ttas_unlock(&r->wlock);
    for (size_t i = 0; i < n; i++)
        ct_parker_wake(late[i]);
}

/* After a state change that may let `dirs` proceed: wake sleepers only if
 * someone announced itself in `sleepers`; then bump ev (the futex word the
 * plain waiters sleep on; NULL for cap 0, whose word x already changed) and
 * wake `n` of them, and unpark the watchers. */
static void wake_side(rf_chan *r, _Atomic uint32_t *ev, _Atomic uint32_t *word,
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
    notify(r, dirs, NULL);
}

/* Announce, re-check, sleep: wait until *word differs from `seen` (it may
 * already), the deadline passes or a spurious wake-up. recheck() is the
 * caller's condition, evaluated after announcing; true: do not sleep. */
static void sleep_on(_Atomic uint32_t *word, uint32_t seen, _Atomic uint32_t *sleepers,
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

/* ---- the buffered ring (cap > 0) ---------------------------------------------- */

static int ring_try_send(rf_chan *r, const void *elem)
{
    /* relaxed: a hint; the CAS below re-validates */
    uint64_t pos = atomic_load_explicit(&r->enq, memory_order_relaxed);

    for (;;) {
        if (pos & ENQ_CLOSED)
            return CT_CLOSED;
        /* acquire: pairs with the release store of a dequeue that freed the
         * slot, so its read of the old value is done before we overwrite */
        uint64_t seq = atomic_load_explicit(slot_seq(r, pos), memory_order_acquire);
        int64_t diff = (int64_t)(seq - 2 * pos);
        if (diff == 0) {
            /* relaxed: the claim orders nothing by itself (the slot's seq
             * does); failing re-reads pos, closed bit included */
            if (atomic_compare_exchange_weak_explicit(&r->enq, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (diff < 0) {
            /* relaxed: re-read to tell full from a stale pos */
            uint64_t now = atomic_load_explicit(&r->enq, memory_order_relaxed);
            if (now == pos)
                return CT_WOULDBLOCK; /* full */
            pos = now;
        } else {
            pos = atomic_load_explicit(&r->enq, memory_order_relaxed); /* relaxed: as above */
        }
    }
    memcpy(slot_data(r, pos), elem, r->hdr.elem_size);
    /* release: publishes the value; pairs with the acquire load in ring_try_recv */
    atomic_store_explicit(slot_seq(r, pos), 2 * pos + 1, memory_order_release);
    wake_side(r, &r->recv_ev, &r->recv_ev, &r->recv_sleepers, 1, CT_RECV);
    return CT_OK;
}

static int ring_try_recv(rf_chan *r, void *out)
{
    /* relaxed: a hint; the CAS below re-validates */
    uint64_t pos = atomic_load_explicit(&r->deq, memory_order_relaxed);

    for (;;) {
        /* acquire: pairs with the release store that published the value */
        uint64_t seq = atomic_load_explicit(slot_seq(r, pos), memory_order_acquire);
        int64_t diff = (int64_t)(seq - (2 * pos + 1));
        if (diff == 0) {
            /* relaxed: the slot's seq ordered the value; the CAS only claims */
            if (atomic_compare_exchange_weak_explicit(&r->deq, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (diff < 0) {
            /* Nothing at pos yet (empty, or a sender mid-copy). Unless the
             * channel is closed, that is all we need to know: reading enq
             * here (the senders' line) made every send's CAS miss at cap 1,
             * where a receiver finds the ring empty nearly every time.
             * acquire: pairs with rf_close's release store */
            if (!atomic_load_explicit(&r->closed, memory_order_acquire))
                return CT_WOULDBLOCK;
            /* acquire: pairs with close's fetch_or (and orders the claims
             * before it): closed with nothing claimed past pos = drained */
            uint64_t e = atomic_load_explicit(&r->enq, memory_order_acquire);
            uint64_t now = atomic_load_explicit(&r->deq, memory_order_relaxed); /* relaxed: hint */
            if (now != pos) {
                pos = now;
                continue;
            }
            if ((e & ~ENQ_CLOSED) == pos) {
                if (!(e & ENQ_CLOSED))
                    return CT_WOULDBLOCK;
                ct__zero(out, r->hdr.elem_size);
                return CT_CLOSED;
            }
            return BUSY; /* claimed at pos, not yet published */
        } else {
            pos = atomic_load_explicit(&r->deq, memory_order_relaxed); /* relaxed: hint */
        }
    }
    memcpy(out, slot_data(r, pos), r->hdr.elem_size);
    /* release: frees the slot for the enqueue one lap later; pairs with the
     * acquire load in ring_try_send */
    atomic_store_explicit(slot_seq(r, pos), 2 * (pos + r->hdr.cap), memory_order_release);
    wake_side(r, &r->send_ev, &r->send_ev, &r->send_sleepers, 1, CT_SEND);
    return CT_OK;
}

/* Could a send / a receive proceed? (read-only peeks, for recheck) */
static bool ring_can_send(rf_chan *r, const void *unused)
{
    (void)unused;
    /* acquire: as in ring_try_send */
    uint64_t pos = atomic_load_explicit(&r->enq, memory_order_acquire);
    if (pos & ENQ_CLOSED) return true;
    uint64_t seq = atomic_load_explicit(slot_seq(r, pos), memory_order_acquire); /* as above */
    return (int64_t)(seq - 2 * pos) >= 0;
}

static bool ring_can_recv(rf_chan *r, const void *unused)
{
    (void)unused;
    /* acquire, all three: as in ring_try_recv. The slot at deq, not enq:
     * a waiting receiver must not keep pulling the senders' line. A stale
     * pos (seq already past it) says "retry", as a value would. */
    uint64_t pos = atomic_load_explicit(&r->deq, memory_order_acquire);
    uint64_t seq = atomic_load_explicit(slot_seq(r, pos), memory_order_acquire);
    return (int64_t)(seq - (2 * pos + 1)) >= 0 ||
           atomic_load_explicit(&r->closed, memory_order_acquire);
}

/* ---- the exchanger (cap 0) ------------------------------------------------------ */

/* Move x from state `from` to `to`, bumping the generation, keeping the
 * closed bit; fails only if the state is no longer `from`. */
static bool x_move(rf_chan *r, uint32_t *v, unsigned from, unsigned to)
{
    for (;;) {
        if (x_state(*v) != from)
            return false;
        /* closed: nothing new is deposited or taken (withdrawing still is) */
        if ((*v & X_CLOSED) && (to == X_WRITING || to == X_READING))
            return false;
        uint32_t nv = (*v & X_CLOSED) | (uint32_t)to << X_SHIFT | ((*v + 1) & X_GEN);
        /* acq_rel: release publishes what we wrote to the slot before (or
         * frees it); acquire takes what the other side wrote before its move.
         * Pairs with every other CAS and fetch_or on x. */
        if (atomic_compare_exchange_weak_explicit(&r->x, v, nv, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            *v = nv;
            return true;
        }
    }
}

/* Change the generation only: wakes whoever waits for x to change. */
static void x_bump(rf_chan *r)
{
    /* acquire: as in x_move (the load feeding the CAS) */
    uint32_t v = atomic_load_explicit(&r->x, memory_order_acquire);
    while (!atomic_compare_exchange_weak_explicit(&r->x, &v, (v & ~X_GEN) | ((v + 1) & X_GEN),
                                                  memory_order_acq_rel, memory_order_acquire))
        ; /* acq_rel: as in x_move */
}

static void x_wake(rf_chan *r, int dirs)
{
    wake_side(r, NULL, &r->x, &r->x_sleepers, INT_MAX, dirs);
}

static bool x_changed(rf_chan *r, const void *seen)
{
    /* acquire: as in x_move */
    return atomic_load_explicit(&r->x, memory_order_acquire) != *(const uint32_t *)seen;
}

/* Wait for x to move on from v: spin first (spin_park), then sleep.
 * Returns false if the deadline has passed. */
static bool x_wait(rf_chan *r, uint32_t v, int64_t deadline, const char *op)
{
    for (unsigned i = 0; i < r->spins; i++) {
        if (x_changed(r, &v)) return true;
        ct_cpu_relax();
    }
    for (unsigned i = 0; i < r->yields; i++) {
        if (x_changed(r, &v)) return true;
        sched_yield(); /* the partner may be waiting for this CPU */
    }
    if (ct__deadline_passed(deadline)) return false;
    sleep_on(&r->x, v, &r->x_sleepers, x_changed, r, &v, deadline, op);
    return true;
}

/* A receiver that was counted leaves: a try-depositor waiting for it must
 * re-check (it withdraws when nobody is left). */
static void uncount_receiver(rf_chan *r)
{
    /* acq_rel: pairs with the depositor's acquire load of recv_waiting */
    if (atomic_fetch_sub_explicit(&r->recv_waiting, 1, memory_order_acq_rel) == 1 &&
        x_state(atomic_load_explicit(&r->x, memory_order_acquire)) == X_FULL) { /* acquire: as in x_move */
        x_bump(r);
        x_wake(r, 0);
    }
}

/* A receiver arrives: selects waiting to send here may deposit now (not
 * `self`, a select counting itself as a receiver of this channel). */
static void count_receiver(rf_chan *r, const rf_watch *self)
{
    /* seq_cst: a select's send case checks recv_waiting after registering */
    atomic_fetch_add_explicit(&r->recv_waiting, 1, memory_order_seq_cst);
    sb_fence(r); /* pairs with watch()'s sb_fence, as in wake_side */
    /* relaxed: ordered by the fence */
    if (atomic_load_explicit(&r->x_sleepers, memory_order_relaxed))
        notify(r, CT_SEND, self);
}

static int x_send(rf_chan *r, const void *elem, int64_t deadline)
{
    const bool trying = deadline == CT__NOWAIT;
    /* acquire: as in x_move */
    uint32_t v = atomic_load_explicit(&r->x, memory_order_acquire);
    int fail;

    for (;;) { /* phase 1: claim the empty slot */
        if (v & X_CLOSED) return CT_CLOSED;
        if (x_state(v) == X_EMPTY) {
            /* acquire: pairs with count_receiver's increment */
            if (trying && atomic_load_explicit(&r->recv_waiting, memory_order_acquire) == 0)
                return CT_WOULDBLOCK;
            if (x_move(r, &v, X_EMPTY, X_WRITING)) break;
            continue;
        }
        if (trying) return CT_WOULDBLOCK;
        if (!x_wait(r, v, deadline, "chan send")) return CT_TIMEOUT;
        v = atomic_load_explicit(&r->x, memory_order_acquire); /* acquire: as in x_move */
    }
    memcpy(r->slots, elem, r->hdr.elem_size);
    x_move(r, &v, X_WRITING, X_FULL); /* only we leave WRITING: cannot fail */
    x_wake(r, CT_RECV);

    for (;;) { /* phase 2: wait for the take, or withdraw */
        switch (x_state(v)) {
        case X_TAKEN:
            x_move(r, &v, X_TAKEN, X_EMPTY); /* only we leave TAKEN */
            x_wake(r, CT_SEND);
            return CT_OK;
        case X_FULL:
            fail = 0;
            if (v & X_CLOSED) fail = CT_CLOSED;
            /* acquire: pairs with uncount_receiver */
            else if (trying && atomic_load_explicit(&r->recv_waiting, memory_order_acquire) == 0)
                fail = CT_WOULDBLOCK;
            else if (!trying && ct__deadline_passed(deadline)) fail = CT_TIMEOUT;
            if (fail) {
                if (x_move(r, &v, X_FULL, X_EMPTY)) { /* withdrawn before anyone took it */
                    x_wake(r, CT_SEND);
                    return fail;
                }
                continue; /* a receiver claimed it: wait for TAKEN */
            }
            break;
        default: /* READING: the take is under way */
            break;
        }
        x_wait(r, v, trying ? CT__FOREVER : deadline, "chan send");
        v = atomic_load_explicit(&r->x, memory_order_acquire); /* acquire: as in x_move */
    }
}

static int x_recv(rf_chan *r, void *out, int64_t deadline)
{
    /* acquire: as in x_move */
    uint32_t v = atomic_load_explicit(&r->x, memory_order_acquire);
    bool counted = false, expired = false;
    int res;

    for (;;) {
        if (v & X_CLOSED) {
            ct__zero(out, r->hdr.elem_size);
            res = CT_CLOSED;
            break;
        }
        if (x_state(v) == X_FULL) {
            if (!x_move(r, &v, X_FULL, X_READING)) continue; /* lost it, or closed */
            memcpy(out, r->slots, r->hdr.elem_size);
            x_move(r, &v, X_READING, X_TAKEN); /* only we leave READING */
            x_wake(r, 0);
            res = CT_OK;
            break;
        }
        if (deadline == CT__NOWAIT) return CT_WOULDBLOCK;
        if (expired) {
            res = CT_TIMEOUT;
            break;
        }
        if (!counted) {
            counted = true;
            count_receiver(r, NULL);
        }
        expired = !x_wait(r, v, deadline, "chan recv");
        v = atomic_load_explicit(&r->x, memory_order_acquire); /* acquire: as in x_move */
    }
    if (counted)
        uncount_receiver(r);
    return res;
}

/* ---- the operations -------------------------------------------------------------- */

static bool ring_wait(rf_chan *r, bool recv, int64_t deadline)
{
    _Atomic uint32_t *ev = recv ? &r->recv_ev : &r->send_ev;
    bool (*ready)(rf_chan *, const void *) = recv ? ring_can_recv : ring_can_send;

    for (unsigned i = 0; i < r->spins; i++) {
        if (ready(r, NULL)) return true;
        ct_cpu_relax();
    }
    for (unsigned i = 0; i < r->yields; i++) {
        if (ready(r, NULL)) return true;
        sched_yield(); /* the partner may be waiting for this CPU */
    }
    if (ct__deadline_passed(deadline)) return false;
    /* acquire: the value the futex compares against; read before the re-check */
    uint32_t seen = atomic_load_explicit(ev, memory_order_acquire);
    sleep_on(ev, seen, recv ? &r->recv_sleepers : &r->send_sleepers, ready, r, NULL, deadline,
             recv ? "chan recv" : "chan send");
    return true;
}

static int rf_send(ct_chan *c, const void *elem, int64_t deadline)
{
    rf_chan *r = rf(c);
    bool expired = false;

    if (c->cap == 0)
        return x_send(r, elem, deadline);
    for (;;) {
        int st = ring_try_send(r, elem);
        if (st != CT_WOULDBLOCK || deadline == CT__NOWAIT) return st;
        if (expired) return CT_TIMEOUT;
        expired = !ring_wait(r, false, deadline);
    }
}

static int rf_recv(ct_chan *c, void *out, int64_t deadline)
{
    rf_chan *r = rf(c);
    bool expired = false;

    if (c->cap == 0)
        return x_recv(r, out, deadline);
    for (;;) {
        int st = ring_try_recv(r, out);
        if (st == BUSY) { /* a sender is mid-copy: it publishes within a few ns */
            if (deadline == CT__NOWAIT) return CT_WOULDBLOCK;
            sched_yield();
            continue;
        }
        if (st != CT_WOULDBLOCK || deadline == CT__NOWAIT) return st;
        if (expired) return CT_TIMEOUT;
        expired = !ring_wait(r, true, deadline);
    }
}

static int rf_close(ct_chan *c)
{
    rf_chan *r = rf(c);

    /* acq_rel: after every enqueue claim in enq's modification order;
     * pairs with the receivers' acquire loads of enq */
    if (atomic_fetch_or_explicit(&r->enq, ENQ_CLOSED, memory_order_acq_rel) & ENQ_CLOSED)
        return CT_CLOSED;
    /* release: after the bit; pairs with the receivers' acquire loads */
    atomic_store_explicit(&r->closed, true, memory_order_release);
    /* acq_rel: as in x_move */
    atomic_fetch_or_explicit(&r->x, X_CLOSED, memory_order_acq_rel);
    atomic_fetch_add_explicit(&r->recv_ev, 1, memory_order_relaxed); /* relaxed: futex words */
    atomic_fetch_add_explicit(&r->send_ev, 1, memory_order_relaxed);
    ct_futex_wake(&r->recv_ev, INT_MAX);
    ct_futex_wake(&r->send_ev, INT_MAX);
    ct_futex_wake(&r->x, INT_MAX);
    notify(r, CT_SEND | CT_RECV, NULL);
    return CT_OK;
}

static size_t rf_len(ct_chan *c)
{
    rf_chan *r = rf(c);

    if (c->cap == 0) return 0;
    /* acquire both: a snapshot; deq first, so enq - deq does not underflow */
    uint64_t d = atomic_load_explicit(&r->deq, memory_order_acquire);
    uint64_t e = atomic_load_explicit(&r->enq, memory_order_acquire) & ~ENQ_CLOSED;
    uint64_t n = e > d ? e - d : 0;
    return n > c->cap ? c->cap : (size_t)n;
}

/* ---- select -------------------------------------------------------------------- */

#define SMALL 16

static int try_one(ct_case *cs)
{
    if (cs->dir == CT_SEND)
        return rf_send(cs->chan, cs->elem, CT__NOWAIT);
    return rf_recv(cs->chan, cs->elem, CT__NOWAIT);
}

static int try_cases(ct_case *cases, const uint32_t *order, size_t m, int dirs)
{
    for (size_t i = 0; i < m; i++) {
        ct_case *cs = &cases[order[i]];
        if (!(cs->dir & dirs)) continue;
        int st = try_one(cs);
        if (st != CT_WOULDBLOCK) {
            cs->status = st;
            return (int)order[i];
        }
    }
    return CT_WOULDBLOCK;
}

/* Register w on r (counted in the sleeper words the fast paths check), then
 * check whether one of its cases is ready. */
static bool watch(rf_chan *r, rf_watch *w)
{
    ct_spin_ttas_lock(&r->wlock);
    w->prev = NULL;
    w->next = r->watchers;
    if (r->watchers) r->watchers->prev = w;
    r->watchers = w;
    ct_spin_ttas_unlock(&r->wlock);
    /* seq_cst: the announcement half of the handshake in wake_side */
    if (r->hdr.cap == 0) {
        atomic_fetch_add_explicit(&r->x_sleepers, 1, memory_order_seq_cst);
        if (w->recv0) count_receiver(r, w);
    } else {
        if (w->has_recv) /* seq_cst: as above */
            atomic_fetch_add_explicit(&r->recv_sleepers, 1, memory_order_seq_cst);
        if (w->has_send) /* seq_cst: as above */
            atomic_fetch_add_explicit(&r->send_sleepers, 1, memory_order_seq_cst);
    }
    sb_fence(r); /* pairs with the wakers' sb_fence (wake_side) */
    if (r->hdr.cap) return (w->has_recv && ring_can_recv(r, NULL)) ||
                           (w->has_send && ring_can_send(r, NULL));
    /* acquire: as in x_move; recv_waiting: as in x_send */
    uint32_t v = atomic_load_explicit(&r->x, memory_order_acquire);
    uint32_t others = atomic_load_explicit(&r->recv_waiting, memory_order_acquire) -
                      (w->recv0 ? 1u : 0u);
    return (v & X_CLOSED) || (w->has_recv && x_state(v) == X_FULL) ||
           (w->has_send && x_state(v) == X_EMPTY && others > 0);
}

static void unwatch(rf_chan *r, rf_watch *w)
{
    ct_spin_ttas_lock(&r->wlock);
    if (w->prev) w->prev->next = w->next; else r->watchers = w->next;
    if (w->next) w->next->prev = w->prev;
    ct_spin_ttas_unlock(&r->wlock);
    /* relaxed: counts; a waker that still sees us finds the list without us */
    if (r->hdr.cap == 0) {
        atomic_fetch_sub_explicit(&r->x_sleepers, 1, memory_order_relaxed);
        if (w->recv0) uncount_receiver(r);
    } else {
        if (w->has_recv) /* relaxed: as above */
            atomic_fetch_sub_explicit(&r->recv_sleepers, 1, memory_order_relaxed);
        if (w->has_send) /* relaxed: as above */
            atomic_fetch_sub_explicit(&r->send_sleepers, 1, memory_order_relaxed);
    }
}

/* Is a thread waiting on this unbuffered channel's word (a select's send
 * watcher waits there for a counted receiver)? */
static bool x_waited(rf_chan *r)
{
    /* relaxed: a hint that ends a poll early; registering re-checks all */
    return atomic_load_explicit(&r->x_sleepers, memory_order_relaxed) != 0;
}

/* Before registering, spin_park and ring_yield poll the cases as their plain
 * waits do (spin, then yield; the tries fail without writing anything): a
 * registered select makes every operation on its channels pay notify() (the
 * watcher lock, an unpark), while a partner that answers within the poll
 * never learns we waited. Unbuffered channels need care, because a select's
 * send deposits only for a counted receiver:
 *  - a select that only receives counts itself as a receiver of its
 *    unbuffered channels while it polls, as a plain receiver does while it
 *    waits, so a select sending there deposits for it; it never sends, so no
 *    depositor ends up waiting for a select that waits for a take;
 *  - a select with an unbuffered send case registers at once (polling, it
 *    would find no counted receiver in a select that polls too);
 *  - any other select's poll ends once someone waits on one of its
 *    unbuffered channels (a send watcher wanting a counted receiver). */
static int poll_cases(ct_case *cases, const uint32_t *order, size_t m, int64_t deadline)
{
    rf_chan *r = NULL;
    bool recv_only = true;
    int res = CT_WOULDBLOCK;

    for (size_t i = 0; i < m; i++) {
        if (!cases[i].chan) continue;
        if (!r) r = rf(cases[i].chan);
        if (cases[i].dir == CT_SEND) {
            if (cases[i].chan->cap == 0) return CT_WOULDBLOCK;
            recv_only = false;
        }
    }
    if (!r || r->spins + r->yields == 0) return CT_WOULDBLOCK; /* nil only, or ring_futex */
    if (recv_only)
        for (size_t j = 0; j < m; j++)
            if (cases[j].chan && cases[j].chan->cap == 0) count_receiver(rf(cases[j].chan), NULL);
    for (unsigned i = 0; i < r->spins + r->yields; i++) {
        bool waited = false;
        for (size_t j = 0; j < m && !recv_only; j++)
            waited |= cases[j].chan && cases[j].chan->cap == 0 && x_waited(rf(cases[j].chan));
        if (waited) break;
        if (i < r->spins) {
            ct_cpu_relax();
        } else {
            if (ct__deadline_passed(deadline)) break;
            sched_yield(); /* the partner may be waiting for this CPU */
        }
        if ((res = try_cases(cases, order, m, CT_SEND | CT_RECV)) >= 0) break;
    }
    if (recv_only)
        for (size_t j = 0; j < m; j++)
            if (cases[j].chan && cases[j].chan->cap == 0) uncount_receiver(rf(cases[j].chan));
    return res;
}

static int rf_select(ct_case *cases, const uint32_t *order, size_t m, int64_t deadline)
{
    ct_chan *small_cs[SMALL], **cs = small_cs;
    rf_watch small_ws[SMALL], *ws = small_ws;
    ct_parker park;
    size_t k;
    int res;

    if ((res = try_cases(cases, order, m, CT_SEND | CT_RECV)) >= 0 || deadline == CT__NOWAIT)
        return res;
    if ((res = poll_cases(cases, order, m, deadline)) >= 0)
        return res;
    if (m > SMALL) {
        cs = malloc(m * sizeof *cs);
        ws = malloc(m * sizeof *ws);
        if (!cs || !ws) {
            free(cs);
            free(ws);
            return -ENOMEM;
        }
    }
    k = ct__chan_lock_order(cases, order, m, cs);
    for (size_t j = 0; j < k; j++) {
        ws[j] = (rf_watch){.park = &park};
        ct__chan_case_dirs(cases, order, m, cs[j], &ws[j].has_send, &ws[j].has_recv);
        ws[j].recv0 = ws[j].has_recv && cs[j]->cap == 0;
    }
    for (;;) {
        if (ct__deadline_passed(deadline)) {
            res = CT_TIMEOUT;
            break;
        }
        ct_parker_arm(&park);
        bool ready = false;
        for (size_t j = 0; j < k; j++)
            ready |= watch(rf(cs[j]), &ws[j]);
        if (!ready) {
            ct__wait_begin("chan select", cs[0], deadline);
            ct_parker_park_yield(&park, rf(cs[0])->spins, rf(cs[0])->yields, deadline);
            ct__wait_end(deadline);
        }
        /* receive cases first, still counted (see the header) */
        res = try_cases(cases, order, m, CT_RECV);
        for (size_t j = 0; j < k; j++)
            unwatch(rf(cs[j]), &ws[j]);
        if (res >= 0) break;
        if ((res = try_cases(cases, order, m, CT_SEND | CT_RECV)) >= 0) break;
        /* Ready, yet nothing completed: typically a slot claimed by a
         * thread that was preempted before publishing it. Give it the CPU
         * rather than spin a time slice away (2 cores, more threads). */
        if (ready)
            sched_yield();
    }
    if (cs != small_cs) {
        free(cs);
        free(ws);
    }
    return res;
}

/* ---- create / destroy ---------------------------------------------------------- */

static ct_chan *create(size_t elem_size, size_t cap, unsigned spins, unsigned yields)
{
    size_t head = (sizeof(rf_chan) + CT_CACHELINE - 1) / CT_CACHELINE * CT_CACHELINE;
    size_t stride = (sizeof(uint64_t) + elem_size + 7) / 8 * 8;
    bool inline_x = cap == 0 && elem_size <= X_INLINE;
    rf_chan *r = ct_alloc_aligned(head + (cap ? cap * stride : inline_x ? 0 : elem_size));

    if (!r)
        return NULL;
    r->spins = spins;
    r->yields = yields;
    r->stride = stride;
    r->slots = inline_x ? r->x_inline : (unsigned char *)r + head;
    /* not atomic: published by whatever hands the channel to other threads */
    for (size_t i = 0; i < cap; i++)
        atomic_init((_Atomic uint64_t *)(void *)(r->slots + i * stride), 2 * (uint64_t)i);
    atomic_init(&r->closed, false);
    atomic_init(&r->enq, 0);
    atomic_init(&r->deq, 0);
    atomic_init(&r->recv_ev, 0);
    atomic_init(&r->recv_sleepers, 0);
    atomic_init(&r->send_ev, 0);
    atomic_init(&r->send_sleepers, 0);
    atomic_init(&r->x, (uint32_t)X_EMPTY << X_SHIFT);
    atomic_init(&r->x_sleepers, 0);
    atomic_init(&r->recv_waiting, 0);
#ifdef CT_TSAN
    atomic_init(&r->sb, 0);
#endif
    ct_spin_ttas_init(&r->wlock);
    return &r->hdr;
}

/* ring_yield: a short spin, a few yields, then the futex (Go's lock strategy). */
#define RING_YIELD_SPINS 100u
#define RING_YIELD_YIELDS 16u

static ct_chan *rf_create(size_t elem_size, size_t cap) { return create(elem_size, cap, 0, 0); }
static ct_chan *sp_create(size_t elem_size, size_t cap)
{
    return create(elem_size, cap, SPIN_PARK_SPINS, 0);
}
static ct_chan *ry_create(size_t elem_size, size_t cap)
{
    return create(elem_size, cap, RING_YIELD_SPINS, RING_YIELD_YIELDS);
}

static void rf_destroy(ct_chan *c) { ct_free_aligned(c); }

CT__CHAN_GENERAL_OPS(ct__chan_ring_futex, rf, "ring_futex",
                     "lock-free Vyukov ring (cap 0: lock-free exchanger); parks on a futex at once",
                     CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING, rf_create);

/* The same design with a bounded spin before parking (see the header). */
CT__CHAN_GENERAL_OPS(ct__chan_spin_park, rf, "spin_park",
                     "ring_futex that spins (bounded, pause) before it parks",
                     CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING | CT_CAP_SPINNING, sp_create);

/* The same design whose waiters spin briefly, then yield, then park: with
 * more threads than cores the partner is often runnable on this CPU. */
CT__CHAN_GENERAL_OPS(ct__chan_ring_yield, rf, "ring_yield",
                     "ring_futex whose waiters spin briefly, then yield, then park",
                     CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING, ry_create);
