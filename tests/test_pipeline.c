/*
 * test_pipeline.c: the seeds' pipeline patterns done right, on every
 * general channel design, in every tree.
 *
 *   cancel/<impl>          a 4-stage pipeline (source, two stages, sink);
 *                          the sink cancels a ct_ctx after N items. Every
 *                          stage selects on its input (or output) and on
 *                          the context's done channel, so every stage
 *                          exits and every thread is joined: the leak
 *                          checker (ct_leakcheck.h) finds none left, and
 *                          the sink delivers nothing once it has seen the
 *                          cancel.
 *   cancel_unchecked/<impl> the same with the source's cancel check removed
 *                          (it sends without the done channel): once stage
 *                          1 has gone it blocks on a full channel for ever,
 *                          and the leak checker must name it (the case
 *                          passes when the leak is found; it then closes the
 *                          channels to free the thread). The source is the
 *                          stage whose leak is certain: it always has more
 *                          to send, where a middle stage may find its input
 *                          closed first.
 *   result/<impl>          the second stage fails on one item; the error
 *                          travels downstream in the item (the seeds'
 *                          Result{value, err}); the sink gets every item,
 *                          exactly that one with that error.
 *   errgroup/<impl>        the stages run in an errgroup (group.h); the
 *                          second stage's error ends the group: its context
 *                          cancels the others, every stage exits, wait
 *                          returns that error, the sink got only items
 *                          before the failing one, in order.
 *
 * A ct_ctx has no channel to select on; ctx_done() makes one as Go's
 * ctx.Done() is: a thread waits for the context and closes a channel, which
 * every stage selects on. Nothing here waits on a sleep for progress.
 */
#include "chan.h"
#include "ct_leakcheck.h"
#include "ct_test.h"
#include "ctx.h"
#include "group.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
    STAGES = 4,           /* source, stage 1, stage 2, sink */
    CAP = 4,              /* between stages: buffered, so values sit in flight */
    CANCEL_AT = 100,      /* the sink cancels after this many items */
    SOURCE_MAX = 1 << 20, /* a source that is never cancelled stops here */
    RESULT_ITEMS = 1000,  /* result/: items the source sends */
    BAD_ITEM = 337,       /* the item stage 2 fails on */
    STAGE_ERR = -EIO,     /* its error */
    LEAK_WAIT_MS = 5000,  /* the leak checker's patience for exiting threads */
    LEAK_SURE_MS = 1000   /* cancel_unchecked/: the source never exits */
};

/* A value on its way: the seeds' Result{value, err}. */
typedef struct result {
    uint64_t seq, v;
    int err;
} result;

/* The stages' work: each a known function, so the sink can check v. */
static uint64_t stage_fn(int k, uint64_t v)
{
    return v * 3 + (uint64_t)k;
}

static uint64_t expect_v(uint64_t seq)
{
    return stage_fn(2, stage_fn(1, seq));
}

/* ---- ctx_done: a channel closed when a context is done (Go's ctx.Done()) -- */

typedef struct ctx_done {
    ct_ctx *ctx;
    ct_chan *done;
    pthread_t thread;
} ctx_done;

static void *ctx_done_main(void *arg)
{
    ctx_done *d = arg;

    (void)ct_ctx_wait(d->ctx, -1);
    ct_chan_close(d->done);
    return NULL;
}

static void ctx_done_start(ctx_done *d, const char *impl, ct_ctx *ctx)
{
    d->ctx = ctx;
    d->done = ct_chan_new(impl, 1, 0);
    CT_CHECK(d->done);
    CT_CHECK(pthread_create(&d->thread, NULL, ctx_done_main, d) == 0);
}

/* After the context is done: join the thread, free the channel. */
static void ctx_done_stop(ctx_done *d)
{
    CT_CHECK(pthread_join(d->thread, NULL) == 0);
    ct_chan_free(d->done);
}

/* ---- the stage pattern ------------------------------------------------------ */

enum { GOT = 0, IN_CLOSED = 1, CANCELLED = 2 };

