/*
 * chan_pipeline.c: the seeds' pipeline, generator -> square -> filter-even ->
 * sum, one thread per stage, channels between them, over K stages; and the
 * same loop run sequentially in one thread, the baseline it has to beat.
 *
 *   chan/pipeline/<impl>/cap:<n>/real_time/threads:<K>   (K = 4, 6, 8 stages)
 *   chan/pipeline/<impl>/rt:go/cap:<n>/real_time/threads:<K>
 *   chan/pipeline/sequential/real_time/threads:1
 *
 * rt:go (ct__chan_runs_on_coroutines: designs with CT_CAP_COROUTINE, one per engine): every stage is a coroutine on the
 * scheduler (go.h), as Go runs the seeds' pipeline on goroutines; bench
 * thread 0 starts them and generates through a generator coroutine, the
 * other K - 1 bench threads only run out their loops (the K in the name
 * stays the number of stages). The drain after the last value is inside
 * the timed region (loop_done waits for it), as it is for threads.
 *
 * K = 4 is the seeds' pipeline; each further stage forwards its input
 * unchanged (standing for one more step of processing), so K is the number
 * of hops every value makes, and the number of threads.
 *
 * The generator sends one value per iteration of its loop; the other stages
 * do all their work inside their first batch (until their input closes),
 * close their output and run out their loops. The generator closes its
 * output as its loop ends (loop_done), so a time budget cut cascades down the
 * pipeline. items_per_second and ns_per_msg count generated values.
 *
 * Verified, every value on every hop: a hop's channel has one sender and one
 * receiver, so FIFO fixes what stage k receives, in order: stage 1 the
 * generator's 0, 1, 2, ...; stage 2 their squares; the stages after the
 * filter the squares of the even ones. Each stage compares every value it
 * receives with the one it must be (a compare and an add per value: the
 * cheapest exact check, no shared write) and keeps its first mismatch and
 * its count. After the run, outside the timed region, every hop must have
 * received exactly its sequence: a value lost, duplicated or reordered on
 * any hop, odd ones included, is named with the hop. Every send must
 * succeed (nothing closes a channel before its sender is done), and the
 * sum must equal sum over even i < n of i^2 (mod 2^64), n the values
 * generated. A stage's figures are its own (written by its thread or
 * coroutine only), read after the run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chan.h"
#include "ct_bench.h"
#include "go_drive.h"
#include "ct_work.h"
#include "chan_workloads.h"

enum { MAX_STAGES = 8 };

/* What stage k saw on its input, and its failed sends: its own. */
typedef struct pl_check {
    uint64_t received;      /* values it received */
    uint64_t send_errs;     /* its sends that failed */
    int first_err;          /* the status of the first */
    bool bad;               /* a value was not the one its position fixes: */
    uint64_t at, got, want; /* the first such: its position, what came, what should have */
} CT_CACHE_ALIGNED pl_check;

typedef struct pl_run {
    ct_chan *c[MAX_STAGES - 1]; /* c[k]: stage k -> stage k + 1 */
    int stages;
    uint64_t generated, sum, t0, t1;
    uint64_t gen_errs; /* the generator's failed sends (thread 0 / its coroutine) */
    int gen_first_err;
    pl_check check[MAX_STAGES]; /* [k]: stage k's (1..K-1) */
    ct__chan_guard guard;
    /* rt:go */
    ct_wg *stages_wg, *gen_wg; /* the stage coroutines; one generator batch */
    uint64_t gen_n;            /* values the generator coroutine sends next */
} pl_run;

static uint64_t expected_sum(uint64_t n)
{
    /* even i < n: i = 2j, j < m = ceil(n / 2); sum 4 j^2 = 4 (m-1) m (2m-1) / 6 */
    unsigned __int128 m = (n + 1) / 2;
    return m ? (uint64_t)(4 * ((m - 1) * m * (2 * m - 1) / 6)) : 0;
}

static void pl_free(pl_run *r)
{
    if (!r)
        return;
    for (int k = 0; k < r->stages - 1; k++)
        if (r->c[k])
            ct_chan_free(r->c[k]);
    ct_wg_free(r->stages_wg);
    ct_wg_free(r->gen_wg);
    ct_free_aligned(r);
}

static void *pl_setup(ct_bench_state *st)
{
    const char *impl = ct_bench_user(st);
    size_t cap = (size_t)ct_bench_arg(st, 0);
    pl_run *r = ct_alloc_aligned(sizeof *r);

    if (!r) {
        ct_bench_error(st, "out of memory");
        return NULL;
    }
    r->stages = ct_bench_threads(st);
    if (r->stages < 4 || r->stages > MAX_STAGES) {
        ct_bench_error(st, "pipeline: %d stages, must be 4..%d", r->stages, MAX_STAGES);
        r->stages = 0;
        pl_free(r);
        return NULL;
    }
    for (int k = 0; k < r->stages - 1; k++)
        if (!(r->c[k] = ct_chan_new(impl, sizeof(uint64_t), cap))) {
            ct_bench_error(st, "ct_chan_new(%s, cap %zu): %s", impl, cap, strerror(errno));
            pl_free(r);
            return NULL;
        }
    if (!ct__chan_guard_start(st, &r->guard, r->c, (size_t)r->stages - 1)) {
        pl_free(r);
        return NULL;
    }
    return r;
}

