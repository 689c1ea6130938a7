/*
 * pipeline_early_return: the pipeline's consumer returns at the first error
 * and leaves every upstream stage blocked.
 *
 * Go (seed 003's 生产级Pipeline, presented as correct): Collector does
 * `for r := range in { if r.Err != nil { return nil, r.Err } ... }`. After
 * that return nobody receives from the last stage, so it blocks sending
 * its next result, the stage before it blocks sending to it, and so on up
 * to the generator: each stage's select also waits on ctx.Done(), but a
 * caller whose context outlives the call (a server's, or Background) never
 * cancels it, and the goroutines stay for ever. The seed's own example
 * hits it: its filter returns an error for the first odd square, 1. C: the
 * seed's generator -> square -> filter -> Collector on contend's channels,
 * ctx.Done() a done channel the caller never closes; contend's leak checker
 * finds the three stages blocked in their channel selects. Fixed: the
 * Collector keeps the first error and drains its input to the end, so
 * every stage finishes and closes its channel (cancelling would stop them
 * sooner, but the seed's generator answers a cancel with one more send).
 */
#include "pitfall.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

enum { NUMS = 100, STAGES = 3 };

struct result {
    int value, err; /* the seed's Result{Value, Err} */
};

struct stage {
    ct_chan *in, *out, *done;
    int (*fn)(int v, int *out); /* a Processor's ProcessFunc; NULL: the generator */
};

static int square(int v, int *out)
{
    *out = v * v;
    return 0;
}

static int keep_even(int v, int *out)
{
    *out = v;
    return v % 2 ? -EINVAL : 0; /* "odd number filtered" */
}

static void *stage_run(void *arg)
{
    struct stage *s = arg;
    struct result r = {0, 0};
    if (!s->fn) { /* GeneratorWithContext(ctx, 1..NUMS) */
        for (int n = 1; n <= NUMS; n++) {
            r.value = n;
            if (ct_pitfall_send_or_done(s->out, &r, s->done) != 0)
                break;
        }
    } else { /* Processor: pass errors on, apply fn to values */
        while (ct_chan_recv(s->in, &r) == CT_OK) {
            if (!r.err)
                r.err = s->fn(r.value, &r.value);
            if (ct_pitfall_send_or_done(s->out, &r, s->done) != 0)
                break;
        }
    }
    ct_chan_close(s->out);
    return NULL;
}

/* Collector: the values, or the first error; drain: fixed */
static int collect(ct_chan *in, int drain, int *values)
{
    struct result r;
    int err = 0;
    *values = 0;
    while (ct_chan_recv(in, &r) == CT_OK) {
        if (r.err && !err) {
            err = r.err;
            if (!drain)
                return err; /* bad: the stages above still have values to send */
        }
        *values += !err;
    }
    return err;
}

static int run(int fixed)
{
    ct_leakcheck lc;
    ct_chan *done = ct_chan_new(NULL, 1, 0), *ch[STAGES];
    struct stage st[STAGES];
    pthread_t t[STAGES];
    int (*fns[STAGES])(int, int *) = {NULL, square, keep_even};
    for (int i = 0; i < STAGES; i++)
        if (!(ch[i] = ct_chan_new(NULL, sizeof(struct result), 0)))
            return 1;
    if (!done || ct_leakcheck_begin(&lc) < 0)
        return 1;
    for (int i = 0; i < STAGES; i++) {
        st[i] = (struct stage){i ? ch[i - 1] : NULL, ch[i], done, fns[i]};
        pthread_create(&t[i], NULL, stage_run, &st[i]);
    }
    int values, err = collect(ch[STAGES - 1], fixed, &values);
    if (fixed)
        for (int i = 0; i < STAGES; i++)
            pthread_join(t[i], NULL);
    ct_pitfall_figure("collector_error", err);
    ct_pitfall_figure("values_before_error", values);
    if (ct_pitfall_leakcheck_end(&lc)) {
        ct_pitfall_write();
        _exit(0); /* the leaked stages hold the channels */
    }
    for (int i = 0; i < STAGES; i++)
        ct_chan_free(ch[i]);
    ct_chan_free(done);
    return err == -EINVAL ? 0 : 1;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
