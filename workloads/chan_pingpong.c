/*
 * chan_pingpong.c: the round trip.
 *
 *   chan/pingpong/<impl>/cap:<n>/real_time/threads:2
 *   chan/pingpong/<impl>/rt:go/cap:<n>/real_time/threads:2
 *
 * Thread 0 sends a ping on channel a and waits for its pong on channel b;
 * thread 1 echoes. One iteration is one round trip: items_per_second is round
 * trips per second and ns_per_msg the wall time per round trip (Go's figure
 * of about 260 ns for an unbuffered round trip is per round trip too). One
 * round trip in LAT_EVERY is timed on thread 0 (the latency percentiles).
 *
 * Verified: every ping reaches the echo in sequence, and every pong carries
 * its ping's sequence number (a compare per message on each side). Each
 * side closes both channels as its loop ends (loop_done): if the time budget
 * cuts one side short, the other side's pending or next send or receive
 * returns CT_CLOSED and it runs out its loop without blocking. That is the
 * only way a send or receive may fail: each side notes whether the budget
 * cut it (ct_bench_truncated) before it closes, and a failure on the other
 * side without that cut is an error. A channel that loses or holds back a
 * ping or a pong leaves both sides asleep: the deadlock guard
 * (chan_workloads.h) closes the channels and fails the run.
 *
 * rt:go (ct__chan_runs_on_coroutines: designs with CT_CAP_COROUTINE, one per engine): the two sides are coroutines on
 * the scheduler (go.h), as Go's are goroutines; bench thread 0 runs the
 * pinging side's batches on a coroutine and waits for each, bench thread 1
 * only runs out its loop. No time budget there (one batch: one wait), so
 * any failed send or receive before the end is an error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chan.h"
#include "ct_bench.h"
#include "go_drive.h"
#include "ct_hist.h"
#include "ct_work.h"
#include "chan_workloads.h"

#define LAT_EVERY 16

typedef struct pp_run {
    ct_chan *a, *b;    /* ping: 0 -> 1; pong: 1 -> 0 */
    ct_chan *chans[2]; /* a and b, for the deadlock guard */
    uint64_t trips, mismatches, t0, t1;
    uint64_t echo_bad; /* pings that reached the echo out of sequence (its own) */
    /* per side (0: pinging, 1: echoing), each written by its side only */
    uint64_t fails[2]; /* sends and receives that did not return CT_OK */
    int first_fail[2]; /* the status of the first */
    bool cut[2];       /* the time budget cut its loop (threads only) */
    ct__chan_guard guard;
    ct_hist hist; /* thread 0 only (rt:go: the pinging coroutine) */
    /* rt:go */
    ct_wg *echo_wg, *batch_wg; /* the echoing coroutine; one pinging batch */
    uint64_t batch_n;          /* round trips the pinging coroutine makes next */
    bool stopped;
} pp_run;

static void pp_free(pp_run *r)
{
    if (!r)
        return;
    if (r->a)
        ct_chan_free(r->a);
    if (r->b)
        ct_chan_free(r->b);
    ct_wg_free(r->echo_wg);
    ct_wg_free(r->batch_wg);
    ct_free_aligned(r);
}

static void *pp_setup(ct_bench_state *st)
{
    const char *impl = ct_bench_user(st);
    size_t cap = (size_t)ct_bench_arg(st, 0);
    pp_run *r = ct_alloc_aligned(sizeof *r);

    if (!r) {
        ct_bench_error(st, "out of memory");
        return NULL;
    }
    r->a = ct_chan_new(impl, sizeof(uint64_t), cap);
    r->b = ct_chan_new(impl, sizeof(uint64_t), cap);
    if (!r->a || !r->b) {
        ct_bench_error(st, "ct_chan_new(%s, cap %zu): %s", impl, cap, strerror(errno));
        pp_free(r);
        return NULL;
    }
    r->chans[0] = r->a;
    r->chans[1] = r->b;
    if (!ct__chan_guard_start(st, &r->guard, r->chans, 2)) {
        pp_free(r);
        return NULL;
    }
    return r;
}

/* Side `side` had a send or receive return rc (not CT_OK). */
static void pp_fail(pp_run *r, int side, int rc)
{
    if (!r->fails[side]++)
        r->first_fail[side] = rc;
}

