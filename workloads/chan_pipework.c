/*
 * chan_pipework.c: a pipeline whose stages do real work, the seeds' claims
 * "throughput = the slowest stage, latency = the sum of the stages" and
 * "a pool instead of a pipeline", over K stages of calibrated CPU work.
 *
 *   chan/pipework/<impl>/work_ns:<w>/slow:<s>/cap:64/real_time/threads:<K>
 *   chan/pipework/<impl>/rt:go/work_ns:<w>/slow:<s>/cap:64/real_time/threads:<K>
 *   chan/pipework/sequential/work_ns:<w>/slow:<s>/stages:<K>/real_time/threads:1
 *   chan/pipework/pool/work_ns:<w>/slow:<s>/stages:<K>/real_time/threads:1
 *
 * An item is {seq, acc, t_gen}. Stage k (0..K-1) spins work_ns of
 * calibrated work (ct_work.h), work_ns x 4 for stage 1 when slow:1 (one
 * slow stage), then folds a known function of (k, seq) into acc. Stage 0
 * is thread 0: it generates the item (stamping t_gen) and does its work in
 * its benchmark loop, one item per iteration; stages 1..K-1 are threads
 * (or, rt:go, coroutines: go_drive.h, as chan_pipeline.c's rt:go) joined by
 * channels of cap 64; the last stage is the sink: it records the item's
 * latency, generation to sink, in a histogram (ct_hist.h).
 *
 * Baselines, registered once: sequential does every stage's work on each
 * item in one thread; pool submits each item to a `fixed` pool of 2
 * workers (pool.h) whose task does every stage's work on it (whole items
 * in parallel instead of stages).
 *
 * Counters: ns_per_item (wall time from the first generated item to the
 * last one sunk, per item: throughput), lat_mean_ns and lat_p99_ns.
 *
 * Verified outside the timed region: the sink got exactly the items
 * generated, each once and in order (one path of FIFO channels: position
 * j must carry seq j, which is exact for loss, duplication and reordering;
 * the pool, which has no order, sets one bit per item and checks no bit
 * twice and none missing), and each item's acc equals the fold of every
 * stage's function: a stage skipped or run twice shows.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "ct_bench.h"
#include "ct_hist.h"
#include "ct_work.h"
#include "go_drive.h"
#include "pool.h"
#include "chan_workloads.h"

enum { PW_MAX_STAGES = 8, PW_CAP = 64, PW_SLOW_FACTOR = 4, PW_POOL_WORKERS = 2 };

typedef struct pw_item {
    uint64_t seq, acc, t_gen;
} pw_item;

/* Stage k's contribution: a known function of (k, seq) folded into acc. */
static inline uint64_t pw_fold(uint64_t acc, int k, uint64_t seq)
{
    return acc * 0x9E3779B97F4A7C15ull + (seq ^ ((uint64_t)k << 56)) + 1;
}

static uint64_t pw_expected(int stages, uint64_t seq)
{
    uint64_t acc = 0;

    for (int k = 0; k < stages; k++)
        acc = pw_fold(acc, k, seq);
    return acc;
}

/* The work knobs of a run: loops per stage. */
typedef struct pw_work {
    int stages;
    uint64_t loops[PW_MAX_STAGES];
} pw_work;

static bool pw_work_init(ct_bench_state *st, pw_work *w, int stages, int64_t work_ns, int64_t slow)
{
    if (stages < 2 || stages > PW_MAX_STAGES || work_ns < 0 || (slow != 0 && slow != 1)) {
        ct_bench_error(st, "pipework: %d stages (2..%d), work_ns %lld, slow %lld (0 or 1)", stages,
                       PW_MAX_STAGES, (long long)work_ns, (long long)slow);
        return false;
    }
    w->stages = stages;
    for (int k = 0; k < stages; k++)
        w->loops[k] = ct_work_loops((uint64_t)work_ns * (slow && k == 1 ? PW_SLOW_FACTOR : 1));
    return true;
}

static inline void pw_stage_work(const pw_work *w, int k, pw_item *it)
{
    ct_work_spin(w->loops[k]);
    it->acc = pw_fold(it->acc, k, it->seq);
}

/* The sink's figures: its own, read after the run. */
typedef struct pw_sink {
    uint64_t got;          /* items sunk */
    bool bad;              /* the first item that was not the one expected: */
    uint64_t at, seq, acc; /* its position, its seq and acc */
    uint64_t t_last;       /* when the last item was sunk */
    uint64_t lat_sum;      /* exact, for the mean (the histogram's is bucketed) */
    ct_hist lat;           /* generation to sink, ns */
} pw_sink;

