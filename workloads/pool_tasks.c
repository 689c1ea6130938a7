/*
 * pool_tasks.c: the pool family's task workloads, over every competitor:
 *
 *   pool/busy/<impl>/cost_ns:<c>/workers:<w>/real_time/threads:<T>
 *       tasks busy for c ns, timed on the clock as Go's peer does (0: empty)
 *   pool/sleep/<impl>/cost_ns:<c>/workers:<w>/real_time/threads:<T>
 *       tasks asleep for c ns (standing for I/O)
 *   pool/burst/<impl>/rate_per_ms:<r>/real_time/threads:1
 *       open loop: one arrival process submits r tasks per ms during 2 ms
 *       "on" periods separated by 8 ms "off" periods (on/off bursts, a
 *       fifth of the time on), tasks of 10 us busy work; the latency is
 *       measured from each task's scheduled arrival (so a submitter held up
 *       by a full pool does not hide the delay: no coordinated omission).
 *       dynamic runs min 1, max 8, idle timeout 2 ms: it grows in each
 *       burst and retires in each gap (threads_started counts the churn).
 *       With CT_POOL_TRACE=<file> in the environment, a pool that records
 *       its worker count (dynamic) writes it there after each burst run:
 *       "<ms since the pool was made> <workers>" per line, the last run's.
 *   pool/many/<impl>/iterations:10000/real_time/threads:1
 *       10 000 tasks asleep for 1 ms each, from one submitter, 64 workers
 *       (spawn: a thread each; spawn_sem: at most 64 at once): the seeds'
 *       "a goroutine per job" at scale. peak_workers is the most threads
 *       at once; peak_rss_kb the process's resident set, sampled every 64
 *       submits (the harness's own memory included, the same for all).
 *
 *   pool/claim_dynamic/..., pool/claim_io/...
 *       the seeds' claims on their own workloads, scaled down (below)
 *
 * busy and sleep are closed loops (saturated):
 * T threads submit as fast as the pool takes tasks (blocking submit); one
 * iteration is one task; each submitter's last iteration waits for the pool
 * to finish every task, so the real time is the makespan of all of them.
 * workers is max_workers (dynamic: min 1; spawn: unused, no bound) and the
 * queue holds 128 (room to batch, and a bound on the queueing delay that a
 * saturated closed loop adds to every latency figure).
 *
 * Counters: items_per_second (tasks/s); lat_p50_ns, lat_p99_ns,
 * lat_p999_ns: submit-to-start latency of every 16th task (the submitter
 * stamps it just before submit, the task stamps itself as it starts;
 * ct_hist in teardown): two clock reads per task would cost more than an
 * empty task, and Go's peer stamps none;
 * cpu_ns_per_task: process CPU time (submitters, workers, spinning, thread
 * creation) over the run, per task, so idle spinning shows; peak_workers;
 * threads_started.
 *
 * Verification after every run, outside the timed region: every submitted
 * task ran exactly once (a counter per task), none failed to submit, and
 * after shutdown the pool reports no thread and every started thread ended,
 * and no thread started by the pool is alive (ct_leakcheck). Any mismatch
 * is a ct_bench_error. spawn at 1 ms tasks and 8 submitters can start
 * thousands of threads at once: every run has a time budget.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ct_bench.h"
#include "ct_common.h"
#include "ct_hist.h"
#include "ct_leakcheck.h"
#include "ct_work.h" /* ct_now_ns */
#include "pool.h"
#include "workloads.h"

#define RING (UINT64_C(1) << 16) /* task records per submitter, reused in turn */
#define QUEUE_CAP 128
/* A run is cut at this wall time: a safety net for runs that collapse
 * (spawn starting thousands of threads). Above Google Benchmark's default
 * min_time (0.5 s), so a healthy run is never cut merely for being asked
 * to run long, which would make Google Benchmark ask for ever more. */
#define TIME_BUDGET_S 1.0

enum { W_BUSY, W_SLEEP, W_BURST, W_MANY, W_CLAIM };

typedef struct pdef {
    const ct_pool_ops *ops;
    int kind;     /* W_* */
    int64_t cost; /* W_CLAIM: ns asleep per task */
} pdef;

