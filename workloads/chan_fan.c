/*
 * chan_fan.c: fan-out/fan-in, the seeds' pattern: one source sends items
 * into one channel, W workers take them (fan-out) and do work_ns of busy
 * work on each, and their results reach one sink (fan-in) in one of three
 * ways:
 *
 *   chan/fanin_shared/<impl>/work_ns:<w>/real_time/threads:<W+2>
 *        the workers send to one shared output channel
 *   chan/fanin_forward/<impl>/work_ns:<w>/real_time/threads:<2W+2>
 *        each worker has its own output channel, and a forwarder per
 *        worker copies it into the shared one (the seeds' merge: a
 *        goroutine per input, a WaitGroup, close when all are done)
 *   chan/fanin_select/<impl>/work_ns:<w>/real_time/threads:<W+3>
 *        each worker has its own output channel; one merger selects over
 *        them all and sends to the shared one
 *
 * W follows the machine: the cores and twice them (QUICK: the cores), 2 at
 * least; THREADS= gives W. Every channel has capacity 64. Thread 0 is the
 * source (one item per iteration; as its loop ends it closes the input), the
 * last thread is the sink; the threads between are the workers, then the
 * forwarders or the merger. Whoever finishes a stage closes the next
 * channel: the last worker to see the input closed closes the shared output
 * (shared) or its own (forward, select), the last forwarder or the merger
 * closes the shared one.
 * The middle roles and the sink do all their work in their first
 * iteration and then run out their loops. Items are the items the sink got.
 *
 * A role whose send fails keeps receiving (and drops what it gets), so the
 * stages before it never block on it: the run ends, and fails.
 *
 * Verification after the run, outside the timed region: the sink got every
 * item the source sent exactly once (a count per item); a worker's result
 * is the item transformed (v -> 3v + 1) and tagged with the worker, so an
 * item that skipped its worker shows; order per sender: each worker takes
 * the source's items in increasing order, and the sink gets each worker's
 * results in increasing order (every channel is FIFO per sender).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "ct_bench.h"
#include "ct_work.h"
#include "chan_workloads.h"

#define CAP 64
#define MAXW 256 /* workers: a sweep of 2x 128 cores */

enum fan_kind { FAN_SHARED, FAN_FORWARD, FAN_SELECT };

typedef struct fan_def {
    enum fan_kind kind;
    const char *impl;
} fan_def;

typedef struct frun {
    enum fan_kind kind;
    int W;
    uint64_t work_loops;
    ct_chan *in, *out, *mid[MAXW]; /* mid: the workers' own outputs */
    _Atomic int workers_left, forwarders_left;
    uint64_t sent CT_CACHE_ALIGNED; /* the source's */
    int source_err;                 /* the status of its failed send, 0 if none */
    /* a worker, forwarder or merger: the status of a failed send (first
     * wins), and items a worker took out of order */
    _Atomic int role_err;
    _Atomic uint64_t worker_disorder;
    uint64_t got CT_CACHE_ALIGNED; /* the sink's */
    uint64_t cap_seen, beyond, sink_disorder;
    uint64_t last[MAXW]; /* the sink's: each worker's next result, at least */
    uint8_t *seen;       /* per item: times it reached the sink (saturating) */
} frun;

#define TAG_SHIFT 48 /* a result: worker << TAG_SHIFT | (3 * item + 1) */

static int roles_threads(enum fan_kind k, int W)
{
    return k == FAN_SHARED ? W + 2 : k == FAN_FORWARD ? 2 * W + 2 : W + 3;
}

static void frun_free(frun *r)
{
    if (!r)
        return;
    ct_chan_free(r->in);
    ct_chan_free(r->out);
    for (int w = 0; w < MAXW; w++)
        ct_chan_free(r->mid[w]);
    free(r->seen);
    ct_free_aligned(r);
}