static inline void pw_sink_take(pw_sink *s, int stages, const pw_item *it)
{
    uint64_t now = ct_now_ns();

    if (CT_UNLIKELY(it->seq != s->got || it->acc != pw_expected(stages, it->seq)) && !s->bad) {
        s->bad = true;
        s->at = s->got;
        s->seq = it->seq;
        s->acc = it->acc;
    }
    s->got++;
    uint64_t lat = now > it->t_gen ? now - it->t_gen : 0;
    ct_hist_add(&s->lat, lat);
    s->lat_sum += lat;
    s->t_last = now;
}

/* The sink's verdict (lost, duplicated or out of order, as chan_pipeline.c
 * names them), then ns_per_item, lat_mean_ns, lat_p99_ns. */
static void pw_report(ct_bench_state *st, const char *what, const pw_sink *s, uint64_t generated,
                      uint64_t t0, int stages)
{
    const char *how = s->got < generated   ? "lost"
                      : s->got > generated ? "duplicated"
                      : s->seq != s->at    ? "out of order"
                                           : "a stage's work skipped or repeated";

    if (s->bad)
        ct_bench_error(st,
                       "%s: %llu items generated, %llu reached the sink (%s); the first out of "
                       "sequence: #%llu was seq %llu acc %#llx, expected seq %llu acc %#llx",
                       what, (unsigned long long)generated, (unsigned long long)s->got, how,
                       (unsigned long long)s->at, (unsigned long long)s->seq,
                       (unsigned long long)s->acc, (unsigned long long)s->at,
                       (unsigned long long)pw_expected(stages, s->at));
    else if (s->got != generated)
        ct_bench_error(st, "%s: %llu items generated, %llu reached the sink (%s)", what,
                       (unsigned long long)generated, (unsigned long long)s->got, how);
    if (!s->got)
        return;
    if (s->t_last > t0)
        ct_bench_counter(st, "ns_per_item", (double)(s->t_last - t0) / (double)s->got,
                         CT_COUNTER_TOTAL);
    ct_bench_counter(st, "lat_mean_ns", (double)s->lat_sum / (double)s->got, CT_COUNTER_TOTAL);
    ct_bench_counter(st, "lat_p99_ns", (double)ct_hist_quantile(&s->lat, 0.99), CT_COUNTER_TOTAL);
}

/* ---- the pipeline: a thread (or coroutine) per stage ---------------------- */

typedef struct pw_check {
    uint64_t send_errs; /* this stage's failed sends */
    int first_err;
} CT_CACHE_ALIGNED pw_check;

typedef struct pw_run {
    pw_work w;
    ct_chan *c[PW_MAX_STAGES - 1]; /* c[k]: stage k -> stage k + 1 */
    uint64_t generated, t0;        /* thread 0's (or the generator coroutine's) */
    pw_check check[PW_MAX_STAGES]; /* [k]: stage k's, 0 the generator's */
    pw_sink sink CT_CACHE_ALIGNED;
    ct__chan_guard guard;
    /* rt:go */
    ct_wg *stages_wg, *gen_wg;
    uint64_t gen_n; /* items the generator coroutine makes next */
} pw_run;

static void pw_free(pw_run *r)
{
    if (!r)
        return;
    for (int k = 0; k < r->w.stages - 1; k++)
        if (r->c[k])
            ct_chan_free(r->c[k]);
    ct_wg_free(r->stages_wg);
    ct_wg_free(r->gen_wg);
    ct_free_aligned(r);
}

static void *pw_setup(ct_bench_state *st)
{
    const char *impl = ct_bench_user(st);
    pw_run *r = ct_alloc_aligned(sizeof *r);

    if (!r) {
        ct_bench_error(st, "out of memory");
        return NULL;
    }
    if (!pw_work_init(st, &r->w, ct_bench_threads(st), ct_bench_arg(st, 0), ct_bench_arg(st, 1))) {
        ct_free_aligned(r);
        return NULL;
    }
    ct_hist_reset(&r->sink.lat);
    for (int k = 0; k < r->w.stages - 1; k++)
        if (!(r->c[k] = ct_chan_new(impl, sizeof(pw_item), (size_t)ct_bench_arg(st, 2)))) {
            ct_bench_error(st, "ct_chan_new(%s, cap %lld): %s", impl,
                           (long long)ct_bench_arg(st, 2), strerror(errno));
            pw_free(r);
            return NULL;
        }
    if (!ct__chan_guard_start(st, &r->guard, r->c, (size_t)r->w.stages - 1)) {
        pw_free(r);
        return NULL;
    }
    return r;
}

