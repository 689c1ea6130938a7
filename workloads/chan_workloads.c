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
 *   chan_batch.c     batch (the seeds' batcher: by size, by time, the tail)
 *   chan_fan.c       fanin_shared, fanin_forward, fanin_select (fan-out to
 *                    workers, fan-in three ways)
 */
#include <stdbool.h>

#include "chan.h"
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
        ct__chan_batch_register(cfg, impl, general);
        ct__chan_fan_register(cfg, impl, general);
    }
    ct__chan_pipeline_register(cfg, NULL, false); /* the sequential baseline */
}
