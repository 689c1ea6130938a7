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
 */
#include <stdbool.h>

#include "chan.h"
#include "ct_work.h"
#include "workloads.h"

/* impl is the design's name (static storage: the registrations keep it);
 * general: ct_chan_is_general() of the design. */
void ct__chan_flow_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_pingpong_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_seq_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_pipeline_register(const ct_bench_config *cfg, const char *impl, bool general);

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
    }
    ct__chan_pipeline_register(cfg, NULL, false); /* the sequential baseline */
}
