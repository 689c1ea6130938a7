/*
 * chan_workloads.c: the channel family's workloads, registered for every
 * design (ct_chan_impls_all(): the general designs and the benchmark-only
 * ones, which run only the workloads that fit them: spsc_ring runs spsc and
 * pingpong, at caps > 0).
 *
 *   chan_flow.c      spsc, mpsc, mpmc, select_rx, select_both
 *   chan_pingpong.c  pingpong
 *   chan_seq.c       seq
 *   chan_pipeline.c  pipeline (and its sequential baseline)
 */
#include <stdbool.h>
#include <string.h>

#include "chan.h"
#include "ct_work.h"
#include "workloads.h"

void ct__chan_flow_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_pingpong_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_seq_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_pipeline_register(const ct_bench_config *cfg, const char *impl, bool general);

static bool is_general(const char *impl)
{
    for (const char *const *g = ct_chan_impls(); *g; g++)
        if (strcmp(*g, impl) == 0)
            return true;
    return false;
}

void ct_workload_chan_register(const ct_bench_config *cfg)
{
    ct_now_ns(); /* nothing to calibrate; the clock is ready */
    for (const char *const *impl = ct_chan_impls_all(); *impl; impl++) {
        bool general = is_general(*impl);
        ct__chan_seq_register(cfg, *impl, general);
        ct__chan_flow_register(cfg, *impl, general);
        ct__chan_pingpong_register(cfg, *impl, general);
        ct__chan_pipeline_register(cfg, *impl, general);
    }
    ct__chan_pipeline_register(cfg, NULL, false); /* the sequential baseline */
}
