/*
 * pool_common.c: the task run every pool workload uses, over every
 * competitor (pool_workloads.c registers them). The workloads, one file each:
 *
 *   pool_busy.c    pool/busy/<impl>/cost_ns:<c>/workers:<w>/real_time/threads:<T>
 *   pool_sleep.c   pool/sleep/<impl>/cost_ns:<c>/workers:<w>/real_time/threads:<T>
 *   pool_burst.c   pool/burst/<impl>/rate_per_ms:<r>/real_time/threads:1
 *   pool_many.c    pool/many/<impl>/iterations:10000/real_time/threads:1
 *   pool_claim.c   pool/claim_dynamic/..., pool/claim_io/...
 *
 * The run is a closed loop (saturated) unless the workload makes it an open
 * one (burst): T threads submit as fast as the pool takes tasks (blocking
 * submit); one iteration is one task; each submitter's last iteration waits
 * for the pool to finish every task, so the real time is the makespan of
 * all of them. The queue holds 128 (room to batch, and a bound on the
 * queueing delay that a saturated closed loop adds to every latency figure).
 *
 * Counters: items_per_second (tasks/s); lat_p50_ns, lat_p99_ns,
 * lat_p999_ns: submit-to-start latency of every 16th task (the submitter
 * stamps it just before submit, the task stamps itself as it starts;
 * ct_hist in teardown): two clock reads per task would cost more than an
 * empty task, and Go's peer stamps none;
 * cpu_ns_per_task: process CPU time (submitters, workers, spinning, thread
 * creation) over the run, per task, so idle spinning shows; peak_workers;
 * threads_started; peak_rss_kb where the workload samples it.
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

#include "ct_common.h"
#include "ct_env.h"
#include "ct_futex.h"
#include "ct_hist.h"
#include "ct_leakcheck.h"
#include "go_drive.h"
#include "pool_common.h"

#define RING (UINT64_C(1) << 16) /* task records per submitter, reused in turn */
#define QUEUE_CAP 128

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
    int64_t t_submit, t_start; /* ct_now_ns() */
} psample;

typedef struct pslot {
    ptask *tasks CT_CACHE_ALIGNED; /* min(iterations, RING) records, in block */
    void *block;                   /* TASK_BLOCK aligned: this slot's address, then tasks */
    psample *samples;              /* one per SAMPLE records */
    struct prun *r;
    uint64_t ntasks, submitted, failed, wrong;
    long peak_rss_bytes; /* sampled while submitting, if the shape asks */
    ct_hist *hist;       /* submit-to-start latency, this submitter's sampled tasks */
} pslot;

/* A submitter's loop state: n tasks submitted; the next goes in record j,
 * reused for the lap-th time (counters: no division per task); its start.
 * A local of the loop's function, so it stays in registers. */
typedef struct subst {
    uint64_t n, j, lap;
    int64_t t0;
} subst;

typedef struct prun {
    ct_pool *p;
    const pool_def *def;
    pool_shape sh; /* read-only during the run */
    int threads;
    uint64_t cpu0, cpu1; /* thread 0 */
    pslot *slots;
    ct_leakcheck lc;
    bool lc_ok;
} prun;

/* The process's CPU time (a CPU clock, not the wall clock of ct_now_ns). */
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
    if (r->sh.sleep) {
        /* parks a coroutine (the go pool's tasks), sleeps a thread otherwise */
        ct_sleep_until(ct_now_ns() + (int64_t)r->sh.cost_ns);
    } else if (r->sh.cost_ns) {
        /* Busy on the clock, not a calibrated loop count: this host's speed
         * changes between phases, which would stretch a counted loop (Go's
         * peer spins on time.Now the same way). */
        const int64_t end = ct_now_ns() + r->sh.cost_ns;

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
    const pool_def *d = ct_bench_user(st);
    const ct_pool_ops *ops = d->ops;
    const uint64_t iters = ct_bench_iterations(st);
    pool_shape sh = {.min_workers = 1, .idle_timeout_ns = 100000000};
    prun *r;

    if (!d->shape(st, d, &sh))
        return NULL;
    if (sh.cost_ns < 0 || sh.workers < 1 || sh.min_workers < 0 || sh.min_workers > sh.workers) {
        ct_bench_error(st, "bad parameters cost_ns:%lld workers:%lld min_workers:%lld",
                       (long long)sh.cost_ns, (long long)sh.workers, (long long)sh.min_workers);
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r)
        goto oom;
    r->def = d;
    r->sh = sh;
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
    r->p = ct_pool_new(ops->desc.name, &(ct_pool_params){.min_workers = (unsigned)sh.min_workers,
                                                         .max_workers = (unsigned)sh.workers,
                                                         .queue_cap = QUEUE_CAP,
                                                         .idle_timeout_ns = sh.idle_timeout_ns});
    if (!r->p)
        goto oom;
    return r;
oom:
    ct_bench_error(st, "%s: setup failed (%s)", ops->desc.name, strerror(errno));
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

        ct_hist_add(s->hist,
                    ps->t_start > ps->t_submit ? (uint64_t)(ps->t_start - ps->t_submit) : 0);
    }
}

