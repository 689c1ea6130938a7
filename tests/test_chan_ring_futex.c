/*
 * test_chan_ring_futex.c: ring_futex's waits at their edges, white-box (the
 * design's private headers): states that the conformance suite cannot reach
 * on purpose, built by hand.
 *
 *   exchanger/send_deadline_during_take  a timed send on an unbuffered
 *                  channel whose deadline passes while a receiver copies
 *                  its value (READING, held by the test): the sender cannot
 *                  withdraw, so it must sleep until the take ends (seen as
 *                  an untimed "chan send" in the wait registry), not spin;
 *                  then it returns CT_OK, its value delivered
 *   ring/recv_deadline_closed_busy  a closed buffered channel whose next
 *                  position is claimed by a sender that has not published
 *                  yet (claimed by hand): a timed receive returns
 *                  CT_TIMEOUT at its deadline instead of waiting for ever
 *   select/watcher_lock_yields  a waker that finds the watcher lock held
 *                  (by the test) yields the CPU while it waits (sched_yield
 *                  counted by ct_fault.h), as the other spin loops do
 *
 * A fault put back makes the first and last cases wait for ever: the
 * runner's timeout fails them. Nothing sleeps as synchronization: the test
 * watches the states it waits for.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chan_ring_futex_exchanger_internal.h"
#include "chan_ring_futex_ring_internal.h"
#include "ct_fault.h"
#include "ct_test.h"
#include "ct_waitreg.h"

#define MS 1000000LL

static ct_chan *mk(size_t cap)
{
    ct_chan *c = ct_chan_new("ring_futex", sizeof(int), cap);

    if (!c)
        ct_test_fail("ct_chan_new(ring_futex, int, %zu): %s", cap, strerror(errno));
    return c;
}

/* ---- exchanger: a timed send whose deadline passes during the take ------------ */

struct sender {
    ct_chan *c;
    int64_t timeout_ns;
    _Atomic pid_t tid;
    _Atomic int rc;
    _Atomic bool done;
};

static void *send_timed(void *arg)
{
    struct sender *s = arg;
    int v = 42;

    /* relaxed: read by the test only to find this thread's wait */
    atomic_store_explicit(&s->tid, gettid(), memory_order_relaxed);
    /* relaxed: read after done (or the join) */
    atomic_store_explicit(&s->rc, ct_chan_send_timeout(s->c, &v, s->timeout_ns),
                          memory_order_relaxed);
    /* release: pairs with the test's acquire load of done */
    atomic_store_explicit(&s->done, true, memory_order_release);
    return NULL;
}

/* Is thread tid asleep in an untimed wait on obj (ct__wait_begin announces
 * only those)? */
static bool waits_untimed(pid_t tid, const void *obj, const char *op)
{
    ct_wait_info w;

    return tid && ct_wait_of(tid, &w) && w.obj == obj && strcmp(w.op, op) == 0;
}

static int t_send_deadline_during_take(void *arg)
{
    (void)arg;
    /* The sender must be caught asleep in FULL and its value claimed before
     * its deadline withdraws it: a long timeout, and a retry if a loaded
     * machine let the deadline pass first. */
    for (int attempt = 0; attempt < 5; attempt++) {
        ct_chan *c = mk(0);
        rf_chan *r = rf(c);
        struct sender s = {.c = c, .timeout_ns = 200 * MS};
        pthread_t t;
        uint32_t v;
        int out = 0;

        CT_CHECK(pthread_create(&t, NULL, send_timed, &s) == 0);
        /* The sender deposited (FULL) and sleeps on x until its deadline. */
        for (;;) {
            /* acquire: as in ct__rf_x_move */
            v = atomic_load_explicit(&r->x, memory_order_acquire);
            /* relaxed: a count; the state read above is what we act on */
            if (x_state(v) == X_FULL && atomic_load_explicit(&r->x_sleepers, memory_order_relaxed))
                break;
            /* acquire: pairs with the sender's release store of done */
            if (atomic_load_explicit(&s.done, memory_order_acquire))
                break; /* it gave up already (checked below) */
            sched_yield();
        }
        /* Claim the value as a receiver does, without waking the sender:
         * it sleeps on until its deadline, then finds the take under way. */
        if (x_state(v) != X_FULL || !ct__rf_x_move(r, &v, X_FULL, X_READING)) {
            pthread_join(t, NULL);
            CT_CHECK(atomic_load_explicit(&s.rc, memory_order_relaxed) == CT_TIMEOUT);
            ct_chan_free(c);
            printf("  attempt %d: the deadline passed before the take; again\n", attempt);
            continue;
        }
        /* Past its deadline, during the take, the sender must sleep (an
         * untimed wait); a sender that spins never gets here, and the
         * case's timeout fails it. */
        while (!waits_untimed(atomic_load_explicit(&s.tid, memory_order_relaxed), r, "chan send"))
            sched_yield();
        memcpy(&out, r->slots, sizeof out);
        CT_CHECK(ct__rf_x_move(r, &v, X_READING, X_TAKEN)); /* only we leave READING */
        x_wake(r, 0);
        pthread_join(t, NULL);
        CT_CHECK(out == 42);
        /* relaxed: after the join */
        int rc = atomic_load_explicit(&s.rc, memory_order_relaxed);
        if (rc != CT_OK)
            ct_test_fail("a send whose value was taken returned %s", ct_strstatus(rc));
        ct_chan_free(c);
        return 0;
    }
    ct_test_fail("5 attempts: the sender's deadline always passed before the take");
}

