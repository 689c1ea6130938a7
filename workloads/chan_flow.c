/*
 * chan_flow.c: the one-way channel workloads, one driver for all five:
 *
 *   chan/spsc/<impl>/cap:<n>/real_time/threads:2        1 producer, 1 consumer
 *   chan/mpsc/<impl>/cap:<n>/real_time/threads:<T+1>    T producers, 1 consumer
 *   chan/mpmc/<impl>/cap:<n>/real_time/threads:<N>      N/2 producers, the rest consumers
 *   chan/select_rx/<impl>/cap:<n>/real_time/threads:<T+1>
 *        T producers, each on its own channel; one consumer selects over all T
 *   chan/select_both/<impl>/cap:<n>/real_time/threads:<2T>
 *        T producers and T consumers over two channels, both sides selecting
 *
 * The counts follow the machine (ct_bench.h): mpsc's and select_rx's
 * producers are the cores and twice them (QUICK: the cores), 2 at least;
 * select_both's pairs half the cores and the cores (QUICK: half), 1 at
 * least; mpmc's threads are the thread sweep, 2 at least; THREADS= gives
 * the producers, the pairs and mpmc's threads. spsc is 1 + 1 by its shape.
 *
 * Google Benchmark runs the same function in every thread: thread indices
 * below P produce, the others consume. Each producer sends one message per
 * iteration of its loop; the last producer to finish its loop closes the
 * channel (in the loop_done hook, before the harness's end barrier).
 * A consumer receives everything inside its first batch (until CT_CLOSED) and
 * then runs out its loop with empty iterations; the producers' time budget
 * therefore bounds the whole run. Items are the messages received.
 *
 * A message is {producer << 40 | sequence, send timestamp}; one message in
 * LAT_EVERY carries a timestamp (CLOCK_MONOTONIC), and its consumer records
 * now - timestamp in its own histogram (ct_hist.h): the latency percentiles
 * are over that sample, which keeps two clock reads per message out of the
 * throughput figure.
 *
 * Verification: each consumer sets a bit per (producer, sequence) it
 * receives in a bitmap of its own (set up and pre-faulted in setup: one
 * read-modify-write per message, no shared write), and checks that every
 * producer's sequence numbers reach it strictly increasing on each channel
 * (per-producer FIFO: in select_both a producer's values take either of two
 * channels and may overtake each other across them, never on one). After
 * the run, outside the timed region, the bitmaps are merged: every value a
 * producer sent was received exactly once (a bit in no bitmap: lost; in
 * two, or twice in one: duplicated; a sequence number never sent: reported
 * too), and every send succeeded (nothing closes a channel before its
 * producers are done). A channel that loses or holds back a value so that
 * every role waits is ended by the deadlock guard (chan_workloads.h).
 *
 * Counters: ns_per_msg (the run's wall time, first send to last receive, per
 * message received), lat_p50_ns, lat_p99_ns, lat_p999_ns, lat_samples;
 * items_per_second is messages per second.
 *
 * rt:go (ct__chan_runs_on_coroutines: designs with CT_CAP_COROUTINE, one per engine), the same five workloads with every
 * producer and consumer a coroutine on the scheduler (go.h), as Go's are
 * goroutines:
 *
 *   chan/<workload>/<impl>/rt:go/cap:<n>/real_time/threads:<T>
 *
 * T keeps its meaning (mpsc: T-1 producer and 1 consumer coroutines). Bench
 * thread 0 starts the consumers, then for each batch of n iterations starts
 * the P producers, each sending n messages (continuing its sequence, so the
 * total is P times the iterations, as for threads), and waits for them; the
 * other bench threads only run out their loops. As its loop ends (loop_done,
 * inside the timed region) thread 0 closes the channels and waits for the
 * consumers to drain them. The same per-role code (produce_one, consume_all),
 * the same verification and counters; no time budget (one batch: one wait).
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
#include "chan_workloads.h"

#define MAXP 256                             /* producers, and consumers: a sweep of 2x 128 cores */
#define MAX_BITMAP_BYTES (UINT64_C(1) << 30) /* all consumers' together */
#define LAT_EVERY 16                         /* a power of two */

typedef struct msg {
    uint64_t id; /* producer << 40 | sequence */
    uint64_t ts; /* send time (ns), or 0 when not sampled */
} msg;

enum flow_kind { FLOW_SPSC, FLOW_MPSC, FLOW_MPMC, FLOW_SELECT_RX, FLOW_SELECT_BOTH };

