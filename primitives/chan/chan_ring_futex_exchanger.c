/*
 * chan_ring_futex_exchanger.c: the exchanger's helpers that its send and
 * recv (chan_ring_futex_exchanger_internal.h, which describes the protocol)
 * call out of line: the CAS that moves x from one state to the next, the
 * wait for x to change, and a counted receiver leaving.
 */
#include <sched.h>

#include "chan_ring_futex_exchanger_internal.h"

bool ct__rf_x_move(rf_chan *r, uint32_t *v, unsigned from, unsigned to)
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
    /* acquire: as in ct__rf_x_move (the load feeding the CAS) */
    uint32_t v = atomic_load_explicit(&r->x, memory_order_acquire);
    while (!atomic_compare_exchange_weak_explicit(&r->x, &v, (v & ~X_GEN) | ((v + 1) & X_GEN),
                                                  memory_order_acq_rel, memory_order_acquire))
        ; /* acq_rel: as in ct__rf_x_move */
}

static bool x_changed(rf_chan *r, const void *seen)
{
    /* acquire: as in ct__rf_x_move */
    return atomic_load_explicit(&r->x, memory_order_acquire) != *(const uint32_t *)seen;
}

bool ct__rf_x_wait(rf_chan *r, uint32_t v, int64_t deadline, const char *op)
{
    for (unsigned i = 0; i < ct_spin_budget(r->spins); i++) {
        if (x_changed(r, &v))
            return true;
        ct_cpu_relax();
    }
    for (unsigned i = 0; i < r->yields; i++) {
        if (x_changed(r, &v))
            return true;
        ct_yield_cpu(); /* the partner may be waiting for this CPU */
    }
    if (ct__deadline_passed(deadline))
        return false;
    sleep_on(&r->x, v, &r->x_sleepers, x_changed, r, &v, deadline, op);
    return true;
}

void ct__rf_uncount_receiver(rf_chan *r)
{
    /* acq_rel: pairs with the depositor's acquire load of recv_waiting */
    if (atomic_fetch_sub_explicit(&r->recv_waiting, 1, memory_order_acq_rel) == 1 &&
        /* acquire: as in ct__rf_x_move */
        x_state(atomic_load_explicit(&r->x, memory_order_acquire)) == X_FULL) {
        x_bump(r);
        x_wake(r, 0);
    }
}
