/*
 * chan_batch.c: the seeds' batcher (seed 004 section 7.2, with its bugs
 * fixed: the batch is processed outside any lock, a timer flush's error is
 * counted, the tail is flushed at close). P producers send items into one
 * channel (cap 64); one batcher takes them and processes a batch when it
 * holds `size` items, when its oldest item has waited flush_us (0: by size
 * only), or when the channel is closed (the tail).
 *
 *   chan/batch/<impl>/size:<B>/flush_us:<T>/real_time/threads:<P+1>
 *
 * P is the core count (2 at least) in every sweep, THREADS= gives it.
 *
 * Processing a batch costs FLUSH_NS of busy work whatever its size: the
 * write a batch amortizes (a system call, a database round trip), as the
 * seed's process(batch). size:1 is per-item processing, the baseline that
 * batching is measured against: throughput grows with the size, and so does
 * an item's latency unless the timer bounds it.
 *
 * Threads 1..P produce (one item per iteration of their loop); the last to
 * finish its loop closes the channel (loop_done); thread 0, the batcher,
 * takes everything in its first iteration, until the channel is closed and
 * drained, and runs out its loop. Items are the items processed.
 *
 * Counters: batches, items_per_batch (mean), timer_flushes; lat_p50_ns,
 * lat_p99_ns: an item's latency from its send to the end of its batch's
 * processing, every LAT_EVERY-th item.
 *
 * Verification after the run, outside the timed region: every item of every
 * producer was processed exactly once (a count per item) and in its
 * producer's send order (a channel is FIFO per sender); every batch held at
 * most `size` items; the channel is empty.
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
#include "chan_workloads.h"

#define CAP 64
#define FLUSH_NS 5000 /* a batch's fixed cost */
#define LAT_EVERY 16  /* a power of two */
#define MAXP 256      /* producers: 128 cores */

typedef struct item {
    uint64_t id; /* producer << 40 | sequence */
    int64_t ts;  /* send time (ns), 0 when not sampled */
} item;

typedef struct bprod {
    uint64_t sent CT_CACHE_ALIGNED; /* the producer's own */
    int send_err;                   /* the status of its failed send, 0 if none */
} bprod;

typedef struct brun {
    ct_chan *ch;
    int P;
    size_t size;
    int64_t flush_ns; /* 0: by size only */
    uint64_t work_loops;
    _Atomic int producers_left;
    bprod prod[MAXP];
    /* the batcher's, read after the run */
    item *buf;
    uint8_t *runs[MAXP]; /* per producer, per sequence: times processed (saturating) */
    uint64_t cap_runs;   /* entries in each runs[] */
    uint64_t last[MAXP]; /* next sequence expected */
    uint64_t processed, batches, timer_flushes, out_of_order, beyond, oversize;
    ct_hist hist;
} brun;

static void brun_free(brun *r)
{
    if (!r)
        return;
    ct_chan_free(r->ch);
    for (int p = 0; p < MAXP; p++)
        free(r->runs[p]);
    free(r->buf);
    ct_free_aligned(r);
}

static void *batch_setup(ct_bench_state *st)
{
    const char *impl = ct_bench_user(st);
    brun *r = ct_alloc_aligned(sizeof *r);

    if (!r) {
        ct_bench_error(st, "batch: out of memory");
        return NULL;
    }
    memset(r, 0, sizeof *r);
    r->P = ct_bench_threads(st) - 1;
    r->size = (size_t)ct_bench_arg(st, 0);
    r->flush_ns = ct_bench_arg(st, 1) * 1000;
    r->work_loops = ct_work_loops(FLUSH_NS);
    r->cap_runs = ct_bench_iterations(st);
    atomic_init(&r->producers_left, r->P);
    if (r->P < 1 || r->P > MAXP || r->size < 1) {
        ct_bench_error(st, "batch: %d producers (1..%d), size %zu", r->P, MAXP, r->size);
        brun_free(r);
        return NULL;
    }
    r->ch = ct_chan_new(impl, sizeof(item), CAP);
    r->buf = calloc(r->size, sizeof *r->buf);
    for (int p = 0; p < r->P; p++)
        r->runs[p] = malloc(r->cap_runs ? r->cap_runs : 1);
    if (!r->ch || !r->buf) {
        ct_bench_error(st, "batch: %s: setup failed (%s)", impl, strerror(errno));
        brun_free(r);
        return NULL;
    }
    for (int p = 0; p < r->P; p++) {
        if (!r->runs[p]) {
            ct_bench_error(st, "batch: out of memory");
            brun_free(r);
            return NULL;
        }
        memset(r->runs[p], 0, r->cap_runs); /* zeroed and pre-faulted before the timing */
    }
    return r;
}