/* The seeds' claims, on their own workloads scaled down (report_pool.py
 * turns them into the claims table):
 *  - seed 003: a dynamic pool (2..16 workers) against a fixed one (8), on
 *    tasks asleep 10 ms: "30% faster on average"; also 2..8, the same
 *    ceiling as the fixed pool, to tell growth from a higher ceiling;
 *  - seed 003: 10 000 tasks of 200 ms on 8 workers, 250 s instead of
 *    2000 s sequentially (8x): here 800 tasks of 2 ms, against the same
 *    tasks run one after another on one thread (100 of them). */
#define CLAIM_DYN_COST 10000000
#define CLAIM_DYN_TASKS 400
#define CLAIM_IO_COST 2000000
#define CLAIM_IO_TASKS 800
#define CLAIM_SEQ_TASKS 100

/* The burst pattern of pool/burst. */
#define BURST_ON_NS 2000000u
#define BURST_OFF_NS 8000000u
#define BURST_COST_NS 10000
#define BURST_WORKERS 8
#define MANY_TASKS 10000
#define MANY_WORKERS 64
#define MANY_COST_NS 1000000

/* A task's record is one counter of its starts, reused every RING tasks of
 * its submitter, who knows how often it submitted it (from its own count):
 * a task run twice or never shows whenever the submitter looks. 4 bytes,
 * written per task by the worker only, as Go's peer marks a 4-byte slot:
 * the instrumentation stays small next to an empty task. The task finds
 * its submitter's slot from the counter's address: the counters sit in a
 * block aligned to its power-of-two size, the slot's address at its start.
 * Every SAMPLE-th record also has a latency sample. */
typedef _Atomic uint32_t ptask;
#define TASK_BLOCK (UINT64_C(1) << 19) /* >= CT_CACHELINE + RING * sizeof(ptask) */

_Static_assert(CT_CACHELINE + RING * sizeof(ptask) <= TASK_BLOCK, "TASK_BLOCK");

#define SAMPLE 16 /* submit-to-start latency of every 16th task */

typedef struct psample {
    uint64_t t_submit, t_start;
} psample;

typedef struct pslot {
    ptask *tasks CT_CACHE_ALIGNED; /* min(iterations, RING) records, in block */
    void *block;                   /* TASK_BLOCK aligned: this slot's address, then tasks */
    psample *samples;              /* one per SAMPLE records */
    struct prun *r;
    uint64_t ntasks, submitted, failed, wrong;
    uint64_t peak_rss_pages; /* W_MANY: sampled while submitting */
    ct_hist *hist; /* submit-to-start latency, this submitter's sampled tasks */
} pslot;

typedef struct prun {
    ct_pool *p;
    bool sleep, sample_rss, burst;
    uint64_t per_burst, gap_ns; /* open loop: tasks per on period, ns apart */
    uint64_t cost_ns;
    int threads;
    uint64_t cpu0, cpu1; /* thread 0 */
    pslot *slots;
    ct_leakcheck lc;
    bool lc_ok;
} prun;

/* Resident pages now (0 if /proc is not readable). */
static uint64_t rss_pages(void)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident;
}

static uint64_t cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int task_fn(void *arg)
{
    ptask *t = arg;
    pslot *s = *(pslot **)((uintptr_t)arg & ~(uintptr_t)(TASK_BLOCK - 1));
    const prun *r = s->r;
    const size_t idx = (size_t)(t - s->tasks);

    if (idx % SAMPLE == 0)
        s->samples[idx / SAMPLE].t_start = ct_now_ns();
    /* release: publishes t_start to the submitter's acquire load */
    atomic_fetch_add_explicit(t, 1, memory_order_release);
    if (r->sleep) {
        struct timespec ts = {(time_t)(r->cost_ns / 1000000000u),
                              (long)(r->cost_ns % 1000000000u)};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    } else if (r->cost_ns) {
        /* Busy on the clock, not a calibrated loop count: this host's speed
         * changes by up to 2x between phases, which would stretch a counted
         * loop (Go's peer spins on time.Now the same way). */
        const uint64_t end = ct_now_ns() + r->cost_ns;

        while (ct_now_ns() < end)
            ct_cpu_relax();
    }
    return 0;
}

