/*
 * pool_burst.c: pool/burst/<impl>/rate_per_ms:<r>/real_time/threads:1
 *
 * Open loop: one arrival process submits r tasks per ms during 2 ms "on"
 * periods separated by 8 ms "off" periods (on/off bursts, a fifth of the
 * time on), tasks of 10 us busy work; the latency is measured from each
 * task's scheduled arrival (so a submitter held up by a full pool does not
 * hide the delay: no coordinated omission). dynamic runs min 1, max 8,
 * idle timeout 2 ms: it grows in each burst and retires in each gap
 * (threads_started counts the churn).
 *
 * With CT_POOL_TRACE=<file> in the environment, a pool that records its
 * worker count (dynamic) writes it there after each burst run: "<ms since
 * the pool was made> <workers>" per line, the last run's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_common.h"

#define BURST_ON_NS 2000000u
#define BURST_OFF_NS 8000000u
#define BURST_COST_NS 10000
#define BURST_WORKERS 8
#define BURST_IDLE_TIMEOUT_NS 2000000

static bool burst_shape(ct_bench_state *st, const pool_def *d, pool_shape *out)
{
    const int64_t rate = ct_bench_arg(st, 0);

    (void)d;
    if (rate < 1 || rate > 1000000) {
        ct_bench_error(st, "bad parameter rate_per_ms:%lld", (long long)rate);
        return false;
    }
    out->cost_ns = BURST_COST_NS;
    out->workers = BURST_WORKERS;
    out->idle_timeout_ns = BURST_IDLE_TIMEOUT_NS;
    out->gap_ns = 1000000u / (uint64_t)rate;
    out->per_burst = BURST_ON_NS / out->gap_ns;
    if (!out->per_burst)
        out->per_burst = 1;
    out->period_ns = BURST_ON_NS + BURST_OFF_NS;
    return true;
}

/* The worker-count trace, for a chart of workers against time. */
static void write_trace(ct_bench_state *st, const ct_pool *p, const pool_shape *s)
{
    const char *path = getenv("CT_POOL_TRACE");
    ct_pool_sample *tr;
    size_t n;
    FILE *f;

    if (!path || !*path || !(ct_pool_impl(p)->desc.caps & CT_POOL_CAP_TRACE))
        return;
    tr = malloc(4096 * sizeof *tr);
    n = tr ? ct_pool_trace(p, tr, 4096) : 0;
    if (n > 4096)
        n = 4096;
    if (!tr || !(f = fopen(path, "w"))) {
        ct_bench_error(st, "CT_POOL_TRACE=%s: %s", path, strerror(errno));
        free(tr);
        return;
    }
    fprintf(f,
            "# pool/burst/%s: %llu tasks of %u us every %u ms on, %u ms off; "
            "min 1, max %u workers, idle timeout %u ms.\n",
            ct_pool_impl(p)->desc.name, (unsigned long long)s->per_burst, BURST_COST_NS / 1000,
            BURST_ON_NS / 1000000, BURST_OFF_NS / 1000000, BURST_WORKERS,
            BURST_IDLE_TIMEOUT_NS / 1000000);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.3f %u\n", (double)(tr[i].t_ns - tr[0].t_ns) / 1e6, tr[i].workers);
    fclose(f);
    free(tr);
}

void ct__pool_burst_register(const ct_bench_config *cfg, const ct_pool_ops *ops)
{
    static const int64_t rates_full[] = {50, 150}, rates_quick[] = {150};
    static const int one[] = {1};
    ct_bench *b = ct__pool_register(
        "burst", &(pool_def){.ops = ops, .shape = burst_shape, .after = write_trace});

    /* paced by its schedule: a run lasts as long as its arrivals do */
    ct_bench_param(b, "rate_per_ms", cfg->quick ? rates_quick : rates_full, cfg->quick ? 1 : 2);
    ct_bench_thread_counts(b, one, 1);
    ct_bench_time_budget(b, cfg->quick ? 0.25 : CT__POOL_TIME_BUDGET_S);
}