/* ---- ring: a timed receive on a closed channel with a claimed slot -------------- */

static int t_recv_deadline_closed_busy(void *arg)
{
    (void)arg;
    ct_chan *c = mk(2);
    rf_chan *r = rf(c);
    uint64_t pos = 0;
    int v = 7, out = -1;

    /* A sender claims position 0 and is preempted before it publishes. */
    CT_CHECK(atomic_compare_exchange_strong_explicit(&r->enq, &pos, 1, memory_order_relaxed,
                                                     memory_order_relaxed)); /* as ring_try_send */
    CT_CHECK(ct_chan_close(c) == CT_OK);
    /* Closed, not drained: position 0 is owed a value. The timed receive
     * waits for it only until its deadline. */
    int rc = ct_chan_recv_timeout(c, &out, 5 * MS);
    if (rc != CT_TIMEOUT)
        ct_test_fail("recv_timeout on a claimed, unpublished slot: %s", ct_strstatus(rc));
    CT_CHECK(ct_chan_try_recv(c, &out) == CT_WOULDBLOCK);
    /* The sender publishes: the value comes out, then CT_CLOSED. */
    memcpy(slot_data(r, 0), &v, sizeof v);
    /* release: as in ring_try_send */
    atomic_store_explicit(slot_seq(r, 0), 1, memory_order_release);
    CT_CHECK(ct_chan_recv_timeout(c, &out, 5 * MS) == CT_OK && out == 7);
    CT_CHECK(ct_chan_recv_timeout(c, &out, 5 * MS) == CT_CLOSED && out == 0);
    ct_chan_free(c);
    return 0;
}

/* ---- select: a waker waiting for the watcher lock yields ---------------------- */

static void *notify_recv(void *arg)
{
    ct__rf_notify(arg, CT_RECV, NULL); /* takes wlock first */
    return NULL;
}

static int t_watcher_lock_yields(void *arg)
{
    (void)arg;
    ct_chan *c = mk(1);
    rf_chan *r = rf(c);
    pthread_t t;
    uint64_t before;

    ct_spin_ttas_lock(&r->wlock); /* as a preempted select would hold it */
    before = ct_fault_calls(CT_FAULT_SCHED_YIELD);
    CT_CHECK(pthread_create(&t, NULL, notify_recv, r) == 0);
    /* Nothing else in this process yields now: the waker's yield is the
     * next. One that only spins never yields, and the case times out. */
    while (ct_fault_calls(CT_FAULT_SCHED_YIELD) == before)
        ct_cpu_relax();
    ct_spin_ttas_unlock(&r->wlock);
    pthread_join(t, NULL);
    ct_chan_free(c);
    return 0;
}

int main(int argc, char **argv)
{
    static const ct_test_case cases[] = {
        {.name = "exchanger/send_deadline_during_take", .fn = t_send_deadline_during_take},
        {.name = "ring/recv_deadline_closed_busy", .fn = t_recv_deadline_closed_busy},
        {.name = "select/watcher_lock_yields", .fn = t_watcher_lock_yields},
    };
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