static void *fan_setup(ct_bench_state *st)
{
    const fan_def *d = ct_bench_user(st);
    const int threads = ct_bench_threads(st);
    frun *r = ct_alloc_aligned(sizeof *r);
    bool ok;

    if (!r) {
        ct_bench_error(st, "fan: out of memory");
        return NULL;
    }
    memset(r, 0, sizeof *r);
    r->kind = d->kind;
    for (r->W = 1; r->W <= MAXW && roles_threads(d->kind, r->W) != threads; r->W++) {}
    if (r->W > MAXW) {
        ct_bench_error(st, "fan: %d threads fit no worker count", threads);
        ct_free_aligned(r);
        return NULL;
    }
    r->work_loops = ct_work_loops((uint64_t)ct_bench_arg(st, 0));
    r->cap_seen = ct_bench_iterations(st);
    atomic_init(&r->workers_left, r->W);
    atomic_init(&r->forwarders_left, r->W);
    atomic_init(&r->role_err, 0);
    r->in = ct_chan_new(d->impl, sizeof(uint64_t), CAP);
    r->out = ct_chan_new(d->impl, sizeof(uint64_t), CAP);
    ok = r->in && r->out;
    for (int w = 0; ok && d->kind != FAN_SHARED && w < r->W; w++)
        ok = (r->mid[w] = ct_chan_new(d->impl, sizeof(uint64_t), CAP)) != NULL;
    r->seen = malloc(r->cap_seen ? r->cap_seen : 1);
    if (!ok || !r->seen) {
        ct_bench_error(st, "fan: %s: setup failed (%s)", d->impl, strerror(errno));
        frun_free(r);
        return NULL;
    }
    memset(r->seen, 0, r->cap_seen); /* zeroed and pre-faulted before the timing */
    return r;
}

/* A failed send: remembered (the first), and the role goes on draining. */
static void send_or_note(frun *r, ct_chan *c, uint64_t *v, bool *failed)
{
    int rc, none = 0;

    if (*failed || (rc = ct_chan_send(c, v)) == CT_OK)
        return;
    *failed = true;
    /* relaxed: read after the run's end barrier */
    atomic_compare_exchange_strong_explicit(&r->role_err, &none, rc, memory_order_relaxed,
                                            memory_order_relaxed);
}

static void worker(frun *r, int w)
{
    ct_chan *to = r->kind == FAN_SHARED ? r->out : r->mid[w];
    uint64_t v, next = 0, disorder = 0;
    bool failed = false;

    while (ct_chan_recv(r->in, &v) == CT_OK) {
        disorder += v < next; /* one sender: a worker sees its items in order */
        next = v + 1;
        ct_work_spin(r->work_loops);
        v = (uint64_t)w << TAG_SHIFT | (3 * v + 1);
        send_or_note(r, to, &v, &failed);
    }
    if (disorder) /* relaxed: read after the run's end barrier */
        atomic_fetch_add_explicit(&r->worker_disorder, disorder, memory_order_relaxed);
    if (r->kind != FAN_SHARED)
        ct_chan_close(to); /* its forwarder, or the merger, sees it end */
    /* acq_rel: the last worker closes after every worker's last send */
    else if (atomic_fetch_sub_explicit(&r->workers_left, 1, memory_order_acq_rel) == 1)
        ct_chan_close(r->out);
}

static void forwarder(frun *r, int w)
{
    uint64_t v;
    bool failed = false;

    while (ct_chan_recv(r->mid[w], &v) == CT_OK)
        send_or_note(r, r->out, &v, &failed);
    /* acq_rel: the last forwarder closes after every forwarder's last send */
    if (atomic_fetch_sub_explicit(&r->forwarders_left, 1, memory_order_acq_rel) == 1)
        ct_chan_close(r->out);
}

static void merger(frun *r)
{
    ct_case cs[MAXW];
    uint64_t v;
    int open = r->W, none = 0;
    bool failed = false;

    for (int w = 0; w < r->W; w++)
        cs[w] = (ct_case){.chan = r->mid[w], .dir = CT_RECV, .elem = &v};
    while (open > 0) {
        int i = ct_chan_select(cs, (size_t)r->W, -1);

        if (i < 0) { /* relaxed: read after the run's end barrier */
            atomic_compare_exchange_strong_explicit(&r->role_err, &none, i, memory_order_relaxed,
                                                    memory_order_relaxed);
            break;
        }
        if (cs[i].status != CT_OK) { /* closed and drained: a NULL case from now on */
            cs[i].chan = NULL;
            open--;
        } else {
            send_or_note(r, r->out, &v, &failed);
        }
    }
    ct_chan_close(r->out);
}

static void sink(frun *r)
{
    uint64_t v;

    while (ct_chan_recv(r->out, &v) == CT_OK) {
        const uint64_t w = v >> TAG_SHIFT, x = v & ((UINT64_C(1) << TAG_SHIFT) - 1);
        const uint64_t item = (x - 1) / 3;

        r->got++;
        if (w >= (uint64_t)r->W || x % 3 != 1 || item >= r->cap_seen) {
            r->beyond++;
            continue;
        }
        if (r->seen[item] < 2)
            r->seen[item]++;
        r->sink_disorder += item < r->last[w]; /* a worker's results, in its order */
        r->last[w] = item + 1;
    }
}

