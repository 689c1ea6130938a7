/*
 * overhead.c: what the C API costs. harness/empty/c_api runs an empty loop
 * through ct_bench.h; harness/empty/native (in bench_shim.cc) runs the same
 * loop written in C++ against Google Benchmark directly. Both bodies are one
 * compiler barrier, so neither loop can be optimized away and neither does
 * more than the other. Run them in one process, interleaved:
 *     contend_bench --family=harness --benchmark_repetitions=10
 */
#include "ct_bench.h"
#include "ct_common.h"

void ct_bench_register_native_empty(void); /* bench_shim.cc */

static void empty_c_api(ct_bench_state *st)
{
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        ct_compiler_barrier();
    }
    ct_bench_items(st, ct_bench_iterations(st));
}

void ct_bench_register_overhead(void)
{
    ct_bench_register(&(ct_bench_def){.name = "harness/empty/c_api", .run = empty_c_api});
    ct_bench_register_native_empty();
}
