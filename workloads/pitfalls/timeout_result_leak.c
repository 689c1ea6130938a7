/*
 * timeout_result_leak: after a timeout, the worker's send on an unbuffered
 * result channel blocks for ever.
 *
 * Go (the seeds present it as correct: seed 000's 陷阱5 doWork, seed 001's
 * 5.3 contextExample, seed 003's GeneratorWithContext):
 *
 *     result := make(chan string)
 *     go func() { ...; result <- v }()   // 001: `case <-ctx.Done(): resultChan <- "Task cancelled"`
 *     select { case res := <-result: ...; case <-ctx.Done(): return ctx.Err() }
 *
 * Once the caller has taken the ctx.Done branch nobody will ever receive,
 * and the worker's send blocks for ever: a goroutine leak per timed-out
 * call. C: the caller's ct_chan_recv_timeout gives up, then cancels the
 * context (Go's `defer cancel()`), which is what lets the worker finish, so
 * the worker's send always comes after the caller has stopped receiving;
 * contend's leak checker names the leaked thread and its `chan send`.
 * Fixed: a result channel with a buffer of one, so the send completes with
 * nobody listening and the worker ends (the seeds' own fix in 004 3.2).
 */
#include "pitfall.h"

#include "ctx.h"
#include <pthread.h>
#include <unistd.h>

struct call {
    ct_chan *result;
    ct_ctx *ctx;
};

/* seed 001's workerWithContext: work until done or cancelled, then report */
static void *worker(void *arg)
{
    struct call *c = arg;
    int v = ct_ctx_wait(c->ctx, INT64_C(10000000000)); /* time.After(10 s) */
    ct_chan_send(c->result, &v);                       /* bad: nobody receives any more */
    return NULL;
}

static int run(int fixed)
{
    ct_leakcheck lc;
    pthread_t t;
    struct call c = {ct_chan_new(NULL, sizeof(int), fixed ? 1 : 0),
                     ct_ctx_with_cancel(ct_ctx_background())};
    if (!c.result || !c.ctx || ct_leakcheck_begin(&lc) < 0)
        return 1;
    pthread_create(&t, NULL, worker, &c);
    int v, st = ct_chan_recv_timeout(c.result, &v, 20000000 /* 20 ms */);
    ct_ctx_cancel(c.ctx); /* defer cancel(): the worker wakes and reports */
    ct_pitfall_figure("recv_status", st);
    if (fixed)
        pthread_join(t, NULL);
    int leaked = ct_pitfall_leakcheck_end(&lc);
    if (leaked) {
        ct_pitfall_write();
        _exit(0); /* the leaked thread holds the channel and the context */
    }
    ct_chan_free(c.result);
    ct_ctx_release(c.ctx);
    return st == CT_TIMEOUT ? 0 : 1;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