/* One iteration of a submitter's loop: submit the next task (closed loop,
 * or at its scheduled arrival in an open one). */
__attribute__((always_inline)) static inline void submit_one(prun *r, pslot *s, subst *q,
                                                             uint64_t iters)
{
    ptask *t = &s->tasks[q->j];

    if (q->lap) { /* reused: its last task must have run */
        /* acquire: as in settle. Not started yet (spawn with RING tasks
         * in flight): let the pool catch up. */
        if (CT_UNLIKELY(atomic_load_explicit(t, memory_order_acquire) != q->lap))
            ct_pool_wait(r->p);
        settle(s, q->j, q->lap);
    }
    if (r->sh.per_burst) { /* open loop: wait for its scheduled arrival */
        const uint64_t n = q->n;
        const uint64_t since =
            (n / r->sh.per_burst) * r->sh.period_ns + (n % r->sh.per_burst) * r->sh.gap_ns;
        const int64_t at = q->t0 + (int64_t)since;
        int64_t now;

        while ((now = ct_now_ns()) < at)
            if (at - now > 200000) { /* a gap: sleep most of it */
                struct timespec ts = {0, (long)(at - now - 100000)};
                nanosleep(&ts, NULL);
            }
        if (q->j % SAMPLE == 0)
            s->samples[q->j / SAMPLE].t_submit = at;
    } else if (q->j % SAMPLE == 0) {
        s->samples[q->j / SAMPLE].t_submit = ct_now_ns();
    }
    if (CT_LIKELY(ct_pool_submit(r->p, task_fn, t) == 0)) {
        q->n++;
        if (++q->j == s->ntasks) {
            q->j = 0;
            q->lap++;
        }
    } else {
        s->failed++;
    }
    if (r->sh.sample_rss && q->n % 64 == 0) {
        long rss = ct_env_resident_bytes();

        if (rss > s->peak_rss_bytes)
            s->peak_rss_bytes = rss;
    }
    if (q->n == iters) /* the last task: the makespan includes the backlog */
        ct_pool_wait(r->p);
}

static void task_thread(ct_bench_state *st)
{
    prun *r = ct_bench_shared(st);
    const int me = ct_bench_thread_index(st);
    const uint64_t iters = ct_bench_iterations(st);
    subst q = {0};
    pslot *s;

    if (!r) {
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
        }
        return;
    }
    s = &r->slots[me];
    if (me == 0)
        r->cpu0 = cpu_ns();
    q.t0 = ct_now_ns();
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        submit_one(r, s, &q, iters);
    }
    if (q.n != iters) /* cut by the time budget: still count the backlog */
        ct_pool_wait(r->p);
    if (me == 0)
        r->cpu1 = cpu_ns();
    s->submitted = q.n;
    ct_bench_items(st, q.n);
}

/* ---- rt:go: the submitters as coroutines ---------------------------------- */

typedef struct {
    pslot *s;
    uint64_t iters;
    ct_wg *wg;
    uint64_t todo; /* tasks to submit in this batch */
    subst q;       /* carried from batch to batch */
} gsub;

static void submitter_co(void *arg)
{
    gsub *g = arg;
    subst q = g->q;

    for (uint64_t i = 0; i < g->todo; i++)
        submit_one(g->s->r, g->s, &q, g->iters);
    g->q = q;
    ct_wg_done(g->wg);
}

/* Bench thread 0 runs every submitter's batch on a coroutine (one per
 * submitter, each its own slot), as Go's submitters are goroutines. */