static void prun_free(prun *r)
{
    if (!r)
        return;
    ct_pool_free(r->p);
    if (r->slots)
        for (int t = 0; t < r->threads; t++) {
            free(r->slots[t].block);
            ct_free_aligned(r->slots[t].samples);
            ct_free_aligned(r->slots[t].hist);
        }
    ct_free_aligned(r->slots);
    ct_free_aligned(r);
}

static void *task_setup(ct_bench_state *st)
{
    const pdef *d = ct_bench_user(st);
    const ct_pool_ops *ops = d->ops;
    const bool many = d->kind == W_MANY, burst = d->kind == W_BURST, claim = d->kind == W_CLAIM;
    const bool sleep = d->kind == W_SLEEP || many || claim;
    const int64_t rate = burst ? ct_bench_arg(st, 0) : 0;
    const int64_t cost = burst   ? BURST_COST_NS
                         : many  ? MANY_COST_NS
                         : claim ? d->cost
                                 : ct_bench_arg(st, 0);
    const int64_t workers = burst  ? BURST_WORKERS
                            : many ? MANY_WORKERS
                                   : ct_bench_arg(st, 1);
    const int64_t min_workers = claim ? ct_bench_arg(st, 0) : 1;
    const uint64_t iters = ct_bench_iterations(st);
    prun *r;

    if (cost < 0 || workers < 1 || min_workers < 0 || min_workers > workers ||
        (burst && (rate < 1 || rate > 1000000))) {
        ct_bench_error(st, "bad parameters cost_ns:%lld workers:%lld min_workers:%lld "
                           "rate_per_ms:%lld",
                       (long long)cost, (long long)workers, (long long)min_workers,
                       (long long)rate);
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r)
        goto oom;
    r->sleep = sleep;
    r->sample_rss = many;
    r->burst = burst;
    r->cost_ns = (uint64_t)cost;
    if (burst) {
        r->gap_ns = 1000000u / (uint64_t)rate;
        r->per_burst = BURST_ON_NS / r->gap_ns;
        if (!r->per_burst)
            r->per_burst = 1;
    }
    r->threads = ct_bench_threads(st);
    r->slots = ct_alloc_aligned(sizeof *r->slots * (size_t)r->threads);
    if (!r->slots)
        goto oom;
    for (int t = 0; t < r->threads; t++) { /* zeroed, so pre-faulted */
        pslot *s = &r->slots[t];

        s->r = r;
        s->ntasks = iters < RING ? (iters ? iters : 1) : RING;
        s->block = aligned_alloc(TASK_BLOCK, TASK_BLOCK);
        if (!s->block)
            goto oom;
        memset(s->block, 0, TASK_BLOCK); /* pre-faulted */
        *(pslot **)s->block = s;
        s->tasks = (ptask *)((char *)s->block + CT_CACHELINE);
        s->samples = ct_alloc_aligned(sizeof(psample) * (size_t)(s->ntasks / SAMPLE + 1));
        s->hist = ct_alloc_aligned(sizeof *s->hist);
        if (!s->samples || !s->hist)
            goto oom;
    }
    r->lc_ok = ct_leakcheck_begin(&r->lc) == 0;
    r->p = ct_pool_new(ops->name, &(ct_pool_params){.min_workers = (unsigned)min_workers,
                                                    .max_workers = (unsigned)workers,
                                                    .queue_cap = QUEUE_CAP,
                                                    .idle_timeout_ns = burst ? 2000000
                                                                             : 100000000});
    if (!r->p)
        goto oom;
    return r;
oom:
    ct_bench_error(st, "%s: setup failed (%s)", ops->name, strerror(errno));
    prun_free(r);
    return NULL;
}

/* Account for record j's last task, once it was submitted `uses` times: it
 * ran as often (else `wrong`); its latency, if it is a sample. */
static inline void settle(pslot *s, uint64_t j, uint64_t uses)
{
    /* acquire: pairs with task_fn's release increment (t_start is written) */
    uint64_t runs = atomic_load_explicit(&s->tasks[j], memory_order_acquire);

    if (CT_UNLIKELY(runs != uses)) {
        s->wrong++;
    } else if (uses && j % SAMPLE == 0) {
        const psample *ps = &s->samples[j / SAMPLE];

        ct_hist_add(s->hist, ps->t_start > ps->t_submit ? ps->t_start - ps->t_submit : 0);
    }
}

