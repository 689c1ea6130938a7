/*
 * pool_workloads.c: the pool family's workloads (pool_common.c describes
 * them), registered for every pool of pool_list.h.
 */
#include "pool_common.h"

void ct_workload_pool_register(const ct_bench_config *cfg)
{
    ct__pool_claims_register(cfg);
    for (const ct_pool_ops *const *o = ct_pool_impls(); *o; o++) {
        ct__pool_busy_register(cfg, *o);
        ct__pool_sleep_register(cfg, *o);
        ct__pool_burst_register(cfg, *o);
        ct__pool_many_register(cfg, *o);
        ct__pool_shutdown_register(cfg, *o);
    }
}