static void task_go_thread(ct_bench_state *st)
{
    prun *r = ct_bench_shared(st);
    const uint64_t iters = ct_bench_iterations(st);
    ct_wg *wg = ct_wg_new();
    gsub *subs = r && wg ? calloc((size_t)r->threads, sizeof *subs) : NULL;
    bool ok = subs != NULL;
    uint64_t n, items = 0;

    if (!ct__go_driver(st, ok))
        goto out;
    r->cpu0 = cpu_ns();
    for (int k = 0; k < r->threads; k++)
        subs[k] = (gsub){&r->slots[k], iters, wg, 0, {.t0 = ct_now_ns()}};
    while ((n = ct_bench_next_batch(st)) != 0) {
        for (int k = 0; k < r->threads && ok; k++) {
            subs[k].todo = n;
            ok = ct__go_counted(st, wg, submitter_co, &subs[k], "a submitter");
        }
        ct_wg_wait(wg); /* each submitter's last task waited for the pool (submit_one) */
    }
    r->cpu1 = cpu_ns();
    for (int k = 0; k < r->threads; k++) {
        r->slots[k].submitted = subs[k].q.n;
        items += subs[k].q.n;
    }
    ct_bench_items(st, items);
out:
    free(subs);
    ct_wg_free(wg);
}

static void task_teardown(ct_bench_state *st, void *shared)
{
    prun *r = shared;
    const char *name;
    uint64_t tasks = 0, wrong = 0, failed = 0;
    ct_pool_stats ps;
    ct_hist *h;

    if (!r)
        return;
    name = ct_pool_impl(r->p)->desc.name;
    /* CT_BENCH_LOOP ran iterations() times unless cut: `submitted` is what
     * each thread did */
    ct_pool_wait(r->p);
    ct_pool_shutdown(r->p, CT_POOL_DRAIN);
    ct_pool_get_stats(r->p, &ps);
    if (r->def->after)
        r->def->after(st, r->p, &r->sh);
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
                       name, (unsigned long long)failed, (unsigned long long)wrong,
                       (unsigned long long)tasks);
    if (ps.tasks_done != tasks || ps.workers != 0 || ps.threads_started != ps.threads_retired)
        ct_bench_error(st,
                       "%s: after shutdown: %llu done of %llu, %u workers left, "
                       "%llu threads started, %llu ended",
                       name, (unsigned long long)ps.tasks_done, (unsigned long long)tasks,
                       ps.workers, (unsigned long long)ps.threads_started,
                       (unsigned long long)ps.threads_retired);
    /* the coroutine scheduler's workers are the runtime's (shared), not a pool's */
    if (r->lc_ok &&
        ct_leakcheck_end(&r->lc, (const char *const[]){"ct-go-", NULL}, 1000, stderr) > 0)
        ct_bench_error(st, "%s: threads of the pool left after shutdown", name);
    if (tasks && r->cpu1 > r->cpu0)
        ct_bench_counter(st, "cpu_ns_per_task", (double)(r->cpu1 - r->cpu0) / (double)tasks,
                         CT_COUNTER_TOTAL);
    ct_bench_counter(st, "peak_workers", ps.workers_peak, CT_COUNTER_TOTAL);
    ct_bench_counter(st, "threads_started", (double)ps.threads_started, CT_COUNTER_TOTAL);
    if (r->sh.sample_rss)
        ct_bench_counter(st, "peak_rss_kb", (double)r->slots[0].peak_rss_bytes / 1024,
                         CT_COUNTER_TOTAL);
    if (h && h->count) {
        ct_bench_counter(st, "lat_p50_ns", (double)ct_hist_quantile(h, 0.50), CT_COUNTER_TOTAL);
        ct_bench_counter(st, "lat_p99_ns", (double)ct_hist_quantile(h, 0.99), CT_COUNTER_TOTAL);
        ct_bench_counter(st, "lat_p999_ns", (double)ct_hist_quantile(h, 0.999), CT_COUNTER_TOTAL);
    }
    ct_free_aligned(h);
    prun_free(r);
}

ct_bench *ct__pool_register(const char *workload, const pool_def *d)
{
    return ct__pool_register_rt(workload, d, false);
}

ct_bench *ct__pool_register_rt(const char *workload, const pool_def *d, bool on_coroutines)
{
    pool_def *own = malloc(sizeof *own); /* the registration keeps it */
    char *name = NULL;
    ct_bench *b = NULL;

    if (own && asprintf(&name, "pool/%s/%s%s", workload, d->ops->desc.name,
                        on_coroutines ? "/rt:go" : "") >= 0) {
        *own = *d;
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = on_coroutines ? task_go_thread : task_thread,
                                              .setup = task_setup,
                                              .teardown = task_teardown,
                                              .user = own});
    }
    if (!b)
        ct_die("pool/%s/%s: out of memory registering it", workload, d->ops->desc.name);
    free(name); /* copied by ct_bench_register */
    return b;
}