/* select { case v := <-in: GOT; case <-done: CANCELLED }; in closed: IN_CLOSED. */
static int recv_or_done(ct_chan *in, ct_chan *done, result *out)
{
    char x;
    ct_case cs[2] = {{in, CT_RECV, out, 0}, {done, CT_RECV, &x, 0}};
    int i = ct_chan_select(cs, 2, -1);

    CT_CHECK(i == 0 || i == 1);
    return i == 1 ? CANCELLED : cs[0].status == CT_OK ? GOT : IN_CLOSED;
}

/* select { case out <- v: GOT; case <-done: CANCELLED }. */
static int send_or_done(ct_chan *out, ct_chan *done, const result *v)
{
    char x;
    ct_case cs[2] = {{out, CT_SEND, (void *)v, 0}, {done, CT_RECV, &x, 0}};
    int i = ct_chan_select(cs, 2, -1);

    CT_CHECK(i == 0 || i == 1);
    CT_CHECK(i == 1 || cs[0].status == CT_OK); /* nobody closes a channel under its sender */
    return i == 1 ? CANCELLED : GOT;
}

typedef struct pipe {
    const char *impl;
    ct_chan *c[STAGES - 1]; /* c[k]: stage k -> stage k + 1 */
    ct_chan *done;          /* NULL: no cancellation (result/) */
    ct_ctx *cancel;         /* the sink cancels it after CANCEL_AT items (cancel/) */
    uint64_t source_n;      /* items the source sends before closing */
    bool unchecked;         /* the source ignores done (cancel_unchecked/) */
    bool fail_inline;       /* stage 2 puts its error into the item (result/) */
    bool fail_return;       /* stage 2 returns its error (errgroup/) */
    /* the sink's: written by its thread, read after it is joined */
    uint64_t delivered, after_cancel_seen, bad_seq, bad_v, errs, err_seq;
    int err;
    bool saw_cancel, saw_close;
} pipe;

static void pipe_init(pipe *p, const char *impl)
{
    memset(p, 0, sizeof *p);
    p->impl = impl;
    for (int k = 0; k < STAGES - 1; k++)
        CT_CHECK((p->c[k] = ct_chan_new(impl, sizeof(result), CAP)) != NULL);
}

static void pipe_free(pipe *p)
{
    for (int k = 0; k < STAGES - 1; k++)
        ct_chan_free(p->c[k]);
}

/* Stage 0: send 0, 1, ... until source_n or done; close its output. */
static int source(pipe *p)
{
    for (uint64_t i = 0; i < p->source_n; i++) {
        result r = {.seq = i, .v = i};
        if (p->done && !p->unchecked ? send_or_done(p->c[0], p->done, &r) == CANCELLED
                                     : ct_chan_send(p->c[0], &r) != CT_OK)
            break;
    }
    ct_chan_close(p->c[0]); /* Go's defer close(out) */
    return 0;
}

/* Stages 1 and 2: receive, work, send on; done or a closed input ends it. */
static int middle(pipe *p, int k)
{
    ct_chan *in = p->c[k - 1], *out = p->c[k];
    bool checked = p->done != NULL;
    int ret = 0;
    result r;

    for (;;) {
        if (checked ? recv_or_done(in, p->done, &r) != GOT : ct_chan_recv(in, &r) != CT_OK)
            break;
        if (k == 2 && r.seq == BAD_ITEM && (p->fail_inline || p->fail_return)) {
            if (p->fail_return) {
                ret = STAGE_ERR; /* errgroup: the group's context cancels the rest */
                break;
            }
            r.err = STAGE_ERR; /* Result{err}: passed on, the value untouched */
        } else if (!r.err)
            r.v = stage_fn(k, r.v);
        if (checked ? send_or_done(out, p->done, &r) != GOT : ct_chan_send(out, &r) != CT_OK)
            break;
    }
    ct_chan_close(out);
    return ret;
}

