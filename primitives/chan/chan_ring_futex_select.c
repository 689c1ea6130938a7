/*
 * chan_ring_futex_select.c: select for ring_futex, spin_park and ring_yield,
 * and the wakers of its watchers: the watcher protocol of mutex_cond (the
 * watchers are shared, chan_watch_internal.h) with lock-free tries.
 *
 * Each round tries the cases without blocking in the random order; if none
 * completes it registers a watcher (a parker) on each channel, counted in
 * that channel's sleeper words so the fast paths see it (the same
 * store-buffering handshake as a plain waiter's), checks readiness, and
 * parks. Wakers that see a sleeper walk the channel's watcher list (a spin
 * lock, slow path only) and unpark the watchers whose case may have become
 * ready. Woken, a select tries its receive cases while still counted as a
 * receiver, then unregisters and tries every case. A select is counted as a
 * receiver of a cap-0 channel only while registered and tries sends only
 * while not, so it never pairs its own send with its own receive, and no
 * depositor waits for a select that itself waits for a take. The one
 * exception keeps both rules: a select with receive cases only (it never
 * sends) is counted while it polls. Wakers fire parkers under the watcher
 * lock and pay the futex wakes after it. spin_park and ring_yield poll
 * before they register (poll_cases), so a partner that answers soon never
 * pays the watchers' wake-up (ct__rf_notify).
 */
#include <sched.h>

#include "chan_ring_futex_exchanger_internal.h"
#include "chan_ring_futex_ring_internal.h"

/* Fire the watchers of `dirs` under wlock, but pay their FUTEX_WAKEs after
 * releasing it (ct_parker_fire): a wake is a system call, and with it
 * inside, selects spinning for wlock on an oversubscribed machine waited
 * for it on every message (select_both at cap 0). */
void ct__rf_notify(rf_chan *r, int dirs, const ct__chan_watch *except)
{
    ct_parker *late[8];
    size_t n = 0;

    ct_spin_ttas_lock_yield(&r->wlock);
    for (ct__chan_watch *w = r->watchers; w; w = w->next)
        if (w != except && ct__chan_watch_wants(w, dirs) && ct_parker_fire(w->park)) {
            if (n < sizeof late / sizeof late[0])
                late[n++] = w->park;
            else
                ct_parker_wake(w->park); /* rare: many sleepers; wake under the lock */
        }
    ct_spin_ttas_unlock(&r->wlock);
    for (size_t i = 0; i < n; i++)
        ct_parker_wake(late[i]);
}

/* One case without blocking: the design's own send or recv. */
static int try_one(ct_case *cs)
{
    if (cs->dir == CT_SEND)
        return ct__rf_send(cs->chan, cs->elem, CT__NOWAIT);
    return ct__rf_recv(cs->chan, cs->elem, CT__NOWAIT);
}

static int try_cases(ct_case *cases, const uint32_t *order, size_t m, int dirs)
{
    return ct__chan_try_cases(cases, order, m, dirs, try_one);
}

/* Register w on r (counted in the sleeper words the fast paths check), then
 * check whether one of its cases is ready. */
static bool watch(rf_chan *r, ct__chan_watch *w)
{
    ct_spin_ttas_lock_yield(&r->wlock);
    ct__chan_watch_link(&r->watchers, w);
    ct_spin_ttas_unlock(&r->wlock);
    /* seq_cst: the announcement half of the handshake in wake_side */
    if (r->hdr.cap == 0) {
        atomic_fetch_add_explicit(&r->x_sleepers, 1, memory_order_seq_cst);
        if (w->recv0)
            count_receiver(r, w);
    } else {
        if (w->has_recv) /* seq_cst: as above */
            atomic_fetch_add_explicit(&r->recv_sleepers, 1, memory_order_seq_cst);
        if (w->has_send) /* seq_cst: as above */
            atomic_fetch_add_explicit(&r->send_sleepers, 1, memory_order_seq_cst);
    }
    sb_fence(r); /* pairs with the wakers' sb_fence (wake_side) */
    if (r->hdr.cap)
        return (w->has_recv && ct__rf_ring_can_recv(r, NULL)) ||
               (w->has_send && ct__rf_ring_can_send(r, NULL));
    /* acquire: as in ct__rf_x_move; recv_waiting: as in x_send */
    uint32_t v = atomic_load_explicit(&r->x, memory_order_acquire);
    uint32_t others =
        atomic_load_explicit(&r->recv_waiting, memory_order_acquire) - (w->recv0 ? 1u : 0u);
    return (v & X_CLOSED) || (w->has_recv && x_state(v) == X_FULL) ||
           (w->has_send && x_state(v) == X_EMPTY && others > 0);
}

