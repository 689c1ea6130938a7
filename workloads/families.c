/* families.c: the families contend_bench runs: CT_FAMILY_LIST, then the harness's own. */
#include "ct_bench.h"
#include "workloads.h"

void ct_workload_harness_register(const ct_bench_config *cfg)
{
    (void)cfg;
    ct_bench_register_overhead();
}

const ct_bench_family ct_bench_families[] = {
#define CT__BENCH_ROW(fam, summary) {#fam, summary, ct_workload_##fam##_register},
    CT_FAMILY_LIST(CT__BENCH_ROW)
#undef CT__BENCH_ROW
        {"go", "coroutines on an M:N scheduler: spawn and switch (Go's goroutines as the peer)",
         ct_workload_go_register},
    {"harness", "the C API's own cost: an empty loop through ct_bench.h vs native C++",
     ct_workload_harness_register},
    {0, 0, 0},
};