typedef struct flow_def {
    enum flow_kind kind;
    const char *impl;
} flow_def;

/* A consumer's own figures (written by it only, read after the run). */
typedef struct flow_cons {
    int64_t last[MAXP][2]; /* per producer and channel (select_both has two): the last sequence */
    uint64_t dups[MAXP];   /* per producer: values it received twice itself */
    uint64_t received, bad_order, bad_id, t_end;
    uint64_t *seen;   /* P rows of `words`: a bit per (producer, sequence) received */
    ct_case cs[MAXP]; /* its select over the channels (select_rx's are P) */
    ct_hist hist;
} flow_cons;

typedef struct flow_prod {
    uint64_t sent, t_start;
    int send_err; /* the status of its failed send, 0 if none */
} CT_CACHE_ALIGNED flow_prod;

typedef struct flow_run flow_run;

/* rt:go: what a producer or consumer coroutine is started with. */
typedef struct flow_co {
    flow_run *r;
    int idx; /* the producer's or consumer's number */
} flow_co;

struct flow_run {
    ct_chan *ch[MAXP]; /* nch channels */
    int nch;
    bool select_send;
    int P, C;
    uint64_t per_prod; /* the most one producer sends: the iterations */
    size_t words;      /* of a bitmap row: per_prod bits */
    ct__chan_guard guard;
    _Atomic int producers_left CT_CACHE_ALIGNED;
    flow_prod prod[MAXP];
    flow_cons *cons[MAXP];
    /* rt:go */
    ct_wg *cons_wg, *batch_wg; /* the consumer coroutines; one batch of producers */
    uint64_t batch_n;          /* messages each producer coroutine sends next */
    flow_co co_prod[MAXP], co_cons[MAXP];
};

static void roles(enum flow_kind k, int threads, int *P, int *C)
{
    switch (k) {
    case FLOW_SPSC:
        *P = 1;
        *C = 1;
        break;
    case FLOW_MPSC:
        *P = threads - 1;
        *C = 1;
        break;
    case FLOW_MPMC:
    case FLOW_SELECT_BOTH:
        *P = threads / 2;
        *C = threads - threads / 2;
        break;
    case FLOW_SELECT_RX:
        *P = threads - 1;
        *C = 1;
        break;
    }
}

static void flow_free(flow_run *r)
{
    if (!r)
        return;
    for (int k = 0; k < r->nch; k++)
        if (r->ch[k])
            ct_chan_free(r->ch[k]);
    for (int k = 0; k < MAXP; k++)
        if (r->cons[k]) {
            ct_free_aligned(r->cons[k]->seen);
            ct_free_aligned(r->cons[k]);
        }
    ct_wg_free(r->cons_wg);
    ct_wg_free(r->batch_wg);
    ct_free_aligned(r);
}

static void *flow_setup(ct_bench_state *st)
{
    const flow_def *d = ct_bench_user(st);
    int64_t cap = ct_bench_arg(st, 0);
    flow_run *r = ct_alloc_aligned(sizeof *r);

    if (!r)
        goto oom;
    roles(d->kind, ct_bench_threads(st), &r->P, &r->C);
    if (r->P < 1 || r->C < 1 || r->P > MAXP || r->C > MAXP || cap < 0) {
        ct_bench_error(st, "bad shape: %d producers, %d consumers (1..%d each), cap %lld", r->P,
                       r->C, MAXP, (long long)cap);
        flow_free(r);
        return NULL;
    }
    atomic_init(&r->producers_left, r->P);
    /* threads: a producer's loop sends at most once per iteration; rt:go:
     * its coroutines send the iterations in all, in batches */
    r->per_prod = ct_bench_iterations(st);
    r->words = (size_t)((r->per_prod + 63) / 64);
    /* bounded, as the stack workloads' are: a runaway iteration count fails
     * loudly instead of swapping */
    if ((uint64_t)r->words * 8 * (uint64_t)r->P * (uint64_t)r->C > MAX_BITMAP_BYTES) {
        ct_bench_error(st, "%llu iterations: the verification bitmaps would exceed %llu MiB",
                       (unsigned long long)r->per_prod,
                       (unsigned long long)(MAX_BITMAP_BYTES >> 20));
        flow_free(r);
        return NULL;
    }
    for (int k = 0; k < r->C; k++) {
        if (!(r->cons[k] = ct_alloc_aligned(sizeof *r->cons[k])))
            goto oom;
        /* zeroed, so pre-faulted before the timed region */
        if (!(r->cons[k]->seen = ct_alloc_aligned(r->words * (size_t)r->P * sizeof(uint64_t))))
            goto oom;
        for (int p = 0; p < MAXP; p++)
            r->cons[k]->last[p][0] = r->cons[k]->last[p][1] = -1;
    }
    r->nch = d->kind == FLOW_SELECT_RX ? r->P : d->kind == FLOW_SELECT_BOTH ? 2 : 1;
    r->select_send = d->kind == FLOW_SELECT_BOTH;
    for (int k = 0; k < r->nch; k++) {
        r->ch[k] = ct_chan_new(d->impl, sizeof(msg), (size_t)cap);
        if (!r->ch[k]) {
            ct_bench_error(st, "ct_chan_new(%s, cap %lld): %s", d->impl, (long long)cap,
                           strerror(errno));
            flow_free(r);
            return NULL;
        }
    }
    if (!ct__chan_guard_start(st, &r->guard, r->ch, (size_t)r->nch)) {
        flow_free(r);
        return NULL;
    }
    return r;
oom:
    ct_bench_error(st, "out of memory");
    flow_free(r);
    return NULL;
}

