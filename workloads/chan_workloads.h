/*
 * chan_workloads.h: the channel family's workload files and what they
 * share (chan_workloads.c registers them for every design of chan_list.h).
 */
#ifndef CT_CHAN_WORKLOADS_H
#define CT_CHAN_WORKLOADS_H

#include <stdbool.h>

#include "chan.h"
#include "ct_bench.h"
#include "workloads.h"

/* impl is the design's name (static storage: the registrations keep it);
 * general: ct_chan_is_general() of the design. */
void ct__chan_flow_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_pingpong_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_seq_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_pipeline_register(const ct_bench_config *cfg, const char *impl, bool general);
/* impl NULL: the baselines, once. */
void ct__chan_pipework_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_batch_register(const ct_bench_config *cfg, const char *impl, bool general);
void ct__chan_fan_register(const ct_bench_config *cfg, const char *impl, bool general);

/* Does impl get rt:go variants? It declares CT_CAP_COROUTINE, and no design
 * listed before it does with the same engine (the same send): designs of one
 * engine differ in their spin and yield knobs only, which a coroutine's park
 * skips, so their coroutine runs would measure the same code. */
bool ct__chan_runs_on_coroutines(const char *impl);

/*
 * The deadlock guard of the workloads whose roles wait on each other
 * (pingpong, pipeline, flow). A channel that loses or holds back a value can
 * leave every role asleep in a channel wait, where no time budget reaches
 * them. The guard watches the run's roles with the deadlock detector
 * (ct_deadlock.h: every watched thread asleep in an announced wait, and every
 * coroutine parked, with nothing moving for CT__CHAN_GUARD_LOOKS looks
 * CT__CHAN_GUARD_PERIOD_MS apart); on a deadlock it closes the run's
 * channels, so every role wakes with CT_CLOSED and runs out its loop, and
 * the run fails naming the waits. A correct design never deadlocks these
 * workloads: their roles only wait for each other.
 *
 * A role's thread watches itself from the start of its run function (before
 * its loop, so every role of the run is watched before any can wait: the
 * loop starts behind Google Benchmark's start barrier) until its loop_done
 * hook (it then waits on nothing of the run's). rt:go: bench thread 0 only;
 * the coroutines count through the scheduler.
 */
#define CT__CHAN_GUARD_PERIOD_MS 200
#define CT__CHAN_GUARD_LOOKS 3 /* ct_deadlock.c's confirmation */

typedef struct ct__chan_guard {
    ct_chan *const *chans; /* closed on a deadlock */
    size_t n;
    bool running;
    bool tripped;   /* written by the watchdog; read after it is joined */
    char what[256]; /* the waits it saw, likewise */
} ct__chan_guard;

/* Setup, last (once nothing can fail after it): watch this run, whose
 * channels are chans[0..n-1] (the array must outlive the run). On failure,
 * ct_bench_error and false. */
bool ct__chan_guard_start(ct_bench_state *st, ct__chan_guard *g, ct_chan *const *chans, size_t n);
/* A role's thread: watched (on) from its run's start, unwatched (off) at its
 * loop_done. */
void ct__chan_guard_watch(bool on);
/* A chain of stages' loop_done (chan/pipeline, chan/pipework): unwatch this
 * thread; thread 0 closes the first channel (NULL: none), which ends the
 * stages in turn. */
void ct__chan_chain_done(ct_bench_state *st, ct_chan *first);
/* Teardown, first: stop watching; a deadlock seen is the run's error (the
 * first one, so the JSON names it). */
void ct__chan_guard_stop(ct_bench_state *st, ct__chan_guard *g);

#endif /* CT_CHAN_WORKLOADS_H */