/* Stage 3: take items until the input closes or the cancel is seen. */
static int sink(pipe *p)
{
    char x;
    result r;

    for (;;) {
        int got = p->done ? recv_or_done(p->c[STAGES - 2], p->done, &r)
                  : ct_chan_recv(p->c[STAGES - 2], &r) == CT_OK ? GOT
                                                                : IN_CLOSED;
        /* a select with both ready picks either: look at done before
         * delivering, so nothing is delivered once the cancel is seen; and
         * an input closed because stage 2 saw done is the cancel too (its
         * close comes after done's) */
        if (got == CANCELLED || (p->done && ct_chan_try_recv(p->done, &x) == CT_CLOSED)) {
            p->saw_cancel = true;
            break;
        }
        if (got == IN_CLOSED) {
            p->saw_close = true;
            break;
        }
        if (r.seq != p->delivered && !p->bad_seq)
            p->bad_seq = r.seq + 1;
        if (r.err) {
            p->errs++;
            p->err = r.err;
            p->err_seq = r.seq;
        } else if (r.v != expect_v(r.seq) && !p->bad_v)
            p->bad_v = r.seq + 1;
        if (++p->delivered == CANCEL_AT && p->cancel)
            ct_ctx_cancel(p->cancel);
    }
    return 0;
}

static int run_stage(pipe *p, int k)
{
    return k == 0 ? source(p) : k == STAGES - 1 ? sink(p) : middle(p, k);
}

typedef struct stage_arg {
    pipe *p;
    int k;
    pthread_t thread;
} stage_arg;

static void *stage_main(void *arg)
{
    stage_arg *a = arg;

    (void)run_stage(a->p, a->k);
    return NULL;
}

static void start_stages(pipe *p, stage_arg *a)
{
    for (int k = 0; k < STAGES; k++) {
        a[k] = (stage_arg){p, k, 0};
        CT_CHECK(pthread_create(&a[k].thread, NULL, stage_main, &a[k]) == 0);
    }
}

static void join_stages(stage_arg *a)
{
    for (int k = 0; k < STAGES; k++)
        CT_CHECK(pthread_join(a[k].thread, NULL) == 0);
}

/* ---- cancel/ and cancel_unchecked/ ----------------------------------------- */

/* The leak count after the cancel; every thread joined before it returns. */
static int run_cancel(const char *impl, bool unchecked, pipe *p)
{
    ct_leakcheck lc;
    stage_arg a[STAGES];
    ctx_done d;
    int leaked;

    pipe_init(p, impl);
    CT_CHECK(ct_leakcheck_begin(&lc) == 0);
    p->cancel = ct_ctx_with_cancel(ct_ctx_background());
    CT_CHECK(p->cancel);
    ctx_done_start(&d, impl, p->cancel);
    p->done = d.done;
    p->source_n = SOURCE_MAX;
    p->unchecked = unchecked;
    start_stages(p, a);
    /* the sink cancels; wait for it as a caller would, then for the threads */
    CT_CHECK(ct_ctx_wait(p->cancel, -1) == CT_CANCELED);
    leaked = ct_leakcheck_end(&lc, NULL, unchecked ? LEAK_SURE_MS : LEAK_WAIT_MS,
                              unchecked ? stdout : stderr);
    CT_CHECK(leaked >= 0);
    if (leaked)
        for (int k = 0; k < STAGES - 1; k++)
            ct_chan_close(p->c[k]); /* free what is stuck, so it can be joined */
    join_stages(a);
    ctx_done_stop(&d);
    ct_ctx_release(p->cancel);
    pipe_free(p);
    return leaked;
}

static int test_cancel(void *arg)
{
    pipe p;

    CT_CHECK(run_cancel(arg, false, &p) == 0); /* every stage exited by itself */
    CT_CHECK(p.saw_cancel && !p.saw_close);    /* the sink stopped on the cancel */
    CT_CHECK(p.delivered >= CANCEL_AT && p.delivered < SOURCE_MAX);
    CT_CHECK(p.bad_seq == 0 && p.bad_v == 0 && p.errs == 0); /* each in order, worked */
    return 0;
}