static void task_thread(ct_bench_state *st)
{
    prun *r = ct_bench_shared(st);
    const int me = ct_bench_thread_index(st);
    const uint64_t iters = ct_bench_iterations(st);
    pslot *s;
    /* n tasks submitted; the next goes in record j, reused for the lap-th
     * time (kept as counters: no division per task in the timed loop) */
    uint64_t n = 0, j = 0, lap = 0, t0;

    if (!r) {
        CT_BENCH_LOOP(st, i) { (void)i; }
        return;
    }
    s = &r->slots[me];
    if (me == 0)
        r->cpu0 = cpu_ns();
    t0 = ct_now_ns();
    CT_BENCH_LOOP(st, i) {
        ptask *t = &s->tasks[j];

        (void)i;
        if (lap) { /* reused: its last task must have run */
            /* acquire: as in settle. Not started yet (spawn with RING tasks
             * in flight): let the pool catch up. */
            if (CT_UNLIKELY(atomic_load_explicit(t, memory_order_acquire) != lap))
                ct_pool_wait(r->p);
            settle(s, j, lap);
        }
        if (r->per_burst) { /* open loop: wait for its scheduled arrival */
            uint64_t at = t0 + (n / r->per_burst) * (BURST_ON_NS + BURST_OFF_NS) +
                          (n % r->per_burst) * r->gap_ns;
            uint64_t now;

            while ((now = ct_now_ns()) < at)
                if (at - now > 200000) { /* a gap: sleep most of it */
                    struct timespec ts = {0, (long)(at - now - 100000)};
                    nanosleep(&ts, NULL);
                }
            if (j % SAMPLE == 0)
                s->samples[j / SAMPLE].t_submit = at;
        } else if (j % SAMPLE == 0) {
            s->samples[j / SAMPLE].t_submit = ct_now_ns();
        }
        if (CT_LIKELY(ct_pool_submit(r->p, task_fn, t) == 0)) {
            n++;
            if (++j == s->ntasks) {
                j = 0;
                lap++;
            }
        } else {
            s->failed++;
        }
        if (r->sample_rss && n % 64 == 0) {
            uint64_t rss = rss_pages();

            if (rss > s->peak_rss_pages)
                s->peak_rss_pages = rss;
        }
        if (n == iters) /* the last task: the makespan includes the backlog */
            ct_pool_wait(r->p);
    }
    if (n != iters) /* cut by the time budget: still count the backlog */
        ct_pool_wait(r->p);
    if (me == 0)
        r->cpu1 = cpu_ns();
    s->submitted = n;
    ct_bench_items(st, n);
}

/* The worker-count trace, for a chart of workers against time. */
static void write_trace(ct_bench_state *st, const prun *r, const ct_pool *p)
{
    const char *path = getenv("CT_POOL_TRACE");
    ct_pool_sample *tr;
    size_t n;
    FILE *f;

    if (!path || !*path || !(ct_pool_impl(p)->caps & CT_POOL_CAP_TRACE))
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
 fprintf(f, "# pool/burst/%s: %llu tasks of %u us every %u ms on, %u ms off; "
               "min 1, max %u workers, idle timeout 2 ms.\n",
            ct_pool_impl(p)->name, (unsigned long long)r->per_burst, BURST_COST_NS / 1000,
            BURST_ON_NS / 1000000, BURST_OFF_NS / 1000000, BURST_WORKERS);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%.3f %u\n", (double)(tr[i].t_ns - tr[0].t_ns) / 1e6, tr[i].workers);
    fclose(f);
    free(tr);
}

