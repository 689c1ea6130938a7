/*
 * pool_common.h: what the pool family's workloads share (pool_common.c):
 * one task run (setup, the submitting threads, verification in teardown)
 * that each workload file shapes with its own parameters, and the
 * registration of each workload for every competitor.
 */
#ifndef CT_POOL_COMMON_H
#define CT_POOL_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "ct_bench.h"
#include "pool.h"
#include "workloads.h"

/* A run is cut at this wall time: a safety net for runs that collapse
 * (spawn starting thousands of threads). Above Google Benchmark's default
 * min_time (0.5 s), so a healthy run is never cut merely for being asked
 * to run long, which would make Google Benchmark ask for ever more. */
#define CT__POOL_TIME_BUDGET_S 1.0

/* One run's shape: what the tasks do and the pool they run on. The shape
 * hook gets it with min_workers 1, idle_timeout_ns 100 ms and the rest 0
 * (busy tasks, closed loop). */
typedef struct pool_shape {
    int64_t cost_ns;         /* per task: busy on the clock (0: empty), or asleep */
    bool sleep;              /* the task sleeps cost_ns (standing for I/O) */
    bool sample_rss;         /* sample the resident set every 64 submits (peak_rss_kb) */
    int64_t workers;         /* max_workers (dynamic: the ceiling) */
    int64_t min_workers;     /* dynamic's floor */
    int64_t idle_timeout_ns; /* dynamic retires a worker idle this long */
    /* Open loop when per_burst > 0: from the run's start, a burst every
     * period_ns of per_burst tasks gap_ns apart, each timed from its
     * scheduled arrival. */
    uint64_t per_burst, gap_ns, period_ns;
} pool_shape;

typedef struct pool_def pool_def;

/* One workload on one competitor: the registration's user data. */
struct pool_def {
    const ct_pool_ops *ops;
    int64_t cost_ns; /* a constant of the workload's own, for its shape hook */
    /* Fill in the run's shape from the benchmark's arguments; on bad ones,
     * ct_bench_error and false. */
    bool (*shape)(ct_bench_state *st, const pool_def *d, pool_shape *out);
    /* Optional: after the pool is shut down, before the verification. */
    void (*after)(ct_bench_state *st, const ct_pool *p, const pool_shape *s);
};

/* Register pool/<workload>/<d->ops' name> over the shared task run, with a
 * copy of *d that lives as long as the process. Dies when out of memory. */
ct_bench *ct__pool_register(const char *workload, const pool_def *d);
/* The same; on_coroutines: pool/<workload>/<name>/rt:go, every submitter a
 * coroutine driven from bench thread 0 (go_drive.h), for pools whose tasks
 * are coroutines too (CT_CAP_COROUTINE), as Go's submitters are goroutines. */
ct_bench *ct__pool_register_rt(const char *workload, const pool_def *d, bool on_coroutines);

/* Each workload file: its benchmarks for one competitor (claims: for the
 * competitors its claims name). */
void ct__pool_busy_register(const ct_bench_config *cfg, const ct_pool_ops *ops);
void ct__pool_sleep_register(const ct_bench_config *cfg, const ct_pool_ops *ops);
void ct__pool_burst_register(const ct_bench_config *cfg, const ct_pool_ops *ops);
void ct__pool_many_register(const ct_bench_config *cfg, const ct_pool_ops *ops);
void ct__pool_shutdown_register(const ct_bench_config *cfg, const ct_pool_ops *ops);
void ct__pool_claims_register(const ct_bench_config *cfg);

#endif /* CT_POOL_COMMON_H */