/* Stage 0's step for one item: generate, work, send; false once a send fails. */
static bool pw_generate(pw_run *r)
{
    pw_item it = {.seq = r->generated, .t_gen = ct_now_ns()};
    int rc;

    pw_stage_work(&r->w, 0, &it);
    if (CT_UNLIKELY((rc = ct_chan_send(r->c[0], &it)) != CT_OK)) {
        if (!r->check[0].send_errs++)
            r->check[0].first_err = rc;
        return false;
    }
    r->generated++;
    return true;
}

/* Stages 1..K-1: receive until closed, work, pass on (or sink), close. */
static void pw_stage(pw_run *r, int k)
{
    const int last = r->w.stages - 1;
    pw_check *me = &r->check[k];
    pw_item it;
    int rc;

    while (ct_chan_recv(r->c[k - 1], &it) == CT_OK) {
        pw_stage_work(&r->w, k, &it);
        if (k == last)
            pw_sink_take(&r->sink, r->w.stages, &it);
        else if (CT_UNLIKELY((rc = ct_chan_send(r->c[k], &it)) != CT_OK) && !me->send_errs++)
            me->first_err = rc;
    }
    if (k < last)
        ct_chan_close(r->c[k]);
}

static void pw_thread(ct_bench_state *st)
{
    pw_run *r = ct_bench_shared(st);
    int k = ct_bench_thread_index(st);
    bool done = r == NULL;

    ct__chan_guard_watch(true);
    if (k == 0 && r)
        r->t0 = ct_now_ns();
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        if (done)
            continue;
        if (k == 0)
            done = !pw_generate(r);
        else {
            done = true;
            pw_stage(r, k);
        }
    }
    if (k == 0 && r)
        ct_bench_items(st, r->generated);
}

static void pw_done(ct_bench_state *st, void *shared)
{
    pw_run *r = shared;

    ct__chan_chain_done(st, r ? r->c[0] : NULL);
}

static void pw_stage_k(void *run, int k)
{
    pw_stage(run, k);
}

static void pw_generator_co(void *arg)
{
    pw_run *r = arg;

    for (uint64_t i = 0; i < r->gen_n && pw_generate(r); i++)
        ;
    ct_wg_done(r->gen_wg);
}

static void pw_go_thread(ct_bench_state *st)
{
    pw_run *r = ct_bench_shared(st);

    if (ct__go_drive_chain(st, &(ct__go_chain){.stages = r ? r->w.stages : 0,
                                               .stages_wg = r ? r->stages_wg : NULL,
                                               .gen_wg = r ? r->gen_wg : NULL,
                                               .stage = pw_stage_k,
                                               .generate = pw_generator_co,
                                               .run = r,
                                               .gen_n = r ? &r->gen_n : NULL,
                                               .t0 = r ? &r->t0 : NULL,
                                               .gen_errs = r ? &r->check[0].send_errs : NULL}))
        ct_bench_items(st, r->generated);
}

/* Thread 0, before the clock stops: close the source, wait for the drain. */
static void pw_go_done(ct_bench_state *st, void *shared)
{
    pw_run *r = shared;

    ct__go_chain_done(st, r ? r->c[0] : NULL, r ? r->stages_wg : NULL);
}

static void *pw_go_setup(ct_bench_state *st)
{
    pw_run *r = pw_setup(st);

    if (r && (!(r->stages_wg = ct_wg_new()) || !(r->gen_wg = ct_wg_new())))
        ct_bench_error(st, "out of memory");
    return r;
}

static void pw_teardown(ct_bench_state *st, void *shared)
{
    pw_run *r = shared;

    if (!r)
        return;
    ct__chan_guard_stop(st, &r->guard);
    for (int k = 0; k < r->w.stages; k++)
        if (r->check[k].send_errs)
            ct_bench_error(st, "pipework: stage %d: a send returned %s (%llu failed)", k,
                           ct_strstatus(r->check[k].first_err),
                           (unsigned long long)r->check[k].send_errs);
    pw_report(st, "pipework", &r->sink, r->generated, r->t0, r->w.stages);
    pw_free(r);
}

/* ---- the baselines -------------------------------------------------------- */