/* One send: on the producer's channel, or with a select over all of them. */
static int send_one(flow_run *r, int p, msg *m)
{
    if (!r->select_send)
        return ct_chan_send(r->ch[r->nch == 1 ? 0 : p], m);
    ct_case cs[2]; /* select_both's two channels */
    for (int k = 0; k < r->nch; k++)
        cs[k] = (ct_case){.chan = r->ch[k], .dir = CT_SEND, .elem = m};
    int i = ct_chan_select(cs, (size_t)r->nch, -1);
    return i < 0 ? i : cs[i].status;
}

/* Producer p's next message (a thread's loop iteration, or a coroutine's).
 * me->sent is the producer's own field, kept current: after a failed send it
 * sends no more (reported after the run), its caller runs out its count. */
static inline void produce_one(flow_run *r, int p)
{
    flow_prod *me = &r->prod[p];
    uint64_t n = me->sent;
    msg m = {.id = (uint64_t)p << 40 | n, .ts = (n & (LAT_EVERY - 1)) ? 0 : ct_now_ns()};

    int rc;

    if (CT_UNLIKELY(me->send_err || (rc = send_one(r, p, &m)) != CT_OK)) {
        if (!me->send_err)
            me->send_err = rc;
        return;
    }
    me->sent = n + 1;
}

static void produce(ct_bench_state *st, flow_run *r, int p)
{
    ct__chan_guard_watch(true);
    r->prod[p].t_start = ct_now_ns();
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        produce_one(r, p);
    }
}

/* Every channel, closed: ends the consumers' receive loops once drained. */
static void close_all(flow_run *r)
{
    for (int k = 0; k < r->nch; k++)
        ct_chan_close(r->ch[k]);
}

/* As each thread's loop ends, before the harness's end barrier: the last
 * producer closes the channel, which ends the consumers' receive loops (after
 * the loop would be too late: the producers would wait at the barrier for
 * consumers that wait for the close). */
static void flow_done(ct_bench_state *st, void *shared)
{
    flow_run *r = shared;

    ct__chan_guard_watch(false);
    if (!r || ct_bench_thread_index(st) >= r->P)
        return;
    /* acq_rel: the last producer closes after every producer's last send
     * (a release sequence on this counter) */
    if (atomic_fetch_sub_explicit(&r->producers_left, 1, memory_order_acq_rel) == 1)
        close_all(r);
}

/* One receive: plain, or a select over the channels not yet closed (a
 * closed one becomes a NULL case), *ch the channel it came from.
 * CT_CLOSED once every channel is drained. */
static int recv_one(flow_run *r, ct_case *cs, int *open, msg *m, int *ch)
{
    *ch = 0;
    if (r->nch == 1)
        return ct_chan_recv(r->ch[0], m);
    while (*open > 0) {
        int i = ct_chan_select(cs, (size_t)r->nch, -1);
        if (i < 0)
            return i;
        *ch = i;
        if (cs[i].status == CT_OK)
            return CT_OK;
        cs[i].chan = NULL;
        --*open;
    }
    return CT_CLOSED;
}

/* Consumer k: receives until every channel is closed and drained, checking
 * and counting each message (a thread's first loop iteration, or a
 * coroutine's whole run). */
