/*
 * pool_claim.c: the seeds' claims on their own workloads, scaled down
 * (reports/sections/pool.py turns them into the claims table):
 *
 *   pool/claim_dynamic/fixed/min_workers:8/workers:8/...
 *   pool/claim_dynamic/dynamic/min_workers:2/workers:{16,8}/...
 *       seed 003: a dynamic pool (2..16 workers) against a fixed one (8),
 *       on tasks asleep 10 ms: "30% faster on average"; also 2..8, the same
 *       ceiling as the fixed pool, to tell growth from a higher ceiling
 *   pool/claim_io/fixed/min_workers:8/workers:8/...
 *   pool/claim_io/sequential/...
 *       seed 003: 10 000 tasks of 200 ms on 8 workers, 250 s instead of
 *       2000 s sequentially (8x): here 800 tasks of 2 ms, against the same
 *       tasks run one after another on one thread (100 of them)
 *
 * One submitter each, a fixed task count, the run of pool_common.c.
 */
#include <errno.h>
#include <time.h>

#include "pool_common.h"

#define CLAIM_DYN_COST 10000000
#define CLAIM_DYN_TASKS 400
#define CLAIM_IO_COST 2000000
#define CLAIM_IO_TASKS 800
#define CLAIM_SEQ_TASKS 100

/* Tasks asleep d->cost_ns, min_workers and workers from the arguments. */
static bool claim_shape(ct_bench_state *st, const pool_def *d, pool_shape *out)
{
    out->sleep = true;
    out->cost_ns = d->cost_ns;
    out->min_workers = ct_bench_arg(st, 0);
    out->workers = ct_bench_arg(st, 1);
    return true;
}

/* pool/claim_io/sequential: the claim's tasks run one after another on the
 * benchmark's thread, no pool: the baseline of the speed-up. */
static void seq_thread(ct_bench_state *st)
{
    const struct timespec cost = {0, CLAIM_IO_COST};
    uint64_t n = 0;

    CT_BENCH_LOOP(st, i)
    {
        struct timespec ts = cost;

        (void)i;
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
        n++;
    }
    ct_bench_items(st, n);
}

void ct__pool_claims_register(const ct_bench_config *cfg)
{
    static const int64_t eight[] = {8}, two[] = {2}, dyn_max[] = {16, 8};
    static const int one[] = {1};
    const struct {
        const char *workload;
        const ct_pool_ops *ops;
        int64_t cost_ns;
        const int64_t *min, *max;
        size_t nmax;
        uint64_t tasks;
    } runs[] = {
        {"claim_dynamic", &ct_pool_fixed, CLAIM_DYN_COST, eight, eight, 1, CLAIM_DYN_TASKS},
        {"claim_dynamic", &ct_pool_dynamic, CLAIM_DYN_COST, two, dyn_max, 2, CLAIM_DYN_TASKS},
        {"claim_io", &ct_pool_fixed, CLAIM_IO_COST, eight, eight, 1, CLAIM_IO_TASKS},
    };
    ct_bench *b;

    (void)cfg; /* the claims are the same in --quick */
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        b = ct__pool_register(
            runs[i].workload,
            &(pool_def){.ops = runs[i].ops, .cost_ns = runs[i].cost_ns, .shape = claim_shape});
        ct_bench_param(b, "min_workers", runs[i].min, 1);
        ct_bench_param(b, "workers", runs[i].max, runs[i].nmax);
        ct_bench_thread_counts(b, one, 1);
        ct_bench_fixed_iterations(b, runs[i].tasks);
        ct_bench_time_budget(b, 10.0);
    }
    b = ct_bench_register(&(ct_bench_def){.name = "pool/claim_io/sequential", .run = seq_thread});
    if (!b)
        ct_die("pool/claim_io/sequential: out of memory registering it");
    ct_bench_thread_counts(b, one, 1);
    ct_bench_fixed_iterations(b, CLAIM_SEQ_TASKS);
}