/* Every stage's work on each item, in one thread. */
static void pw_seq_thread(ct_bench_state *st)
{
    pw_work w;
    pw_sink *s = ct_alloc_aligned(sizeof *s);
    uint64_t n = 0, t0;

    if (!s) {
        ct_bench_error(st, "out of memory");
        return;
    }
    bool ok =
        pw_work_init(st, &w, (int)ct_bench_arg(st, 2), ct_bench_arg(st, 0), ct_bench_arg(st, 1));
    ct_hist_reset(&s->lat);
    t0 = ct_now_ns();
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        if (!ok)
            continue;
        pw_item it = {.seq = n++, .t_gen = ct_now_ns()};
        for (int k = 0; k < w.stages; k++)
            pw_stage_work(&w, k, &it);
        pw_sink_take(s, w.stages, &it);
    }
    if (ok)
        pw_report(st, "pipework/sequential", s, n, t0, w.stages);
    ct_bench_items(st, n);
    ct_free_aligned(s);
}

/*
 * The pool: thread 0 submits each item (a malloc'd task, as Go allocates
 * a closure), a task does every stage's work and sinks it. The sink is
 * shared by the workers: each worker's latencies go to its own histogram
 * (a slot claimed once per worker thread), and each item sets its bit in
 * a bitmap of chunks that thread 0 allocates before submitting into them
 * (the submit publishes the chunk to the task).
 */
enum { PW_CHUNK_BITS = 1 << 20, PW_CHUNKS = 1024, PW_POOL_SLOTS = 8 };

typedef struct pw_slot {
    ct_hist lat;
    uint64_t got, lat_sum, t_last, bad_acc;
    _Atomic int claimed;
} CT_CACHE_ALIGNED pw_slot;

typedef struct pw_prun {
    pw_work w;
    ct_pool *pool;
    uint64_t generated, t0, submit_errs;
    int first_submit_err;
    _Atomic uint64_t *chunk[PW_CHUNKS]; /* seq's bit: chunk[seq / PW_CHUNK_BITS] */
    _Atomic uint64_t dup;               /* items whose bit was set already */
    pw_slot slot[PW_POOL_SLOTS];
    _Atomic int slot_overflow; /* a worker found no free slot */
} pw_prun;

typedef struct pw_task {
    pw_prun *r;
    pw_item it;
} pw_task;

static _Thread_local pw_slot *pw_my_slot;
static _Thread_local const pw_prun *pw_my_run;

static pw_slot *pw_claim_slot(pw_prun *r)
{
    if (pw_my_run == r && pw_my_slot)
        return pw_my_slot;
    for (int i = 0; i < PW_POOL_SLOTS; i++) {
        int want = 0;
        /* acq_rel: pairs with nothing but the other claimers' CAS; the slot's
         * contents are read only after the pool's shutdown joins its workers */
        if (atomic_compare_exchange_strong_explicit(&r->slot[i].claimed, &want, 1,
                                                    memory_order_acq_rel, memory_order_relaxed)) {
            pw_my_run = r;
            return pw_my_slot = &r->slot[i];
        }
    }
    return NULL;
}

static int pw_task_fn(void *arg)
{
    pw_task *t = arg;
    pw_prun *r = t->r;
    pw_item it = t->it;
    pw_slot *s = pw_claim_slot(r);

    free(t);
    for (int k = 0; k < r->w.stages; k++)
        pw_stage_work(&r->w, k, &it);
    /* relaxed: the bitmap is read after the pool's shutdown joins the workers */
    uint64_t bit = 1ull << (it.seq % 64);
    uint64_t old =
        atomic_fetch_or_explicit(&r->chunk[it.seq / PW_CHUNK_BITS][(it.seq % PW_CHUNK_BITS) / 64],
                                 bit, memory_order_relaxed);
    if (old & bit)
        atomic_fetch_add_explicit(&r->dup, 1, memory_order_relaxed); /* read after the join */
    if (!s) {
        atomic_store_explicit(&r->slot_overflow, 1, memory_order_relaxed); /* likewise */
        return 0;
    }
    uint64_t now = ct_now_ns(), lat = now > it.t_gen ? now - it.t_gen : 0;
    s->bad_acc += it.acc != pw_expected(r->w.stages, it.seq);
    s->got++;
    s->lat_sum += lat;
    ct_hist_add(&s->lat, lat);
    if (now > s->t_last)
        s->t_last = now;
    return 0;
}

static void pw_pool_free(pw_prun *r)
{
    if (!r)
        return;
    if (r->pool)
        ct_pool_free(r->pool);
    for (int i = 0; i < PW_CHUNKS; i++)
        free(r->chunk[i]);
    ct_free_aligned(r);
}

