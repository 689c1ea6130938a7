/*
 * pool_many.c: pool/many/<impl>/iterations:10000/real_time/threads:1
 *
 * 10 000 tasks asleep for 1 ms each, from one submitter, 64 workers (spawn:
 * a thread each; spawn_sem: at most 64 at once): the seeds' "a goroutine
 * per job" at scale. peak_workers is the most threads at once; peak_rss_kb
 * the process's resident set, sampled every 64 submits (the harness's own
 * memory included, the same for all). --quick keeps spawn and spawn_sem
 * only, the two it is about. The run and its verification are
 * pool_common.c's.
 */
#include <string.h>

#include "pool_common.h"

#define MANY_TASKS 10000
#define MANY_WORKERS 64
#define MANY_COST_NS 1000000

static bool many_shape(ct_bench_state *st, const pool_def *d, pool_shape *out)
{
    (void)st;
    (void)d;
    out->sleep = true;
    out->sample_rss = true;
    out->cost_ns = MANY_COST_NS;
    out->workers = MANY_WORKERS;
    return true;
}

void ct__pool_many_register(const ct_bench_config *cfg, const ct_pool_ops *ops)
{
    static const int one[] = {1};
    ct_bench *b;

    if (cfg->quick && strncmp(ops->desc.name, "spawn", 5) != 0)
        return;
    b = ct__pool_register("many", &(pool_def){.ops = ops, .shape = many_shape});
    ct_bench_thread_counts(b, one, 1);
    ct_bench_fixed_iterations(b, MANY_TASKS); /* exactly 10 000 tasks per run */
    ct_bench_time_budget(b, CT__POOL_TIME_BUDGET_S);
}