static void task_teardown(ct_bench_state *st, void *shared)
{
    prun *r = shared;
    uint64_t tasks = 0, wrong = 0, failed = 0;
    ct_pool_stats ps;
    ct_hist *h;

    if (!r)
        return;
    /* CT_BENCH_LOOP ran iterations() times unless cut: `submitted` is what
     * each thread did */
    ct_pool_wait(r->p);
    ct_pool_shutdown(r->p, CT_POOL_DRAIN);
    ct_pool_get_stats(r->p, &ps);
    if (r->burst)
        write_trace(st, r, r->p);
    h = ct_alloc_aligned(sizeof *h);
    for (int t = 0; t < r->threads; t++) {
        pslot *s = &r->slots[t];

        for (uint64_t j = 0; j < s->ntasks && s->submitted; j++)
            /* the pool is joined; record j was submitted this often */
            settle(s, j, s->submitted / s->ntasks + (j < s->submitted % s->ntasks));
        failed += s->failed;
        wrong += s->wrong;
        tasks += s->submitted;
        if (h)
            ct_hist_merge(h, s->hist);
    }
    if (failed || wrong)
        ct_bench_error(st, "%s: %llu submits failed, %llu of %llu tasks did not run exactly once",
                       ct_pool_impl(r->p)->name, (unsigned long long)failed,
                       (unsigned long long)wrong, (unsigned long long)tasks);
    if (ps.tasks_done != tasks || ps.workers != 0 || ps.threads_started != ps.threads_retired)
        ct_bench_error(st, "%s: after shutdown: %llu done of %llu, %u workers left, "
                           "%llu threads started, %llu ended",
                       ct_pool_impl(r->p)->name, (unsigned long long)ps.tasks_done,
                       (unsigned long long)tasks, ps.workers,
                       (unsigned long long)ps.threads_started,
                       (unsigned long long)ps.threads_retired);
    if (r->lc_ok && ct_leakcheck_end(&r->lc, NULL, 1000, stderr) > 0)
        ct_bench_error(st, "%s: threads of the pool left after shutdown", ct_pool_impl(r->p)->name);
    if (tasks && r->cpu1 > r->cpu0)
        ct_bench_counter(st, "cpu_ns_per_task", (double)(r->cpu1 - r->cpu0) / (double)tasks,
                         CT_COUNTER_TOTAL);
    ct_bench_counter(st, "peak_workers", ps.workers_peak, CT_COUNTER_TOTAL);
    ct_bench_counter(st, "threads_started", (double)ps.threads_started, CT_COUNTER_TOTAL);
    if (r->sample_rss)
        ct_bench_counter(st, "peak_rss_kb",
                         (double)r->slots[0].peak_rss_pages * (double)sysconf(_SC_PAGESIZE) / 1024,
                         CT_COUNTER_TOTAL);
    if (h && h->count) {
        ct_bench_counter(st, "lat_p50_ns", (double)ct_hist_quantile(h, 0.50), CT_COUNTER_TOTAL);
        ct_bench_counter(st, "lat_p99_ns", (double)ct_hist_quantile(h, 0.99), CT_COUNTER_TOTAL);
        ct_bench_counter(st, "lat_p999_ns", (double)ct_hist_quantile(h, 0.999),
                         CT_COUNTER_TOTAL);
    }
    ct_free_aligned(h);
    prun_free(r);
}

/* pool/claim_io/sequential: the claim's tasks run one after another on the
 * benchmark's thread, no pool: the baseline of the speed-up. */
static void seq_thread(ct_bench_state *st)
{
    const struct timespec cost = {0, CLAIM_IO_COST};
    uint64_t n = 0;

    CT_BENCH_LOOP(st, i) {
        struct timespec ts = cost;

        (void)i;
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
        n++;
    }
    ct_bench_items(st, n);
}

/* A pool workload: every thread runs task_thread on the pool that
 * task_setup makes for the run (one pdef per workload and design). */
static ct_bench *register_tasks(const char *name, const pdef *d)
{
    return ct_bench_register(&(ct_bench_def){.name = name, .run = task_thread,
                                              .setup = task_setup,
                                              .teardown = task_teardown,
                                              .user = (void *)d});
}