static void *pw_pool_setup(ct_bench_state *st)
{
    pw_prun *r = ct_alloc_aligned(sizeof *r);

    if (!r) {
        ct_bench_error(st, "out of memory");
        return NULL;
    }
    if (!pw_work_init(st, &r->w, (int)ct_bench_arg(st, 2), ct_bench_arg(st, 0),
                      ct_bench_arg(st, 1))) {
        ct_free_aligned(r);
        return NULL;
    }
    for (int i = 0; i < PW_POOL_SLOTS; i++)
        ct_hist_reset(&r->slot[i].lat);
    r->pool = ct_pool_new("fixed", &(ct_pool_params){.min_workers = PW_POOL_WORKERS,
                                                     .max_workers = PW_POOL_WORKERS,
                                                     .queue_cap = PW_CAP});
    if (!r->pool) {
        ct_bench_error(st, "ct_pool_new(fixed): %s", strerror(errno));
        pw_pool_free(r);
        return NULL;
    }
    return r;
}

static void pw_pool_thread(ct_bench_state *st)
{
    pw_prun *r = ct_bench_shared(st);
    bool done = r == NULL;

    if (r)
        r->t0 = ct_now_ns();
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        if (done)
            continue;
        uint64_t seq = r->generated;
        size_t c = seq / PW_CHUNK_BITS;
        pw_task *t;
        int rc;

        if (c >= PW_CHUNKS) {
            done = true; /* more items than the bitmap holds: stop generating */
            continue;
        }
        if (!r->chunk[c] && !(r->chunk[c] = calloc(PW_CHUNK_BITS / 64, sizeof(uint64_t)))) {
            r->submit_errs++;
            r->first_submit_err = -ENOMEM;
            done = true;
            continue;
        }
        if (!(t = malloc(sizeof *t))) {
            r->submit_errs++;
            r->first_submit_err = -ENOMEM;
            done = true;
            continue;
        }
        t->r = r;
        t->it = (pw_item){.seq = seq, .t_gen = ct_now_ns()};
        if ((rc = ct_pool_submit(r->pool, pw_task_fn, t)) != 0) {
            free(t);
            r->submit_errs++;
            r->first_submit_err = rc;
            done = true;
            continue;
        }
        r->generated = seq + 1;
    }
    if (r)
        ct_bench_items(st, r->generated);
}

/* Thread 0, before the clock stops: every submitted item ran. */
static void pw_pool_done(ct_bench_state *st, void *shared)
{
    pw_prun *r = shared;

    if (r && ct_bench_thread_index(st) == 0)
        ct_pool_wait(r->pool);
}

static void pw_pool_teardown(ct_bench_state *st, void *shared)
{
    pw_prun *r = shared;
    pw_sink all = {0};
    uint64_t dropped, missing = 0, bad_acc = 0;

    if (!r)
        return;
    dropped = ct_pool_shutdown(r->pool, CT_POOL_DRAIN); /* joins the workers */
    ct_hist_reset(&all.lat);
    for (int i = 0; i < PW_POOL_SLOTS; i++) {
        const pw_slot *s = &r->slot[i];
        ct_hist_merge(&all.lat, &s->lat);
        all.got += s->got;
        all.lat_sum += s->lat_sum;
        bad_acc += s->bad_acc;
        if (s->t_last > all.t_last)
            all.t_last = s->t_last;
    }
    for (uint64_t seq = 0; seq < r->generated; seq++)
        missing +=
            !(atomic_load_explicit(&r->chunk[seq / PW_CHUNK_BITS][(seq % PW_CHUNK_BITS) / 64],
                                   memory_order_relaxed) /* after the join */
              & (1ull << (seq % 64)));
    if (r->submit_errs)
        ct_bench_error(st, "pipework/pool: a submit failed with %s",
                       ct_strstatus(r->first_submit_err));
    if (atomic_load_explicit(&r->slot_overflow, memory_order_relaxed)) /* after the join */
        ct_bench_error(st, "pipework/pool: more worker threads than %d slots", PW_POOL_SLOTS);
    if (dropped || missing || bad_acc ||
        atomic_load_explicit(&r->dup, memory_order_relaxed) /* after the join */)
        ct_bench_error(st,
                       "pipework/pool: %llu items submitted: %llu dropped, %llu never ran, %llu "
                       "ran twice, %llu with a wrong result (a stage skipped)",
                       (unsigned long long)r->generated, (unsigned long long)dropped,
                       (unsigned long long)missing,
                       (unsigned long long)atomic_load_explicit(&r->dup, memory_order_relaxed),
                       (unsigned long long)bad_acc);
    pw_report(st, "pipework/pool", &all, r->generated, r->t0, r->w.stages);
    pw_pool_free(r);
}

