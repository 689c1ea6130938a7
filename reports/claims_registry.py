"""claims_registry: every numeric claim of the seeds (and the claims the family sections
check), each once: where the seeds make it (/work/shared/seeds/INDEX.md's numbering: N1..N16,
items by number), its words quoting the figure, the workloads that test it, the rule that
turns this run's figures into a verdict, and the rule's text. The report draws one table of
all of them after the answer (the seeds' claims, checked); each family section draws its own
rows; summary.json holds the same rows under "claims" and families.<family>.claims.

Seeds: S0 000 (Lesson 04), S1 001, S2 002 (a clinical-systems article), S3 003 (并发模式实战深度
指南), S4 004 (Go 1.25.3 并发编程完整实战).
"""

from reports import claims_rules as rules
from reports.claims import Claim, REACH, evaluate
from reports.sections import go, map as map_section, pool, rwlock, sem

R = f"{REACH:g}"

REGISTRY = (
    Claim("goroutine-2kb", "N1: S0, S2", "S0 概念解释 1. Goroutine（协程）; S2 第一章 Goroutine：并发执行的最小单元",
          "a goroutine starts with a 2 KB stack (so threads cost more)", "2 KiB", "go",
          ("go/park/{go,fcontext,pthread}/*",),
          "100 000 goroutines or coroutines (1 000 threads) parked at once: resident memory "
          "per waiter (bytes_per_waiter)", go.memory_claim,
          "a goroutine's resident bytes in [2, 6) KiB is consistent with a 2 KiB stack; our "
          "coroutine's target is at most 8 KiB"),
    Claim("mutex-atomic", "N2: S4", "§9 基准测试",
          "BenchmarkMutex-8 150 ns/op against BenchmarkAtomic-8 12 ns/op: a mutex costs 12.5x "
          "an atomic add", "150 vs 12 ns (12.5x)", "counter",
          ("counter/incr/{mutex,atomic}/work:0/reads:0/*/threads:1",),
          "a counter behind a mutex against an atomic add, 1 thread, no work, no reads",
          rwlock.claim_mutex_atomic,
          f"mutex / atomic ns per operation within {R}..1/{R} x 12.5"),
    Claim("pool-cost", "N3: S4", "§9 基准测试",
          "BenchmarkWorkerPool-8: a worker pool costs 250 ns per submitted task (32 B, 1 alloc)",
          "250 ns", "pool", ("pool/busy/*/cost_ns:0/workers:*/*/threads:2",),
          "empty tasks, 2 submitters, as many workers as cores (saturated); the best C pool "
          "and go_pool",
          pool.claim_cost, f"the best C pool's ns per task within {R}..1/{R} x 250 ns"),
    Claim("pipeline-2.7x", "N4: S3", "Pipeline性能分析 / Benchmark测试",
          "a square-and-filter pipeline takes 450 ns/op against 1200 sequentially: 2.7x faster",
          "1200 -> 450 ns/op (2.7x)", "chan",
          ("chan/pipework/*/work_ns:0/slow:0/*", "chan/pipework/sequential/work_ns:0/slow:0/*"),
          "stages with no work (the seed's square and filter), the best design at any stage "
          "count, against every stage run in one thread",
          rules.rule_pipeline_27,
          f"sequential / best pipeline ns per item reaches {R} x 2.7 (partly: {R} x the cores, "
          "when they cap it)"),
    Claim("pipeline-stages", "N5: S3", "性能提升预期",
          "a pipeline is 2-4x faster, depending on its number of stages", "2-4x", "chan",
          ("chan/pipework/*/work_ns:<most>/slow:0/*/threads:<stages>",
           "chan/pipework/sequential/work_ns:<most>/slow:0/*"),
          "balanced stages busy the most work_ns measured, at each stage count, against the "
          "sequential run", rules.rule_pipeline_stages,
          f"each stage count k reaches {R} x min(k, cores) over the sequential run; 4x needs 4 "
          "cores"),
    Claim("pipeline-min-sum", "N6: S3", "Pipeline性能分析 / 性能分析",
          "throughput = min(stage throughputs), latency = sum(stage latencies)",
          "throughput = slowest stage; latency = sum", "chan",
          ("chan/pipework/*/work_ns:<most>/slow:1/*/threads:4",),
          "4 stages, the second busy 4x the others (slow:1): ns_per_item and lat_mean_ns",
          rules.rule_slowest_and_sum,
          f"ns per item within {R}..1/{R} x the slowest stage; mean latency within {R}..1/{R} x "
          "the sum of the stages; both: reproduced, one: partly"),
    Claim("log-4x", "N7: S3", "实战案例：日志处理Pipeline / 性能测试结果",
          "the log pipeline (read, parse, filter, batch save) handles 10 M lines in 45 s "
          "against 180 s sequentially: 4x", "4x", "chan",
          ("chan/pipework/*/work_ns:1000/slow:0/*/threads:4",
           "chan/pipework/sequential/work_ns:1000/slow:0/*"),
          "scaled down: 4 balanced stages of 1 us per item against the sequential run",
          rules.rule_log_4x,
          f"sequential / pipeline reaches {R} x 4 (partly: {R} x the cores, when they cap it)"),
    Claim("pool-dynamic", "N8: S3", "进阶：动态扩缩容Worker Pool / Benchmark对比",
          "a dynamic pool (2..16 workers) is 30% faster on average than a fixed pool of 8",
          "1.30x", "pool", ("pool/claim_dynamic/*",),
          "400 tasks asleep 10 ms from one submitter: fixed 8, dynamic 2..16 and 2..8",
          pool.claim_dynamic, f"dynamic 2..16 / fixed 8 tasks/s reaches {R} x 1.30"),
    Claim("pool-io-8x", "N9: S3", "实战案例：图片批量处理 / 分析",
          "10 000 images of 200 ms take 2000 s sequentially and 250 s on 8 workers: 8x",
          "8x", "pool", ("pool/claim_io/fixed/*/workers:8/*", "pool/claim_io/sequential/*"),
          "800 tasks asleep 2 ms on a fixed pool of 8, against 100 run one after another",
          pool.claim_io, f"sequential / pooled ns per task reaches {R} x 8"),
    Claim("images-measured", "N10: S3", "实战案例：图片批量处理 / 性能测试结果3",
          "the image run measured 4 m 12 s, 39.7 images/s, 650% CPU: 7.8x on 8 workers",
          "7.8x at 650% CPU", "pool", (), "none: no workload decodes images",
          rules.rule_images_measured, "cannot be tested: 6.5 busy cores"),
    Claim("crawler-20x", "N11: S3", "实战案例：分布式爬虫 / 性能测试",
          "a crawler of 1000 URLs at 1.8 s each on 20 workers: 1800 s -> 90 s, 20x",
          "20x", "pool", ("pool/sleep/*/cost_ns:1000000/workers:*/*",),
          "tasks asleep 1 ms (standing for a fetch) on bounded pools of 8 and 64 workers",
          rules.rule_crawler_20x,
          f"W workers reach {R} x W tasks a second per task's 1 / cost; a count of 20 or more "
          "holding reproduces it"),
    Claim("workers-nx", "N12: S3", "性能提升预期",
          "a worker pool is N x faster with N workers (CPU-bound); fan-out/fan-in N x",
          "N x", "chan", ("chan/pipework/pool/work_ns:<most>/slow:0/*/threads:<workers>",
                          "chan/pipework/sequential/work_ns:<most>/slow:0/*"),
          "whole items busy the most work_ns measured on a pool of N workers, against the "
          "sequential run", rules.rule_workers_nx,
          f"each N reaches {R} x min(N, cores); N above the cores cannot reach N x"),
    Claim("realtime-qps", "N13: S3", "第六部分：实战案例 / 案例4：实时数据处理系统",
          "a real-time pipeline serves QPS 10 000 at a latency under 100 ms",
          "10 000/s, < 100 ms", "chan", (), "none: the claim is of a whole system",
          rules.rule_realtime, "cannot be tested: no workload stands for the whole system"),
    Claim("sem-makespan", "N14: S2, S4", "S2 使用Semaphore（信号量）进行并发控制; S4 3.1 信号量",
          "100 tasks of 50 ms, 10 at once through a semaphore, take about 0.5 s",
          "0.5 s (50 ms at our scale)", "sem",
          ("sem/makespan/*/tasks:100/limit:10/task_us:5000/*",),
          "100 threads asleep 5 ms, 10 at once (a tenth of the seeds' 50 ms)",
          sem.claim_makespan,
          f"the makespan projected to 50 ms tasks is at most 1/{R} x 0.5 s, per design"),
    Claim("buffered-faster", "N15: S0", "最佳实践 3. Channel 通信",
          "use a buffered channel to improve performance: make(chan int, 10)",
          "buffered faster", "chan", ("chan/{spsc,mpsc,mpmc}/*/cap:*/*",),
          "each design's largest capacity against cap:0, per workload and thread count",
          rules.rule_buffered,
          "every C cell faster buffered by 1.10x: reproduced; some: partly; none: not"),
    Claim("settings", "N16: S0, S1, S3, S4",
          "S1 and S3/S4 worker pools (make(chan Task, workers*2)); S4 1.2 (5 s idle timer)",
          "timeouts, a task queue of workers x 2, workers retired after 5 s idle",
          "settings", "pool", (), "none: settings, not results", rules.rule_settings,
          "cannot be tested: a setting is not a measurement"),
    Claim("rwmutex", "item 11: S2 (also S1 4.1, S4 5.1)",
          "第二章 sync.Mutex与sync.RWMutex：保护共享状态",
          "for a read-mostly cache, RWMutex is the best choice: with Mutex even concurrent reads "
          "queue", "RWMutex better when reads dominate", "rwlock",
          ("rwlock/mix/{pthread_wr,mutex,go_rwmutex,go_mutex}/*",),
          "reads 50..100%, critical section 0..1000 ns, 2..8 threads: pthread_wr "
          "(writer-preferring, as Go's RWMutex) against mutex, and Go's own",
          rwlock.claim_rwmutex, rwlock.THRESHOLD_RULE),
    Claim("syncmap", "item 47: S4 (also S1 4.1, S2, S4 5.1)", "S4 8.2",
          "sync.Map is for read-mostly maps with stable keys; map+RWMutex otherwise (S4 offers "
          "\"a lock or sync.Map\" as equals; the rule as worded is Go's sync.Map documentation)",
          "sync.Map faster read-only, map+RWMutex under updates", "map",
          ("map/mix/{syncmap,rwlock,go_syncmap,go_rwmutex}/*",),
          "updates 0..50%, 2..8 threads, the smallest key range", map_section.claim_syncmap,
          map_section.GRADE_RULE),
)


def check(families):
    """Every claim's row on this run, in the registry's order."""
    fams = {f.name: f for f in families}
    return [evaluate(c, fams) for c in REGISTRY]