/* Process the batch: its fixed cost, then account for every item in it. */
static void process(brun *r, size_t n)
{
    int64_t now;

    ct_work_spin(r->work_loops);
    now = ct_now_ns();
    for (size_t k = 0; k < n; k++) {
        const item *it = &r->buf[k];
        const uint64_t p = it->id >> 40, s = it->id & ((UINT64_C(1) << 40) - 1);

        if (p >= (uint64_t)r->P || s >= r->cap_runs) {
            r->beyond++;
            continue;
        }
        if (r->runs[p][s] < 2)
            r->runs[p][s]++;
        if (s != r->last[p])
            r->out_of_order++;
        r->last[p] = s + 1;
        if (it->ts)
            ct_hist_add(&r->hist, now > it->ts ? (uint64_t)(now - it->ts) : 0);
    }
    r->processed += n;
    r->batches++;
    if (n > r->size)
        r->oversize++;
}

/* Take items until the channel is closed and drained. */
static void batcher(brun *r)
{
    size_t n = 0;
    int64_t due = 0; /* when the oldest item of the batch must go */

    for (;;) {
        int64_t left = n && r->flush_ns ? due - ct_now_ns() : -1;
        int rc;

        if (n && r->flush_ns && left <= 0) {
            rc = CT_TIMEOUT; /* already due: no need to ask the channel */
        } else {
            rc = left < 0 ? ct_chan_recv(r->ch, &r->buf[n])
                          : ct_chan_recv_timeout(r->ch, &r->buf[n], left);
        }
        if (rc == CT_OK) {
            if (n++ == 0)
                due = ct_now_ns() + r->flush_ns;
            if (n == r->size) {
                process(r, n);
                n = 0;
            }
        } else if (rc == CT_TIMEOUT) {
            process(r, n);
            n = 0;
            r->timer_flushes++;
        } else { /* CT_CLOSED: the tail (the seed's Batcher loses it without Close) */
            if (n)
                process(r, n);
            return;
        }
    }
}

static void batch_thread(ct_bench_state *st)
{
    brun *r = ct_bench_shared(st);
    const int idx = ct_bench_thread_index(st);
    bool done = false;

    if (!r) {
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
        }
        return;
    }
    if (idx == 0) {
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
            if (!done)
                batcher(r);
            done = true;
        }
        ct_bench_items(st, r->processed);
        return;
    }
    bprod *me = &r->prod[idx - 1];
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        const uint64_t s = me->sent;
        item it = {.id = (uint64_t)(idx - 1) << 40 | s,
                   .ts = (s & (LAT_EVERY - 1)) ? 0 : ct_now_ns()};
        int rc;

        if (CT_UNLIKELY(me->send_err))
            continue;
        if (CT_UNLIKELY((rc = ct_chan_send(r->ch, &it)) != CT_OK)) {
            me->send_err = rc; /* reported after the run; it sends no more */
            continue;
        }
        me->sent = s + 1;
    }
}

/* The last producer closes the channel as its loop ends: the batcher's
 * receive loop ends, and with it the run (see chan_flow.c's flow_done). */