static int test_cancel_unchecked(void *arg)
{
    pipe p;
    int leaked = run_cancel(arg, true, &p);

    if (leaked < 1)
        ct_test_fail("the source ignores the cancel, yet the leak checker found no thread left");
    CT_CHECK(p.saw_cancel && p.bad_seq == 0 && p.bad_v == 0);
    return 0;
}

/* ---- result/ ----------------------------------------------------------------- */

static int test_result(void *arg)
{
    pipe p;
    stage_arg a[STAGES];

    pipe_init(&p, arg);
    p.source_n = RESULT_ITEMS;
    p.fail_inline = true;
    start_stages(&p, a);
    join_stages(a);
    pipe_free(&p);
    CT_CHECK(p.saw_close && p.delivered == RESULT_ITEMS); /* every item arrived */
    CT_CHECK(p.bad_seq == 0 && p.bad_v == 0);             /* in order, worked */
    CT_CHECK(p.errs == 1 && p.err_seq == BAD_ITEM && p.err == STAGE_ERR);
    return 0;
}

/* ---- errgroup/ --------------------------------------------------------------- */

static pipe *group_pipe; /* the case's pipe: one case per process */

static int group_stage(ct_ctx *ctx, void *arg)
{
    (void)ctx; /* seen through the done channel */
    return run_stage(group_pipe, (int)(intptr_t)arg);
}

static int test_errgroup(void *arg)
{
    pipe p;
    ct_leakcheck lc;
    ct_group *g;
    ctx_done d;

    pipe_init(&p, arg);
    CT_CHECK(ct_leakcheck_begin(&lc) == 0);
    CT_CHECK((g = ct_group_new(ct_ctx_background())) != NULL);
    ctx_done_start(&d, arg, ct_group_ctx(g));
    p.done = d.done;
    p.source_n = SOURCE_MAX;
    p.fail_return = true;
    group_pipe = &p;
    for (int k = 0; k < STAGES; k++)
        CT_CHECK(ct_group_go(g, group_stage, (void *)(intptr_t)k) == 0);
    CT_CHECK(ct_group_wait(g) == STAGE_ERR); /* the first error, that one */
    CT_CHECK(ct_group_errors(g) == 1);       /* the others stopped cleanly */
    ctx_done_stop(&d); /* wait cancelled the group's context: the bridge ended */
    ct_group_free(g);
    CT_CHECK(ct_leakcheck_end(&lc, NULL, LEAK_WAIT_MS, stderr) == 0);
    pipe_free(&p);
    /* only items before the failing one; in order, worked, none lost between */
    CT_CHECK(p.delivered <= BAD_ITEM && p.bad_seq == 0 && p.bad_v == 0 && p.errs == 0);
    return 0;
}

/* ---- the cases: each pattern on every general design ------------------------ */

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        ct_test_fn fn;
    } kinds[] = {{"cancel", test_cancel},
                 {"cancel_unchecked", test_cancel_unchecked},
                 {"result", test_result},
                 {"errgroup", test_errgroup}};
    static ct_test_case cases[4 * 16];
    static char names[4 * 16][64];
    size_t n = 0;

    for (const ct_chan_ops *const *o = ct_chan_impls(); *o; o++) {
        if (!ct_chan_is_general(*o) || ct_test_broken((*o)->desc.caps))
            continue; /* the broken designs are the conformance test's */
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            if (n == sizeof cases / sizeof cases[0]) {
                fprintf(stderr, "test_pipeline: more designs than cases\n");
                return 2;
            }
            snprintf(names[n], sizeof names[n], "%s/%s", kinds[k].name, (*o)->desc.name);
            cases[n] = (ct_test_case){.name = names[n],
                                      .fn = kinds[k].fn,
                                      .arg = (void *)(*o)->desc.name,
                                      .timeout_s = 30};
            n++;
        }
    }
    return ct_test_main(argc, argv, cases, n);
}