static void pp_thread(ct_bench_state *st)
{
    pp_run *r = ct_bench_shared(st);
    bool stopped = r == NULL;
    uint64_t n = 0, v;
    int rc;

    ct__chan_guard_watch(true);
    if (ct_bench_thread_index(st) == 0) {
        if (r)
            r->t0 = ct_now_ns();
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
            if (stopped)
                continue;
            uint64_t t = (n & (LAT_EVERY - 1)) ? 0 : ct_now_ns();
            if (CT_UNLIKELY((rc = ct_chan_send(r->a, &n)) != CT_OK ||
                            (rc = ct_chan_recv(r->b, &v)) != CT_OK)) {
                pp_fail(r, 0, rc); /* fine only if the echo was cut short (it closed b) */
                stopped = true;
                continue;
            }
            if (CT_UNLIKELY(v != n))
                r->mismatches++;
            if (t) {
                uint64_t now = ct_now_ns();
                ct_hist_add(&r->hist, now - t);
            }
            n++;
        }
        if (r)
            ct_bench_items(st, r->trips = n);
    } else {
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
            if (stopped)
                continue;
            if (CT_UNLIKELY((rc = ct_chan_recv(r->a, &v)) != CT_OK ||
                            (rc = ct_chan_send(r->b, &v)) != CT_OK)) {
                pp_fail(r, 1, rc); /* fine only if thread 0 was cut short (it closed a) */
                stopped = true;
                continue;
            }
            if (CT_UNLIKELY(v != n))
                r->echo_bad++;
            n++;
        }
    }
}

/* As a side's loop ends (before the harness's end barrier, where it would
 * be too late): close both channels, so a partner cut short or still
 * waiting, in either its send or its receive, does not block forever (the
 * time budget can end one side's loop while the other is mid-trip; closing
 * only the outgoing channel once left a sender on the other one asleep). A
 * second close of a channel just returns CT_CLOSED. */
static void pp_done(ct_bench_state *st, void *shared)
{
    pp_run *r = shared;
    int side = ct_bench_thread_index(st);

    ct__chan_guard_watch(false);
    if (!r)
        return;
    if (side == 0)
        r->t1 = ct_now_ns();
    r->cut[side] = ct_bench_truncated(st); /* before the close the other side may see */
    ct_chan_close(r->a);
    ct_chan_close(r->b);
}

/* ---- rt:go: both sides as coroutines --------------------------------------- */

static void pp_echo_co(void *arg)
{
    pp_run *r = arg;
    uint64_t v, n = 0;
    int rc;

    /* until pp_go_done closes a; a failed send is an error */
    for (; ct_chan_recv(r->a, &v) == CT_OK; n++) {
        if (CT_UNLIKELY(v != n))
            r->echo_bad++;
        if ((rc = ct_chan_send(r->b, &v)) != CT_OK) {
            pp_fail(r, 1, rc);
            break;
        }
    }
    ct_wg_done(r->echo_wg);
}

/* batch_n more round trips, continuing the count in trips. */
static void pp_ping_co(void *arg)
{
    pp_run *r = arg;
    uint64_t n = r->trips, v;
    int rc;

    for (uint64_t i = 0; i < r->batch_n && !r->stopped; i++, n++) {
        uint64_t t = (n & (LAT_EVERY - 1)) ? 0 : ct_now_ns();

        if (CT_UNLIKELY((rc = ct_chan_send(r->a, &n)) != CT_OK ||
                        (rc = ct_chan_recv(r->b, &v)) != CT_OK)) {
            pp_fail(r, 0, rc); /* no time budget here: always an error */
            r->stopped = true;
            break;
        }
        if (CT_UNLIKELY(v != n))
            r->mismatches++;
        if (t)
            ct_hist_add(&r->hist, ct_now_ns() - t);
    }
    r->trips = n;
    ct_wg_done(r->batch_wg);
}

static void pp_go_thread(ct_bench_state *st)
{
    pp_run *r = ct_bench_shared(st);
    uint64_t n;

    if (!ct__go_driver(st, r && r->echo_wg && r->batch_wg))
        return;
    ct__chan_guard_watch(true);
    /* stopped is the pinging coroutine's while it runs: written here only
     * when none was started (a data race otherwise, which TSan reported) */
    if (!ct__go_counted(st, r->echo_wg, pp_echo_co, r, "the echo"))
        r->stopped = true;
    r->t0 = ct_now_ns();
    while ((n = ct_bench_next_batch(st)) != 0) {
        if (r->stopped)
            continue;
        r->batch_n = n;
        if (!ct__go_counted(st, r->batch_wg, pp_ping_co, r, "the pinging side"))
            r->stopped = true;
        else
            ct_wg_wait(r->batch_wg); /* its writes to r happen-before this returns */
    }
    ct_bench_items(st, r->trips);
}

