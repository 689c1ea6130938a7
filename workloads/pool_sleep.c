/*
 * pool_sleep.c: pool/sleep/<impl>/cost_ns:<c>/workers:<w>/real_time/threads:<T>
 *
 * Tasks asleep for c ns (standing for I/O): the pool's threads wait, not
 * work, so more workers than cores pay. Closed loop, T submitters; workers
 * is max_workers (dynamic: min 1; spawn: unused, no bound). The run and
 * its verification are pool_common.c's.
 */
#include "pool_common.h"

static bool sleep_shape(ct_bench_state *st, const pool_def *d, pool_shape *out)
{
    (void)d;
    out->sleep = true;
    out->cost_ns = ct_bench_arg(st, 0);
    out->workers = ct_bench_arg(st, 1);
    return true;
}

void ct__pool_sleep_register(const ct_bench_config *cfg, const ct_pool_ops *ops)
{
    static const int64_t cost[] = {1000000};
    static const int64_t workers_full[] = {8, 64}, workers_quick[] = {8};
    int submitters[CT_SWEEP_MAX]; /* 2 and 4x the cores: contended, then oversubscribed */
    const size_t ns = ct_bench_sweep_threads(submitters, 2, CT_SWEEP_QUICK);
    ct_bench *b = ct__pool_register("sleep", &(pool_def){.ops = ops, .shape = sleep_shape});

    ct_bench_param(b, "cost_ns", cost, 1);
    ct_bench_param(b, "workers", cfg->quick ? workers_quick : workers_full, cfg->quick ? 1 : 2);
    ct_bench_thread_counts(b, submitters, ns);
    ct_bench_time_budget(b, cfg->quick ? 0.25 : CT__POOL_TIME_BUDGET_S);
}