/* The j-th value stage k must receive: stage 1 the j-th generated (j),
 * stage 2 its square, later stages the square of the j-th even one. */
static inline uint64_t pl_want(int k, uint64_t j)
{
    return k == 1 ? j : k == 2 ? j * j : 4 * j * j;
}

/* Stages 1..K-1: receive until closed, check it, do the stage's step
 * (square, filter-even, forward, ..., sum), pass it on, close. */
static void stage(pl_run *r, int k)
{
    const int last = r->stages - 1;
    pl_check *me = &r->check[k];
    uint64_t v, sum = 0, j = 0, send_errs = 0;
    int rc;

    while (ct_chan_recv(r->c[k - 1], &v) == CT_OK) {
        if (CT_UNLIKELY(v != pl_want(k, j)) && !me->bad) {
            me->bad = true;
            me->at = j;
            me->got = v;
            me->want = pl_want(k, j);
        }
        j++;
        if (k == 1)
            v *= v; /* square */
        else if (k == 2 && (v & 1))
            continue; /* filter-even */
        if (k == last)
            sum += v;
        else if (CT_UNLIKELY((rc = ct_chan_send(r->c[k], &v)) != CT_OK) && !send_errs++)
            me->first_err = rc;
    }
    me->received = j;
    me->send_errs = send_errs;
    if (k < last)
        ct_chan_close(r->c[k]);
    else {
        r->sum = sum;
        r->t1 = ct_now_ns();
    }
}

static void pl_thread(ct_bench_state *st)
{
    pl_run *r = ct_bench_shared(st);
    int k = ct_bench_thread_index(st);
    bool done = r == NULL;

    ct__chan_guard_watch(true);
    if (k == 0) {
        uint64_t n = 0;
        if (r)
            r->t0 = ct_now_ns();
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
            if (done)
                continue;
            int rc = ct_chan_send(r->c[0], &n);
            if (CT_UNLIKELY(rc != CT_OK)) {
                r->gen_errs++;
                r->gen_first_err = rc;
                done = true;
                continue;
            }
            r->generated = ++n; /* read by pl_done on this thread */
        }
        if (r)
            ct_bench_items(st, r->generated);
        return;
    }
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        if (done)
            continue;
        done = true;
        stage(r, k);
    }
}

static void pl_done(ct_bench_state *st, void *shared)
{
    pl_run *r = shared;

    ct__chan_chain_done(st, r ? r->c[0] : NULL);
}

/* ---- rt:go: the stages as coroutines -------------------------------------- */

static void pl_stage_k(void *run, int k)
{
    stage(run, k);
}

/* Sends the next gen_n values, continuing the count. */
static void pl_generator_co(void *arg)
{
    pl_run *r = arg;

    for (uint64_t i = 0; i < r->gen_n; i++) {
        uint64_t n = r->generated;
        int rc = ct_chan_send(r->c[0], &n);

        if (rc != CT_OK) {
            r->gen_errs++;
            r->gen_first_err = rc;
            break;
        }
        r->generated = n + 1;
    }
    ct_wg_done(r->gen_wg);
}

static void pl_go_thread(ct_bench_state *st)
{
    pl_run *r = ct_bench_shared(st);

    if (ct__go_drive_chain(st, &(ct__go_chain){.stages = r ? r->stages : 0,
                                               .stages_wg = r ? r->stages_wg : NULL,
                                               .gen_wg = r ? r->gen_wg : NULL,
                                               .stage = pl_stage_k,
                                               .generate = pl_generator_co,
                                               .run = r,
                                               .gen_n = r ? &r->gen_n : NULL,
                                               .t0 = r ? &r->t0 : NULL,
                                               .gen_errs = r ? &r->gen_errs : NULL}))
        ct_bench_items(st, r->generated);
}

/* Thread 0, before the harness stops the clock: close the generator's
 * channel and wait for the stages to drain it. */
static void pl_go_done(ct_bench_state *st, void *shared)
{
    pl_run *r = shared;

    ct__go_chain_done(st, r ? r->c[0] : NULL, r ? r->stages_wg : NULL);
}

static void *pl_go_setup(ct_bench_state *st)
{
    pl_run *r = pl_setup(st);

    if (r && (!(r->stages_wg = ct_wg_new()) || !(r->gen_wg = ct_wg_new())))
        ct_bench_error(st, "out of memory");
    return r;
}