static void batch_done(ct_bench_state *st, void *shared)
{
    brun *r = shared;

    if (!r || ct_bench_thread_index(st) == 0)
        return;
    /* acq_rel: the last producer closes after every producer's last send */
    if (atomic_fetch_sub_explicit(&r->producers_left, 1, memory_order_acq_rel) == 1)
        ct_chan_close(r->ch);
}

static void batch_teardown(ct_bench_state *st, void *shared)
{
    brun *r = shared;
    const char *impl = ct_bench_user(st);
    uint64_t sent = 0, lost = 0, dup = 0;
    item left;

    if (!r)
        return;
    for (int p = 0; p < r->P; p++) {
        if (r->prod[p].send_err)
            ct_bench_error(st, "%s: producer %d: a send failed with %s", impl, p,
                           ct_strstatus(r->prod[p].send_err));
        sent += r->prod[p].sent;
        for (uint64_t s = 0; s < r->cap_runs; s++) {
            lost += s < r->prod[p].sent && r->runs[p][s] == 0;
            dup += r->runs[p][s] > 1;
        }
    }
    if (lost || dup || r->beyond || r->processed != sent)
        ct_bench_error(
            st, "%s: %llu items sent, %llu processed: %llu lost, %llu duplicated, %llu unknown",
            impl, (unsigned long long)sent, (unsigned long long)r->processed,
            (unsigned long long)lost, (unsigned long long)dup, (unsigned long long)r->beyond);
    else if (r->out_of_order)
        ct_bench_error(st, "%s: %llu items out of per-producer order", impl,
                       (unsigned long long)r->out_of_order);
    if (r->oversize)
        ct_bench_error(st, "%s: %llu batches above size %zu", impl, (unsigned long long)r->oversize,
                       r->size);
    if (ct_chan_try_recv(r->ch, &left) != CT_CLOSED)
        ct_bench_error(st, "%s: the channel is not empty after the run", impl);
    if (r->batches) {
        ct_bench_counter(st, "batches", (double)r->batches, CT_COUNTER_TOTAL);
        ct_bench_counter(st, "items_per_batch", (double)r->processed / (double)r->batches,
                         CT_COUNTER_TOTAL);
        ct_bench_counter(st, "timer_flushes", (double)r->timer_flushes, CT_COUNTER_TOTAL);
    }
    if (r->hist.count) {
        ct_bench_counter(st, "lat_p50_ns", (double)ct_hist_quantile(&r->hist, 0.50),
                         CT_COUNTER_TOTAL);
        ct_bench_counter(st, "lat_p99_ns", (double)ct_hist_quantile(&r->hist, 0.99),
                         CT_COUNTER_TOTAL);
    }
    brun_free(r);
}

void ct__chan_batch_register(const ct_bench_config *cfg, const char *impl, bool general)
{
    static const int64_t size_full[] = {1, 16, 256}, size_quick[] = {1, 256};
    static const int64_t flush_us[] = {50};
    /* producers: the cores (2 at least), in every sweep: the question is the
     * batch size; THREADS= gives the producers. Threads: + the batcher. */
    int threads[CT_SWEEP_MAX];
    const size_t nt = ct_bench_sweep_role(threads, 2, 1, CT_SWEEP_QUICK);
    for (size_t i = 0; i < nt; i++)
        threads[i] += 1;
    char name[96];
    ct_bench *b;

    if (!general) /* several producers: the general designs */
        return;
    snprintf(name, sizeof name, "chan/batch/%s", impl);
    b = ct_bench_register(&(ct_bench_def){.name = name,
                                          .run = batch_thread,
                                          .setup = batch_setup,
                                          .teardown = batch_teardown,
                                          .loop_done = batch_done,
                                          .user = (void *)impl});
    if (!b)
        ct_die("%s: out of memory registering it", name);
    ct_bench_param(b, "size", cfg->quick ? size_quick : size_full, cfg->quick ? 2 : 3);
    ct_bench_param(b, "flush_us", flush_us, 1);
    ct_bench_thread_counts(b, threads, nt);
    ct_bench_time_budget(b, cfg->quick ? 0.1 : 0.2); /* as chan_flow's: above min_time */
}