/* ---- registration ----------------------------------------------------------- */

/* The default sweep's designs (the chan README's best three on the pipeline),
 * and the test build's broken ones (their verifier's proof runs them where
 * their base runs); FULL runs every general design. */
static bool pw_in_default(const char *impl)
{
    static const char *const best[] = {"ring_futex", "go_like", "spin_park"};
    const ct_chan_ops *o = ct_chan_find(impl);

    if (o && (o->desc.caps & CT_CAP_BROKEN))
        return true;

    for (size_t i = 0; i < sizeof best / sizeof best[0]; i++)
        if (strcmp(impl, best[i]) == 0)
            return true;
    return false;
}

static const int64_t pw_work_full[] = {0, 1000, 10000}, pw_work_quick[] = {1000};
static const int64_t pw_slow[] = {0, 1}, pw_cap[] = {PW_CAP};
static const int pw_stages_full[] = {2, 4, 8}, pw_stages_dflt[] = {4};

static void pw_knobs(const ct_bench_config *cfg, ct_bench *b)
{
    ct_bench_param(b, "work_ns", cfg->quick ? pw_work_quick : pw_work_full, cfg->quick ? 1 : 3);
    ct_bench_param(b, "slow", pw_slow, 2);
}

/* impl NULL: the baselines (registered once). */
void ct__chan_pipework_register(const ct_bench_config *cfg, const char *impl, bool general)
{
    static const int one[] = {1};
    const int *stages = cfg->full ? pw_stages_full : pw_stages_dflt;
    const size_t nstages = cfg->full ? 3 : 1;
    char name[96];
    ct_bench *b;

    if (!impl) {
        static const int64_t st_full[] = {2, 4, 8}, st_dflt[] = {4};
        b = ct_bench_register(
            &(ct_bench_def){.name = "chan/pipework/sequential", .run = pw_seq_thread});
        if (!b)
            ct_die("chan/pipework/sequential: out of memory registering it");
        pw_knobs(cfg, b);
        ct_bench_param(b, "stages", cfg->full ? st_full : st_dflt, nstages);
        ct_bench_thread_counts(b, one, 1);
        b = ct_bench_register(&(ct_bench_def){.name = "chan/pipework/pool",
                                              .run = pw_pool_thread,
                                              .setup = pw_pool_setup,
                                              .teardown = pw_pool_teardown,
                                              .loop_done = pw_pool_done});
        if (!b)
            ct_die("chan/pipework/pool: out of memory registering it");
        pw_knobs(cfg, b);
        ct_bench_param(b, "stages", cfg->full ? st_full : st_dflt, nstages);
        ct_bench_thread_counts(b, one, 1);
        ct_bench_time_budget(b, cfg->quick ? 0.1 : 0.2);
        return;
    }
    if (!general || (!cfg->full && !pw_in_default(impl)))
        return; /* a stage both receives and sends: general designs only */
    snprintf(name, sizeof name, "chan/pipework/%s", impl);
    b = ct_bench_register(&(ct_bench_def){.name = name,
                                          .run = pw_thread,
                                          .setup = pw_setup,
                                          .teardown = pw_teardown,
                                          .loop_done = pw_done,
                                          .user = (void *)impl});
    if (!b)
        ct_die("%s: out of memory registering it", name);
    pw_knobs(cfg, b);
    ct_bench_param(b, "cap", pw_cap, 1);
    ct_bench_thread_counts(b, stages, nstages);
    ct_bench_time_budget(b, cfg->quick ? 0.1 : 0.2); /* as chan_pipeline.c's */
    if (!ct__chan_runs_on_coroutines(impl))
        return;
    snprintf(name, sizeof name, "chan/pipework/%s/rt:go", impl);
    b = ct_bench_register(&(ct_bench_def){.name = name,
                                          .run = pw_go_thread,
                                          .setup = pw_go_setup,
                                          .teardown = pw_teardown,
                                          .loop_done = pw_go_done,
                                          .user = (void *)impl});
    if (!b)
        ct_die("%s: out of memory registering it", name);
    pw_knobs(cfg, b);
    ct_bench_param(b, "cap", pw_cap, 1);
    ct_bench_thread_counts(b, stages, nstages);
}