/* Thread 0, before the harness stops the clock: end the echo. */
static void pp_go_done(ct_bench_state *st, void *shared)
{
    pp_run *r = shared;

    if (ct_bench_thread_index(st) != 0)
        return;
    ct__chan_guard_watch(false);
    if (!r || !r->echo_wg)
        return;
    r->t1 = ct_now_ns();
    ct_chan_close(r->a);
    ct_chan_close(r->b);
    ct_wg_wait(r->echo_wg);
}

static void *pp_go_setup(ct_bench_state *st)
{
    pp_run *r = pp_setup(st);

    if (r && (!(r->echo_wg = ct_wg_new()) || !(r->batch_wg = ct_wg_new())))
        ct_bench_error(st, "out of memory");
    return r;
}

static void pp_teardown(ct_bench_state *st, void *shared)
{
    pp_run *r = shared;

    if (!r)
        return;
    ct__chan_guard_stop(st, &r->guard);
    if (r->echo_bad)
        ct_bench_error(st,
                       "%llu pings reached the echo out of sequence (lost, duplicated or "
                       "reordered)",
                       (unsigned long long)r->echo_bad);
    if (r->mismatches)
        ct_bench_error(st, "%llu pongs did not match their ping",
                       (unsigned long long)r->mismatches);
    for (int side = 0; side < 2; side++)
        if (r->fails[side] && !r->cut[1 - side])
            ct_bench_error(st,
                           "the %s side: a send or receive returned %s (%llu failed) though no "
                           "time budget cut the other side",
                           side ? "echoing" : "pinging", ct_strstatus(r->first_fail[side]),
                           (unsigned long long)r->fails[side]);
    if (r->trips && r->t1 > r->t0)
        ct_bench_counter(st, "ns_per_msg", (double)(r->t1 - r->t0) / (double)r->trips,
                         CT_COUNTER_TOTAL);
    ct_bench_counter(st, "lat_p50_ns", (double)ct_hist_quantile(&r->hist, 0.50), CT_COUNTER_TOTAL);
    ct_bench_counter(st, "lat_p99_ns", (double)ct_hist_quantile(&r->hist, 0.99), CT_COUNTER_TOTAL);
    ct_bench_counter(st, "lat_p999_ns", (double)ct_hist_quantile(&r->hist, 0.999),
                     CT_COUNTER_TOTAL);
    ct_bench_counter(st, "lat_samples", (double)r->hist.count, CT_COUNTER_TOTAL);
    pp_free(r);
}

void ct__chan_pingpong_register(const ct_bench_config *cfg, const char *impl, bool general)
{
    static const int64_t caps[] = {0, 1};
    static const int two[] = {2};
    char name[96];

    (void)cfg; /* the same two points in quick mode */
    snprintf(name, sizeof name, "chan/pingpong/%s", impl);
    ct_bench *b = ct_bench_register(&(ct_bench_def){.name = name,
                                                    .run = pp_thread,
                                                    .setup = pp_setup,
                                                    .teardown = pp_teardown,
                                                    .loop_done = pp_done,
                                                    .user = (void *)impl});
    /* benchmark-only rings have no cap 0 */
    ct_bench_param(b, "cap", general ? caps : caps + 1, general ? 2 : 1);
    ct_bench_thread_counts(b, two, 1);
    ct_bench_time_budget(
        b,
        cfg->quick ? 0.1 : 0.2); /* above min_time, or Google Benchmark keeps growing the count */
    if (!ct__chan_runs_on_coroutines(impl))
        return;
    snprintf(name, sizeof name, "chan/pingpong/%s/rt:go", impl);
    b = ct_bench_register(&(ct_bench_def){.name = name,
                                          .run = pp_go_thread,
                                          .setup = pp_go_setup,
                                          .teardown = pp_teardown,
                                          .loop_done = pp_go_done,
                                          .user = (void *)impl});
    if (!b)
        ct_die("chan/pingpong/%s/rt:go: out of memory registering it", impl);
    ct_bench_param(b, "cap", general ? caps : caps + 1, general ? 2 : 1);
    ct_bench_thread_counts(b, two, 1);
}