static void consume_all(flow_run *r, int k)
{
    flow_cons *me = r->cons[k];
    const uint64_t P = (uint64_t)r->P, per_prod = r->per_prod;
    const size_t words = r->words;
    msg m;
    ct_case *cs = me->cs; /* not on the stack: a coroutine's is small */
    int open = r->nch, ch;

    for (int j = 0; j < r->nch; j++)
        cs[j] = (ct_case){.chan = r->ch[j], .dir = CT_RECV, .elem = &m};
    while (recv_one(r, cs, &open, &m, &ch) == CT_OK) {
        uint64_t p = m.id >> 40, s = m.id & ((UINT64_C(1) << 40) - 1);
        if (CT_UNLIKELY(p >= P || s >= per_prod)) {
            me->bad_id++;
            continue;
        }
        /* FIFO per producer on one channel; only select_both's producers
         * use several (its two), the others one each */
        int64_t *last = &me->last[p][r->select_send ? ch : 0];
        if (CT_UNLIKELY((int64_t)s <= *last))
            me->bad_order++;
        *last = (int64_t)s;
        uint64_t *w = &me->seen[p * words + s / 64], bit = UINT64_C(1) << (s % 64);
        if (CT_UNLIKELY(*w & bit))
            me->dups[p]++;
        *w |= bit;
        me->received++;
        if (m.ts) {
            uint64_t now = ct_now_ns();
            ct_hist_add(&me->hist, now > m.ts ? now - m.ts : 0);
        }
    }
    me->t_end = ct_now_ns();
}

static void consume(ct_bench_state *st, flow_run *r, int k)
{
    bool done = false;

    ct__chan_guard_watch(true);
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        if (done)
            continue;
        done = true;
        consume_all(r, k);
    }
    ct_bench_items(st, r->cons[k]->received);
}

static void flow_thread(ct_bench_state *st)
{
    flow_run *r = ct_bench_shared(st);
    int idx = ct_bench_thread_index(st);

    if (!r) {
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
        }
        return;
    }
    if (idx < r->P)
        produce(st, r, idx);
    else
        consume(st, r, idx - r->P);
}

/* ---- rt:go: producers and consumers as coroutines ------------------------ */

static void flow_consumer_co(void *arg)
{
    flow_co *a = arg;

    consume_all(a->r, a->idx);
    ct_wg_done(a->r->cons_wg);
}

/* batch_n more messages from one producer, continuing its sequence. */
static void flow_producer_co(void *arg)
{
    flow_co *a = arg;
    const uint64_t n = a->r->batch_n;

    for (uint64_t i = 0; i < n; i++)
        produce_one(a->r, a->idx);
    ct_wg_done(a->r->batch_wg);
}

/* Bench thread 0 drives the coroutines (Google Benchmark's batches are
 * asked for from bench threads only); the others run out their loops. */
static void flow_go_thread(ct_bench_state *st)
{
    flow_run *r = ct_bench_shared(st);
    bool ok = r && r->cons_wg && r->batch_wg;
    uint64_t n, received = 0;

    if (!ct__go_driver(st, ok))
        return;
    ct__chan_guard_watch(true);
    /* a consumer missing would leave producers blocked: then start none */
    for (int k = 0; k < r->C && ok; k++) {
        r->co_cons[k] = (flow_co){r, k};
        ok = ct__go_counted(st, r->cons_wg, flow_consumer_co, &r->co_cons[k], "a consumer");
    }
    uint64_t t0 = ct_now_ns();
    for (int p = 0; p < r->P; p++) {
        r->co_prod[p] = (flow_co){r, p};
        r->prod[p].t_start = t0;
    }
    while ((n = ct_bench_next_batch(st)) != 0) {
        if (!ok)
            continue;
        r->batch_n = n;
        for (int p = 0; p < r->P && ok; p++)
            ok = ct__go_counted(st, r->batch_wg, flow_producer_co, &r->co_prod[p], "a producer");
        ct_wg_wait(r->batch_wg);
    }
    for (int k = 0; k < r->C; k++)
        received += r->cons[k]->received; /* final: flow_go_done waited for them */
    ct_bench_items(st, received);
}

/* Thread 0, before the harness stops the clock: every producer has
 * finished (each batch was waited for); close the channels and wait for the
 * consumers to drain them. */
static void flow_go_done(ct_bench_state *st, void *shared)
{
    flow_run *r = shared;

    if (ct_bench_thread_index(st) != 0)
        return;
    ct__chan_guard_watch(false);
    if (!r || !r->cons_wg)
        return;
    close_all(r);
    ct_wg_wait(r->cons_wg);
}