/* Every hop, every value (see the header); the first fault is the error. */
static void pl_verify(ct_bench_state *st, const pl_run *r)
{
    const unsigned long long n = r->generated;

    if (r->gen_errs)
        ct_bench_error(st, "pipeline: the generator's send returned %s after %llu values",
                       ct_strstatus(r->gen_first_err), n);
    for (int k = 1; k < r->stages; k++) {
        const pl_check *c = &r->check[k];
        /* the filter (stage 2) passes the even ones on */
        const unsigned long long want = k <= 2 ? n : (n + 1) / 2;

        if (c->send_errs)
            ct_bench_error(st, "pipeline: stage %d: %llu sends failed, the first with %s", k,
                           (unsigned long long)c->send_errs, ct_strstatus(c->first_err));
        if (c->received != want || c->bad)
            ct_bench_error(st,
                           "pipeline: hop %d -> %d: %llu values received, %llu sent (%s); the "
                           "first out of sequence: #%llu was %llu, expected %llu",
                           k - 1, k, (unsigned long long)c->received, want,
                           c->received < want   ? "lost"
                           : c->received > want ? "duplicated"
                                                : "out of order",
                           (unsigned long long)c->at, (unsigned long long)c->got,
                           (unsigned long long)c->want);
    }
    if (r->sum != expected_sum(r->generated))
        ct_bench_error(st, "pipeline: sum %llu, expected %llu for %llu values",
                       (unsigned long long)r->sum, (unsigned long long)expected_sum(r->generated),
                       n);
}

static void pl_teardown(ct_bench_state *st, void *shared)
{
    pl_run *r = shared;

    if (!r)
        return;
    ct__chan_guard_stop(st, &r->guard);
    pl_verify(st, r);
    if (r->generated && r->t1 > r->t0)
        ct_bench_counter(st, "ns_per_msg", (double)(r->t1 - r->t0) / (double)r->generated,
                         CT_COUNTER_TOTAL);
    pl_free(r);
}

/* The same computation in one thread, no channels. */
static void seq_thread(ct_bench_state *st)
{
    uint64_t n = 0, sum = 0, t0 = ct_now_ns();

    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        uint64_t v = n * n;
        if (!(v & 1))
            sum += v;
        n++;
        __asm__ __volatile__("" : "+r"(sum)); /* keep the loop a loop */
    }
    uint64_t t1 = ct_now_ns();
    if (sum != expected_sum(n))
        ct_bench_error(st, "sequential: sum %llu, expected %llu", (unsigned long long)sum,
                       (unsigned long long)expected_sum(n));
    if (n && t1 > t0)
        ct_bench_counter(st, "ns_per_msg", (double)(t1 - t0) / (double)n, CT_COUNTER_TOTAL);
    ct_bench_items(st, n);
}

/* impl NULL: the sequential baseline (registered once). */
void ct__chan_pipeline_register(const ct_bench_config *cfg, const char *impl, bool general)
{
    static const int64_t caps_full[] = {0, 64}, caps_quick[] = {64};
    static const int stages[] = {4, 6, 8}, one[] = {1};
    char name[96];

    if (!impl) {
        ct_bench *b = ct_bench_register(
            &(ct_bench_def){.name = "chan/pipeline/sequential", .run = seq_thread});
        ct_bench_thread_counts(b, one, 1);
        return;
    }
    if (!general)
        return; /* a stage both receives and sends: general designs only */
    snprintf(name, sizeof name, "chan/pipeline/%s", impl);
    ct_bench *b = ct_bench_register(&(ct_bench_def){.name = name,
                                                    .run = pl_thread,
                                                    .setup = pl_setup,
                                                    .teardown = pl_teardown,
                                                    .loop_done = pl_done,
                                                    .user = (void *)impl});
    ct_bench_param(b, "cap", cfg->quick ? caps_quick : caps_full, cfg->quick ? 1 : 2);
    ct_bench_thread_counts(b, stages, cfg->quick ? 1 : 3);
    ct_bench_time_budget(
        b,
        cfg->quick ? 0.1 : 0.2); /* above min_time, or Google Benchmark keeps growing the count */
    if (!ct__chan_runs_on_coroutines(impl))
        return;
    /* No time budget: one batch, so the bench thread waits for the
     * generator once (a budget's small batches would each cost a wake-up).
     * Coroutines do not collapse when oversubscribed, as spinning threads do. */
    snprintf(name, sizeof name, "chan/pipeline/%s/rt:go", impl);
    b = ct_bench_register(&(ct_bench_def){.name = name,
                                          .run = pl_go_thread,
                                          .setup = pl_go_setup,
                                          .teardown = pl_teardown,
                                          .loop_done = pl_go_done,
                                          .user = (void *)impl});
    if (!b)
        ct_die("chan/pipeline/%s/rt:go: out of memory registering it", impl);
    ct_bench_param(b, "cap", cfg->quick ? caps_quick : caps_full, cfg->quick ? 1 : 2);
    ct_bench_thread_counts(b, stages, cfg->quick ? 1 : 3);
}