static void unwatch(rf_chan *r, ct__chan_watch *w)
{
    ct_spin_ttas_lock_yield(&r->wlock);
    ct__chan_watch_unlink(&r->watchers, w);
    ct_spin_ttas_unlock(&r->wlock);
    /* relaxed: counts; a waker that still sees us finds the list without us */
    if (r->hdr.cap == 0) {
        atomic_fetch_sub_explicit(&r->x_sleepers, 1, memory_order_relaxed);
        if (w->recv0)
            ct__rf_uncount_receiver(r);
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
 * registered select makes every operation on its channels pay
 * ct__rf_notify() (the watcher lock, an unpark), while a partner that
 * answers within the poll never learns we waited. Unbuffered channels need
 * care, because a select's send deposits only for a counted receiver:
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
        if (!cases[i].chan)
            continue;
        if (!r)
            r = rf(cases[i].chan);
        if (cases[i].dir == CT_SEND) {
            if (cases[i].chan->cap == 0)
                return CT_WOULDBLOCK;
            recv_only = false;
        }
    }
    if (!r || r->spins + r->yields == 0)
        return CT_WOULDBLOCK; /* nil only, or ring_futex */
    if (recv_only)
        for (size_t j = 0; j < m; j++)
            if (cases[j].chan && cases[j].chan->cap == 0)
                count_receiver(rf(cases[j].chan), NULL);
    /* no spin on a coroutine (ct_spin_budget): straight to the yields */
    for (unsigned i = r->spins - ct_spin_budget(r->spins); i < r->spins + r->yields; i++) {
        bool waited = false;
        for (size_t j = 0; j < m && !recv_only; j++)
            waited |= cases[j].chan && cases[j].chan->cap == 0 && x_waited(rf(cases[j].chan));
        if (waited)
            break;
        if (i < r->spins) {
            ct_cpu_relax();
        } else {
            if (ct__deadline_passed(deadline))
                break;
            ct_yield_cpu(); /* the partner may be waiting for this CPU */
        }
        if ((res = try_cases(cases, order, m, CT_SEND | CT_RECV)) >= 0)
            break;
    }
    if (recv_only)
        for (size_t j = 0; j < m; j++)
            if (cases[j].chan && cases[j].chan->cap == 0)
                ct__rf_uncount_receiver(rf(cases[j].chan));
    return res;
}

int ct__rf_select(ct_case *cases, const uint32_t *order, size_t m, int64_t deadline)
{
    ct__chan_watchset s;
    ct_chan **cs;
    ct__chan_watch *ws;
    size_t k;
    int res;

    if ((res = try_cases(cases, order, m, CT_SEND | CT_RECV)) >= 0 || deadline == CT__NOWAIT)
        return res;
    if ((res = poll_cases(cases, order, m, deadline)) >= 0)
        return res;
    if ((res = ct__chan_watchset_init(&s, cases, order, m)) < 0)
        return res;
    cs = s.chans;
    ws = s.ws;
    k = s.k;
    for (;;) {
        if (ct__deadline_passed(deadline)) {
            res = CT_TIMEOUT;
            break;
        }
        ct_parker_arm(&s.park);
        bool ready = false;
        for (size_t j = 0; j < k; j++)
            ready |= watch(rf(cs[j]), &ws[j]);
        if (!ready) {
            ct__wait_begin("chan select", cs[0], deadline);
            ct_parker_park_yield(&s.park, rf(cs[0])->spins, rf(cs[0])->yields, deadline);
            ct__wait_end(deadline);
        }
        /* receive cases first, still counted (see the header) */
        res = try_cases(cases, order, m, CT_RECV);
        for (size_t j = 0; j < k; j++)
            unwatch(rf(cs[j]), &ws[j]);
        if (res >= 0)
            break;
        if ((res = try_cases(cases, order, m, CT_SEND | CT_RECV)) >= 0)
            break;
        /* Ready, yet nothing completed: typically a slot claimed by a
         * thread that was preempted before publishing it. Give it the CPU
         * rather than spin a time slice away (2 cores, more threads). */
        if (ready)
            ct_yield_cpu();
    }
    ct__chan_watchset_fini(&s);
    return res;
}