static void *flow_go_setup(ct_bench_state *st)
{
    flow_run *r = flow_setup(st);

    if (r && (!(r->cons_wg = ct_wg_new()) || !(r->batch_wg = ct_wg_new())))
        ct_bench_error(st, "out of memory");
    return r;
}

/* Set bits of w[0..words) below n, and above. */
static void count_bits(const uint64_t *w, size_t words, uint64_t n, uint64_t *below,
                       uint64_t *above)
{
    *below = *above = 0;
    for (size_t i = 0; i < words; i++) {
        uint64_t lo = (uint64_t)i * 64, mask = n >= lo + 64 ? ~UINT64_C(0)
                                               : n > lo     ? (UINT64_C(1) << (n - lo)) - 1
                                                            : 0;
        *below += (uint64_t)__builtin_popcountll(w[i] & mask);
        *above += (uint64_t)__builtin_popcountll(w[i] & ~mask);
    }
}

/* Every producer's values, received exactly once by the consumers together
 * (their bitmaps merged into consumer 0's; the run is over). */
static void flow_verify(ct_bench_state *st, flow_run *r)
{
    const size_t words = r->words;

    for (int p = 0; p < r->P; p++) {
        uint64_t *u = r->cons[0]->seen + (size_t)p * words, dups = 0, got, wild;

        for (int k = 0; k < r->C; k++)
            dups += r->cons[k]->dups[p]; /* twice to one consumer */
        for (int k = 1; k < r->C; k++) {
            const uint64_t *b = r->cons[k]->seen + (size_t)p * words;

            for (size_t i = 0; i < words; i++) {
                dups += (uint64_t)__builtin_popcountll(u[i] & b[i]); /* two consumers */
                u[i] |= b[i];
            }
        }
        count_bits(u, words, r->prod[p].sent, &got, &wild);
        if (r->prod[p].send_err)
            ct_bench_error(st, "producer %d: a send failed with %s after %llu values", p,
                           ct_strstatus(r->prod[p].send_err), (unsigned long long)r->prod[p].sent);
        else if (got != r->prod[p].sent || dups || wild)
            ct_bench_error(st,
                           "producer %d: sent %llu: %llu lost, %llu duplicated, %llu received "
                           "that were never sent",
                           p, (unsigned long long)r->prod[p].sent,
                           (unsigned long long)(r->prod[p].sent - got), (unsigned long long)dups,
                           (unsigned long long)wild);
    }
}

static void flow_teardown(ct_bench_state *st, void *shared)
{
    flow_run *r = shared;
    uint64_t received = 0, t0 = UINT64_MAX, t1 = 0;
    ct_hist *h;

    if (!r)
        return;
    ct__chan_guard_stop(st, &r->guard);
    flow_verify(st, r);
    h = ct_alloc_aligned(sizeof *h);
    for (int p = 0; p < r->P; p++)
        if (r->prod[p].t_start < t0)
            t0 = r->prod[p].t_start;
    for (int k = 0; k < r->C; k++) {
        flow_cons *c = r->cons[k];
        if (c->bad_order || c->bad_id)
            ct_bench_error(st, "consumer %d: %llu out of per-producer order, %llu bad ids", k,
                           (unsigned long long)c->bad_order, (unsigned long long)c->bad_id);
        received += c->received;
        if (c->t_end > t1)
            t1 = c->t_end;
        if (h)
            ct_hist_merge(h, &c->hist);
    }
    if (received && t1 > t0)
        ct_bench_counter(st, "ns_per_msg", (double)(t1 - t0) / (double)received, CT_COUNTER_TOTAL);
    if (h) {
        ct_bench_counter(st, "lat_p50_ns", (double)ct_hist_quantile(h, 0.50), CT_COUNTER_TOTAL);
        ct_bench_counter(st, "lat_p99_ns", (double)ct_hist_quantile(h, 0.99), CT_COUNTER_TOTAL);
        ct_bench_counter(st, "lat_p999_ns", (double)ct_hist_quantile(h, 0.999), CT_COUNTER_TOTAL);
        ct_bench_counter(st, "lat_samples", (double)h->count, CT_COUNTER_TOTAL);
        ct_free_aligned(h);
    }
    flow_free(r);
}

/* One registration: the thread version or rt:go, over the same points. */
static ct_bench *flow_register(const char *name, const ct_bench_def *def, const int64_t *caps,
                               size_t ncaps, const int *threads, size_t nthreads)
{
    ct_bench *b = ct_bench_register(def);

    if (!b)
        ct_die("%s: out of memory registering it", name);
    ct_bench_param(b, "cap", caps, ncaps);
    ct_bench_thread_counts(b, threads, nthreads);
    return b;
}

