/*
 * chan_workloads.h: the channel family's workload files and what they
 * share (chan_workloads.c registers them for every design of chan_list.h).
 */
#ifndef CT_CHAN_WORKLOADS_H
#define CT_CHAN_WORKLOADS_H

#include <stdbool.h>

#include "workloads.h"

/* impl is the design's name (static storage: the registrations keep it);
 * general: ct_chan_is_general() of the design. */
void ct__chan_flow_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_pingpong_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_seq_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_pipeline_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_batch_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_fan_register(const ct_bench_config *cfg, const char *impl, bool general);

/* Does impl get rt:go variants? It declares CT_CAP_COROUTINE, and no design
 * listed before it does with the same engine (the same send): designs of one
 * engine differ in their spin and yield knobs only, which a coroutine's park
 * skips, so their coroutine runs would measure the same code. */
bool ct__chan_runs_on_coroutines(const char *impl);

#endif /* CT_CHAN_WORKLOADS_H */
