/*
 * pool_busy.c: pool/busy/<impl>/cost_ns:<c>/workers:<w>/real_time/threads:<T>
 *
 * Tasks busy for c ns, timed on the clock as Go's peer does (0: an empty
 * task: what the pool itself costs per task). Closed loop, T submitters;
 * workers is max_workers (dynamic: min 1; spawn: unused, no bound). The run
 * and its verification are pool_common.c's.
 *
 * pool/busy/<impl>/rt:go/...: the T submitters are coroutines, for pools
 * whose tasks are coroutines (CT_CAP_COROUTINE: the `go` pool), as the
 * submitters of Go's peer are goroutines. No time budget (one batch).
 */
#include "pool_common.h"

static bool busy_shape(ct_bench_state *st, const pool_def *d, pool_shape *out)
{
    (void)d;
    out->cost_ns = ct_bench_arg(st, 0);
    out->workers = ct_bench_arg(st, 1);
    return true;
}

void ct__pool_busy_register(const ct_bench_config *cfg, const ct_pool_ops *ops)
{
    static const int64_t cost_full[] = {0, 1000, 10000, 100000}, cost_quick[] = {0, 10000};
    const int64_t workers[] = {ct_bench_ncpu()}; /* as many as cores: CPU-bound tasks */
    int submitters[CT_SWEEP_MAX]; /* 2 and 4x the cores: contended, then oversubscribed */
    const size_t ns = ct_bench_sweep_threads(submitters, 2, CT_SWEEP_QUICK);
    for (int rt = 0; rt < 2; rt++) {
        ct_bench *b;

        if (rt && !(ops->desc.caps & CT_CAP_COROUTINE))
            break;
        b = ct__pool_register_rt("busy", &(pool_def){.ops = ops, .shape = busy_shape}, rt);
        ct_bench_param(b, "cost_ns", cfg->quick ? cost_quick : cost_full, cfg->quick ? 2 : 4);
        ct_bench_param(b, "workers", workers, 1);
        ct_bench_thread_counts(b, submitters, ns);
        if (!rt)
            ct_bench_time_budget(b, cfg->quick ? 0.25 : CT__POOL_TIME_BUDGET_S);
    }
}