void ct__chan_flow_register(const ct_bench_config *cfg, const char *impl, bool general)
{
    static const int64_t caps_full[] = {0, 1, 64, 1024}, caps_quick[] = {0, 64};
    static const int spsc_t[] = {2};
    const unsigned quick = cfg->quick ? CT_SWEEP_QUICK : 0;
    int mpmc[CT_SWEEP_MAX]; /* the machine's sweep, 2 at least: a producer and a consumer */
    const size_t n_mpmc = ct_bench_sweep_threads(mpmc, 2, quick);
    /* mpsc and select_rx: producers (the cores, 2x them; 2 at least: "multi") + 1 consumer */
    int many1[CT_SWEEP_MAX];
    const size_t n_many1 = ct_bench_sweep_role(many1, 2, 1, quick);
    for (size_t i = 0; i < n_many1; i++)
        many1[i] += 1;
    /* select_both: pairs (half the cores, the cores) of a producer and a consumer */
    int pairs[CT_SWEEP_MAX];
    const size_t n_pairs = ct_bench_sweep_role(pairs, 1, 2, quick);
    for (size_t i = 0; i < n_pairs; i++)
        pairs[i] *= 2;
    static const int64_t sel_caps[] = {0, 64};
    static const struct {
        enum flow_kind kind;
        const char *name;
    } kinds[] = {{FLOW_SPSC, "spsc"},
                 {FLOW_MPSC, "mpsc"},
                 {FLOW_MPMC, "mpmc"},
                 {FLOW_SELECT_RX, "select_rx"},
                 {FLOW_SELECT_BOTH, "select_both"}};
    const bool go = ct__chan_runs_on_coroutines(impl);
    char name[96];

    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (!general && kinds[k].kind != FLOW_SPSC)
            continue; /* spsc_ring: 1 to 1 only */
        /* one def per (kind, impl), kept for the life of the process: the
         * registrations hold on to it */
        flow_def *d = malloc(sizeof *d);
        if (!d)
            ct_die("chan/%s/%s: out of memory registering it", kinds[k].name, impl);
        d->kind = kinds[k].kind;
        d->impl = impl;
        /* a ring needs a slot: the benchmark-only designs have no cap 0 */
        const int64_t *caps = cfg->quick ? caps_quick : caps_full;
        size_t ncaps = cfg->quick ? 2 : 4, skip = general ? 0 : 1;
        if (kinds[k].kind == FLOW_SELECT_RX || kinds[k].kind == FLOW_SELECT_BOTH)
            caps = sel_caps, ncaps = 2; /* Go's select figures: unbuffered and 64 */
        const int *tc = spsc_t;
        size_t ntc = 1;
        switch (kinds[k].kind) {
        case FLOW_SPSC:
            break;
        case FLOW_MPSC:
        case FLOW_SELECT_RX:
            tc = many1, ntc = n_many1;
            break;
        case FLOW_MPMC:
            tc = mpmc, ntc = n_mpmc;
            break;
        case FLOW_SELECT_BOTH:
            tc = pairs, ntc = n_pairs;
            break;
        }
        snprintf(name, sizeof name, "chan/%s/%s", kinds[k].name, impl);
        ct_bench *b = flow_register(name,
                                    &(ct_bench_def){.name = name,
                                                    .run = flow_thread,
                                                    .setup = flow_setup,
                                                    .teardown = flow_teardown,
                                                    .loop_done = flow_done,
                                                    .user = d},
                                    caps + skip, ncaps - skip, tc, ntc);
        /* parking on every hand-off (cap 0, oversubscribed) can be 10^3
         * times slower than a buffered run: bound it */
        ct_bench_time_budget(
            b, cfg->quick ? 0.1
                          : 0.2); /* above min_time, or Google Benchmark keeps growing the count */
        if (!go)
            continue;
        /* No time budget: one batch, so thread 0 waits for the producers
         * once (a budget's small batches would each cost a wake-up), and
         * coroutines do not collapse when oversubscribed, as threads do. */
        snprintf(name, sizeof name, "chan/%s/%s/rt:go", kinds[k].name, impl);
        flow_register(name,
                      &(ct_bench_def){.name = name,
                                      .run = flow_go_thread,
                                      .setup = flow_go_setup,
                                      .teardown = flow_teardown,
                                      .loop_done = flow_go_done,
                                      .user = d},
                      caps + skip, ncaps - skip, tc, ntc);
    }
}
