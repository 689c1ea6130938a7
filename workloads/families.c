/* families.c: the registry of families that contend_bench runs. */
#include "ct_bench.h"
#include "workloads.h"

void ct_workload_harness_register(const ct_bench_config *cfg)
{
    (void)cfg;
    ct_bench_register_overhead();
}

const ct_family ct_families[] = {
    {"counter", "mutex vs atomic vs sharded counters: increment workload",
     ct_workload_counter_register},
    {"stack", "locked vs lock-free stacks (ABA-safe, safe reclamation) and ck_stack",
     ct_workload_stack_register},
    {"chan", "Go's channels in C: go_like, go_spin, go_yield, mutex_cond, ring_futex, spin_park, ring_yield, spsc_ring (and Go)",
     ct_workload_chan_register},
    {"pool", "worker pools: fixed, dynamic, work-stealing, thread per task (bounded or not)",
     ct_workload_pool_register},
    {"harness", "the C API's own cost: an empty loop through ct_bench.h vs native C++",
     ct_workload_harness_register},
    {0, 0, 0},
};
