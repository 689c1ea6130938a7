/*
 * chan_workloads.c: the channel family's workloads, registered for every
 * design of chan_list.h (ct_chan_impls(): the general designs and the
 * benchmark-only ones, which run only the workloads that fit them:
 * spsc_ring runs seq, spsc and pingpong, at caps > 0).
 *
 *   chan_flow.c      spsc, mpsc, mpmc, select_rx, select_both
 *   chan_pingpong.c  pingpong
 *   chan_seq.c       seq
 *   chan_pipeline.c  pipeline (and its sequential baseline)
 *   chan_pipework.c  pipework (stages doing calibrated work; sequential and
 *                    pool baselines)
 *   chan_batch.c     batch (the seeds' batcher: by size, by time, the tail)
 *   chan_fan.c       fanin_shared, fanin_forward, fanin_select (fan-out to
 *                    workers, fan-in three ways)
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "chan.h"
#include "ct_deadlock.h"
#include "ct_work.h"
#include "chan_workloads.h"

bool ct__chan_runs_on_coroutines(const char *impl)
{
    const ct_chan_ops *me = ct_chan_find(impl);

    if (!me || !(me->desc.caps & CT_CAP_COROUTINE))
        return false;
    for (const ct_chan_ops *const *o = ct_chan_impls(); *o != me; o++)
        if (((*o)->desc.caps & CT_CAP_COROUTINE) && (*o)->send == me->send)
            return false;
    return true;
}

/* ---- the deadlock guard (chan_workloads.h) ----------------------------------- */

/* The run being watched: set before the watchdog starts (pthread_create
 * publishes it), cleared after it is joined. One run at a time. */
static ct__chan_guard *guarded;

static void guard_trip(const ct_wait_info *waits, size_t n)
{
    ct__chan_guard *g = guarded;
    size_t len = 0;

    if (!g->tripped) {
        g->tripped = true;
        for (size_t i = 0; i < n && len + 1 < sizeof g->what; i++) {
            int k = waits[i].coroutine
                        ? snprintf(g->what + len, sizeof g->what - len, "%scoroutine '%s' [%s]",
                                   i ? ", " : "", waits[i].coroutine,
                                   waits[i].op ? waits[i].op : "parked")
                        : snprintf(g->what + len, sizeof g->what - len, "%sthread %d [%s]",
                                   i ? ", " : "", (int)waits[i].tid, waits[i].op);
            if (k < 0)
                break;
            len += (size_t)k;
        }
    }
    /* every role wakes with CT_CLOSED; a second deadlock (a role that waits
     * again) finds them closed already */
    for (size_t i = 0; i < g->n; i++)
        ct_chan_close(g->chans[i]);
}

bool ct__chan_guard_start(ct_bench_state *st, ct__chan_guard *g, ct_chan *const *chans, size_t n)
{
    int err;

    *g = (ct__chan_guard){.chans = chans, .n = n};
    guarded = g;
    if ((err = ct_deadlock_watch_start(CT__CHAN_GUARD_PERIOD_MS, guard_trip)) != 0) {
        guarded = NULL;
        ct_bench_error(st, "cannot start the deadlock watchdog: %s", strerror(-err));
        return false;
    }
    g->running = true;
    return true;
}

void ct__chan_guard_watch(bool on)
{
    ct_wait_watch_self(on); /* -ENOMEM: unwatched, so never taken for a deadlock */
}

void ct__chan_chain_done(ct_bench_state *st, ct_chan *first)
{
    ct__chan_guard_watch(false);
    if (first && ct_bench_thread_index(st) == 0)
        ct_chan_close(first);
}

void ct__chan_guard_stop(ct_bench_state *st, ct__chan_guard *g)
{
    if (!g->running)
        return;
    ct_deadlock_watch_stop(); /* joins the watchdog: its writes to g are visible */
    g->running = false;
    guarded = NULL;
    if (g->tripped)
        ct_bench_error(st,
                       "deadlock: every role asleep in a channel wait (%s); the run's channels "
                       "were closed to end it",
                       g->what);
}

void ct_workload_chan_register(const ct_bench_config *cfg)
{
    ct_now_ns(); /* nothing to calibrate; the clock is ready */
    for (const ct_chan_ops *const *o = ct_chan_impls(); *o; o++) {
        const char *impl = (*o)->desc.name;
        bool general = ct_chan_is_general(*o);
        ct__chan_seq_register(cfg, impl, general);
        ct__chan_flow_register(cfg, impl, general);
        ct__chan_pingpong_register(cfg, impl, general);
        ct__chan_pipeline_register(cfg, impl, general);
        ct__chan_pipework_register(cfg, impl, general);
        ct__chan_batch_register(cfg, impl, general);
        ct__chan_fan_register(cfg, impl, general);
    }
    ct__chan_pipeline_register(cfg, NULL, false); /* the sequential baseline */
    ct__chan_pipework_register(cfg, NULL, false); /* its sequential and pool baselines */
}