static void fan_thread(ct_bench_state *st)
{
    frun *r = ct_bench_shared(st);
    const int idx = ct_bench_thread_index(st), last = ct_bench_threads(st) - 1;
    bool done = false;

    if (!r) {
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
        }
        return;
    }
    if (idx == 0) { /* the source */
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
            int rc;

            if (CT_UNLIKELY(r->source_err))
                continue;
            if (CT_UNLIKELY((rc = ct_chan_send(r->in, &r->sent)) != CT_OK)) {
                r->source_err = rc; /* reported after the run; it sends no more */
                continue;
            }
            r->sent++;
        }
        return;
    }
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        if (done)
            continue;
        done = true;
        if (idx == last)
            sink(r);
        else if (idx <= r->W)
            worker(r, idx - 1);
        else if (r->kind == FAN_FORWARD)
            forwarder(r, idx - 1 - r->W);
        else
            merger(r);
    }
    if (idx == last)
        ct_bench_items(st, r->got);
}

/* The source closes the input as its loop ends: the rest then drains. */
static void fan_done(ct_bench_state *st, void *shared)
{
    frun *r = shared;

    if (r && ct_bench_thread_index(st) == 0)
        ct_chan_close(r->in);
}

static void fan_teardown(ct_bench_state *st, void *shared)
{
    frun *r = shared;
    const fan_def *d = ct_bench_user(st);
    uint64_t lost = 0, dup = 0, disorder;
    int role_err;

    if (!r)
        return;
    for (uint64_t s = 0; s < r->cap_seen; s++) {
        lost += s < r->sent && r->seen[s] == 0;
        dup += r->seen[s] > 1;
    }
    /* relaxed, both: after the end barrier */
    role_err = atomic_load_explicit(&r->role_err, memory_order_relaxed);
    disorder = atomic_load_explicit(&r->worker_disorder, memory_order_relaxed) + r->sink_disorder;
    if (r->source_err)
        ct_bench_error(st, "%s: the source: a send failed with %s", d->impl,
                       ct_strstatus(r->source_err));
    else if (role_err)
        ct_bench_error(st, "%s: a worker, forwarder or merger: a send failed with %s", d->impl,
                       ct_strstatus(role_err));
    else if (lost || dup || r->beyond || r->got != r->sent)
        ct_bench_error(st,
                       "%s: %llu items sent, %llu reached the sink: %llu lost, %llu duplicated, "
                       "%llu not a worker's result",
                       d->impl, (unsigned long long)r->sent, (unsigned long long)r->got,
                       (unsigned long long)lost, (unsigned long long)dup,
                       (unsigned long long)r->beyond);
    else if (disorder)
        ct_bench_error(st, "%s: %llu items out of per-producer order (a worker's input or output)",
                       d->impl, (unsigned long long)disorder);
    frun_free(r);
}

void ct__chan_fan_register(const ct_bench_config *cfg, const char *impl, bool general)
{
    static const struct {
        const char *name;
        enum fan_kind kind;
    } kinds[] = {
        {"fanin_shared", FAN_SHARED}, {"fanin_forward", FAN_FORWARD}, {"fanin_select", FAN_SELECT}};
    static const int64_t work[] = {1000}; /* CPU-bound items: what fan-out spreads */
    /* workers: the cores and twice them (QUICK: the cores), 2 at least: a
     * fan-out; THREADS= gives the workers */
    int workers[CT_SWEEP_MAX];
    const size_t nw = ct_bench_sweep_role(workers, 2, 1, cfg->quick ? CT_SWEEP_QUICK : 0);

    if (!general) /* several senders and receivers per channel */
        return;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        fan_def *d = malloc(sizeof *d); /* the registration keeps it */
        char name[96];
        int threads[CT_SWEEP_MAX];
        ct_bench *b;

        if (!d)
            ct_die("chan/%s/%s: out of memory registering it", kinds[k].name, impl);
        *d = (fan_def){kinds[k].kind, impl};
        for (size_t i = 0; i < nw; i++)
            threads[i] = roles_threads(kinds[k].kind, workers[i]);
        snprintf(name, sizeof name, "chan/%s/%s", kinds[k].name, impl);
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = fan_thread,
                                              .setup = fan_setup,
                                              .teardown = fan_teardown,
                                              .loop_done = fan_done,
                                              .user = d});
        if (!b)
            ct_die("%s: out of memory registering it", name);
        ct_bench_param(b, "work_ns", work, 1);
        ct_bench_thread_counts(b, threads, nw);
        ct_bench_time_budget(b, cfg->quick ? 0.1 : 0.2); /* as chan_flow's: above min_time */
    }
}
