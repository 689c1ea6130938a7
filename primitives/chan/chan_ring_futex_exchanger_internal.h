/*
 * chan_ring_futex_exchanger_internal.h: the unbuffered half (cap 0) of
 * ring_futex, spin_park and ring_yield. No buffer to make lock-free, so a
 * one-slot exchanger on a single 32-bit futex word x = closed bit | state |
 * generation:
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
 * line crossing cores instead of two).
 *
 * The design's send and recv at cap 0 (x_send, x_recv) and what they inline
 * are static inline here, so chan_ring_futex.c compiles them into its send
 * and recv as before; the helpers they call out of line are
 * chan_ring_futex_exchanger.c.
 */
#ifndef CT_CHAN_RING_FUTEX_EXCHANGER_INTERNAL_H
#define CT_CHAN_RING_FUTEX_EXCHANGER_INTERNAL_H

#include <limits.h>

#include "chan_ring_futex_internal.h"

/* Move x from state `from` to `to`, bumping the generation, keeping the
 * closed bit; fails only if the state is no longer `from`. */
bool ct__rf_x_move(rf_chan *r, uint32_t *v, unsigned from, unsigned to);

/* Wait for x to move on from v: spin first (spin_park, ring_yield), then
 * sleep. Returns false if the deadline has passed. */
bool ct__rf_x_wait(rf_chan *r, uint32_t v, int64_t deadline, const char *op);

/* A receiver that was counted leaves: a try-depositor waiting for it must
 * re-check (it withdraws when nobody is left). */
void ct__rf_uncount_receiver(rf_chan *r);

static inline void x_wake(rf_chan *r, int dirs)
{
    wake_side(r, NULL, &r->x, &r->x_sleepers, INT_MAX, dirs);
}

/* A receiver arrives: selects waiting to send here may deposit now (not
 * `self`, a select counting itself as a receiver of this channel). */
static inline void count_receiver(rf_chan *r, const ct__chan_watch *self)
{
    /* seq_cst: a select's send case checks recv_waiting after registering */
    atomic_fetch_add_explicit(&r->recv_waiting, 1, memory_order_seq_cst);
    sb_fence(r); /* pairs with watch()'s sb_fence, as in wake_side */
    /* relaxed: ordered by the fence */
    if (atomic_load_explicit(&r->x_sleepers, memory_order_relaxed))
        ct__rf_notify(r, CT_SEND, self);
}

static inline int x_send(rf_chan *r, const void *elem, int64_t deadline)
{
    const bool trying = deadline == CT__NOWAIT;
    /* acquire: as in ct__rf_x_move */
    uint32_t v = atomic_load_explicit(&r->x, memory_order_acquire);
    int fail;

    for (;;) { /* phase 1: claim the empty slot */
        if (v & X_CLOSED)
            return CT_CLOSED;
        if (x_state(v) == X_EMPTY) {
            /* acquire: pairs with count_receiver's increment */
            if (trying && atomic_load_explicit(&r->recv_waiting, memory_order_acquire) == 0)
                return CT_WOULDBLOCK;
            if (ct__rf_x_move(r, &v, X_EMPTY, X_WRITING))
                break;
            continue;
        }
        if (trying)
            return CT_WOULDBLOCK;
        if (!ct__rf_x_wait(r, v, deadline, "chan send"))
            return CT_TIMEOUT;
        v = atomic_load_explicit(&r->x, memory_order_acquire); /* acquire: as in ct__rf_x_move */
    }
    memcpy(r->slots, elem, r->hdr.elem_size);
    ct__rf_x_move(r, &v, X_WRITING, X_FULL); /* only we leave WRITING: cannot fail */
    x_wake(r, CT_RECV);

    for (;;) { /* phase 2: wait for the take, or withdraw */
        switch (x_state(v)) {
        case X_TAKEN:
            ct__rf_x_move(r, &v, X_TAKEN, X_EMPTY); /* only we leave TAKEN */
            x_wake(r, CT_SEND);
            return CT_OK;
        case X_FULL:
            fail = 0;
            if (v & X_CLOSED)
                fail = CT_CLOSED;
            /* acquire: pairs with ct__rf_uncount_receiver */
            else if (trying && atomic_load_explicit(&r->recv_waiting, memory_order_acquire) == 0)
                fail = CT_WOULDBLOCK;
            else if (!trying && ct__deadline_passed(deadline))
                fail = CT_TIMEOUT;
            if (fail) {
                if (ct__rf_x_move(r, &v, X_FULL, X_EMPTY)) { /* withdrawn before anyone took it */
                    x_wake(r, CT_SEND);
                    return fail;
                }
                continue; /* a receiver claimed it: wait for TAKEN */
            }
            break;
        default: /* READING: the take is under way */
            break;
        }
        /* Only FULL can be withdrawn at the deadline; a take under way
         * (READING) is waited out whatever the deadline, asleep: with the
         * deadline passed, a timed wait would return at once, and this
         * loop would spin while the receiver copies. */
        ct__rf_x_wait(r, v, trying || x_state(v) == X_READING ? CT__FOREVER : deadline,
                      "chan send");
        v = atomic_load_explicit(&r->x, memory_order_acquire); /* acquire: as in ct__rf_x_move */
    }
}

static inline int x_recv(rf_chan *r, void *out, int64_t deadline)
{
    /* acquire: as in ct__rf_x_move */
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
            if (!ct__rf_x_move(r, &v, X_FULL, X_READING))
                continue; /* lost it, or closed */
            memcpy(out, r->slots, r->hdr.elem_size);
            ct__rf_x_move(r, &v, X_READING, X_TAKEN); /* only we leave READING */
            x_wake(r, 0);
            res = CT_OK;
            break;
        }
        if (deadline == CT__NOWAIT)
            return CT_WOULDBLOCK;
        if (expired) {
            res = CT_TIMEOUT;
            break;
        }
        if (!counted) {
            counted = true;
            count_receiver(r, NULL);
        }
        expired = !ct__rf_x_wait(r, v, deadline, "chan recv");
        v = atomic_load_explicit(&r->x, memory_order_acquire); /* acquire: as in ct__rf_x_move */
    }
    if (counted)
        ct__rf_uncount_receiver(r);
    return res;
}

#endif /* CT_CHAN_RING_FUTEX_EXCHANGER_INTERNAL_H */