static void register_claims(void)
{
    static const pdef fixed_dyn = {&ct_pool_fixed, W_CLAIM, CLAIM_DYN_COST},
                      dynamic_dyn = {&ct_pool_dynamic, W_CLAIM, CLAIM_DYN_COST},
                      fixed_io = {&ct_pool_fixed, W_CLAIM, CLAIM_IO_COST};
    static const int64_t eight[] = {8}, two[] = {2}, dyn_max[] = {16, 8};
    static const int one[] = {1};
    static const struct {
        const char *name;
        const pdef *d;
        const int64_t *min, *max;
        size_t nmax;
        uint64_t tasks;
    } runs[] = {
        {"pool/claim_dynamic/fixed", &fixed_dyn, eight, eight, 1, CLAIM_DYN_TASKS},
        {"pool/claim_dynamic/dynamic", &dynamic_dyn, two, dyn_max, 2, CLAIM_DYN_TASKS},
        {"pool/claim_io/fixed", &fixed_io, eight, eight, 1, CLAIM_IO_TASKS},
    };
    ct_bench *b;

    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        b = register_tasks(runs[i].name, runs[i].d);
        ct_bench_param(b, "min_workers", runs[i].min, 1);
        ct_bench_param(b, "workers", runs[i].max, runs[i].nmax);
        ct_bench_thread_counts(b, one, 1);
        ct_bench_fixed_iterations(b, runs[i].tasks);
        ct_bench_time_budget(b, 10.0);
    }
    b = ct_bench_register(&(ct_bench_def){.name = "pool/claim_io/sequential", .run = seq_thread});
    ct_bench_thread_counts(b, one, 1);
    ct_bench_fixed_iterations(b, CLAIM_SEQ_TASKS);
}

void ct_workload_pool_register(const ct_bench_config *cfg)
{
    static const int64_t busy_full[] = {0, 1000, 10000, 100000}, busy_quick[] = {0, 10000};
    static const int64_t sleep_cost[] = {1000000};
    static const int64_t w_busy[] = {2}, w_sleep_full[] = {8, 64}, w_sleep_quick[] = {8};
    static const int submitters[] = {2, 8};

    static const int64_t rates_full[] = {50, 150}, rates_quick[] = {150};
    static const int one[] = {1};
    static pdef defs[4 * 16]; /* the registrations outlive this call */
    size_t nd = 0;

    register_claims();
    for (const ct_pool_ops *const *o = ct_pool_impls(); *o && nd + 4 <= 64; o++) {
        pdef *busy = &defs[nd++], *slp = &defs[nd++], *bur = &defs[nd++], *many = &defs[nd++];
        char name[96];
        ct_bench *b;

        *busy = (pdef){*o, W_BUSY, 0};
        *slp = (pdef){*o, W_SLEEP, 0};
        *bur = (pdef){*o, W_BURST, 0};
        *many = (pdef){*o, W_MANY, 0};
        snprintf(name, sizeof name, "pool/busy/%s", (*o)->name);
        b = register_tasks(name, busy);
        ct_bench_param(b, "cost_ns", cfg->quick ? busy_quick : busy_full, cfg->quick ? 2 : 4);
        ct_bench_param(b, "workers", w_busy, 1);
        ct_bench_thread_counts(b, submitters, 2);
        ct_bench_time_budget(b, cfg->quick ? 0.25 : TIME_BUDGET_S);

        snprintf(name, sizeof name, "pool/sleep/%s", (*o)->name);
        b = register_tasks(name, slp);
        ct_bench_param(b, "cost_ns", sleep_cost, 1);
        ct_bench_param(b, "workers", cfg->quick ? w_sleep_quick : w_sleep_full,
                       cfg->quick ? 1 : 2);
        ct_bench_thread_counts(b, submitters, 2);
        ct_bench_time_budget(b, cfg->quick ? 0.25 : TIME_BUDGET_S);

        /* paced by its schedule: a run lasts as long as its arrivals do */
        snprintf(name, sizeof name, "pool/burst/%s", (*o)->name);
        b = register_tasks(name, bur);
        ct_bench_param(b, "rate_per_ms", cfg->quick ? rates_quick : rates_full,
                       cfg->quick ? 1 : 2);
        ct_bench_thread_counts(b, one, 1);
        ct_bench_time_budget(b, cfg->quick ? 0.25 : TIME_BUDGET_S);

        /* exactly 10 000 tasks per run; --quick keeps the two it is about */
        if (cfg->quick && strncmp((*o)->name, "spawn", 5) != 0)
            continue;
        snprintf(name, sizeof name, "pool/many/%s", (*o)->name);
        b = register_tasks(name, many);
        ct_bench_thread_counts(b, one, 1);
        ct_bench_fixed_iterations(b, MANY_TASKS);
        ct_bench_time_budget(b, TIME_BUDGET_S);
    }
}
