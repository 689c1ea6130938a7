/*
 * chan_seq.c: one thread fills the channel, then empties it (crossbeam's
 * `seq`): no contention, no waiting, the bare cost of a send plus a receive.
 *
 *   chan/seq/<impl>/cap:<n>/real_time/threads:1      (buffered only)
 *
 * One iteration sends one message; every cap messages the thread receives
 * them all back and checks they come out in order, each the one sent; after
 * the last, the channel must be empty. items_per_second counts
 * messages (each sent and received once); ns_per_msg is the wall time per
 * message. No latency figures: a message waits for the cap - 1 sent after it
 * by construction.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chan.h"
#include "ct_bench.h"
#include "ct_work.h"
#include "chan_workloads.h"

static void seq_thread(ct_bench_state *st)
{
    const char *impl = ct_bench_user(st);
    size_t cap = (size_t)ct_bench_arg(st, 0);
    ct_chan *c = ct_chan_new(impl, sizeof(uint64_t), cap);
    uint64_t sent = 0, got = 0, bad_send = 0, bad_recv = 0, wrong = 0, v, t0 = 0, t1;
    size_t pending = 0;

    if (!c) {
        ct_bench_error(st, "ct_chan_new(%s, cap %zu): %s", impl, cap, strerror(errno));
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
        }
        return;
    }
    t0 = ct_now_ns();
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        if (CT_UNLIKELY(ct_chan_try_send(c, &sent) != CT_OK))
            bad_send++;
        sent++;
        if (++pending == cap) {
            for (; pending; pending--, got++)
                if (CT_UNLIKELY(ct_chan_try_recv(c, &v) != CT_OK))
                    bad_recv++;
                else if (CT_UNLIKELY(v != got))
                    wrong++;
        }
    }
    t1 = ct_now_ns();
    for (; pending; pending--, got++) /* the last partial round, untimed */
        if (ct_chan_try_recv(c, &v) != CT_OK)
            bad_recv++;
        else if (v != got)
            wrong++;
    int left = ct_chan_try_recv(c, &v); /* nothing: CT_WOULDBLOCK */
    if (bad_send || bad_recv || wrong || left != CT_WOULDBLOCK)
        ct_bench_error(st,
                       "%s: %llu sends failed, %llu receives found nothing where a value was "
                       "sent, %llu values out of sequence (lost, duplicated or reordered), %s "
                       "after the last",
                       impl, (unsigned long long)bad_send, (unsigned long long)bad_recv,
                       (unsigned long long)wrong,
                       left == CT_WOULDBLOCK ? "empty" : "a value left over");
    if (sent && t1 > t0)
        ct_bench_counter(st, "ns_per_msg", (double)(t1 - t0) / (double)sent, CT_COUNTER_TOTAL);
    ct_bench_items(st, sent);
    ct_chan_free(c);
}

void ct__chan_seq_register(const ct_bench_config *cfg, const char *impl, bool general)
{
    static const int64_t caps_full[] = {1, 64, 1024}, caps_quick[] = {64};
    static const int one[] = {1};
    char name[96];

    (void)general; /* one thread sends and one receives: every design fits */
    snprintf(name, sizeof name, "chan/seq/%s", impl);
    ct_bench *b =
        ct_bench_register(&(ct_bench_def){.name = name, .run = seq_thread, .user = (void *)impl});
    ct_bench_param(b, "cap", cfg->quick ? caps_quick : caps_full, cfg->quick ? 1 : 3);
    ct_bench_thread_counts(b, one, 1);
}
