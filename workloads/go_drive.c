/* go_drive.c: the rt:go variants' shared driving (see go_drive.h). */
#include "go_drive.h"

#include "chan_workloads.h"

#include <string.h>

bool ct__go_driver(ct_bench_state *st, bool ok)
{
    if (ct_bench_thread_index(st) == 0 && ok)
        return true;
    CT_BENCH_LOOP(st, i)
    {
        (void)i; /* the work is coroutines: nothing to do here */
    }
    return false;
}

bool ct__go_counted(ct_bench_state *st, ct_wg *wg, ct_go_fn fn, void *arg, const char *what)
{
    int err;

    ct_wg_add(wg, 1);
    if ((err = ct_go(fn, arg)) == 0)
        return true;
    ct_wg_done(wg);
    ct_bench_error(st, "rt:go: cannot start %s: %s", what, strerror(-err));
    return false;
}

/* One stage's coroutine; its argument lives in the driver's frame, which
 * outlasts the stages (loop_done waits for them inside the driver's loop). */
typedef struct {
    const ct__go_chain *c;
    int k;
} chain_stage;

static void chain_stage_co(void *arg)
{
    const chain_stage *a = arg;

    a->c->stage(a->c->run, a->k);
    ct_wg_done(a->c->stages_wg);
}

bool ct__go_drive_chain(ct_bench_state *st, const ct__go_chain *c)
{
    bool ok = c->run && c->stages_wg && c->gen_wg;
    chain_stage args[CT__GO_CHAIN_MAX];
    uint64_t n;

    if (ok && c->stages > CT__GO_CHAIN_MAX) {
        if (ct_bench_thread_index(st) == 0)
            ct_bench_error(st, "rt:go: %d stages, at most %d", c->stages, CT__GO_CHAIN_MAX);
        ok = false;
    }
    if (!ct__go_driver(st, ok))
        return false;
    ct__chan_guard_watch(true);
    /* a stage missing would leave the others blocked: then start no more */
    for (int k = 1; k < c->stages && ok; k++) {
        args[k] = (chain_stage){c, k};
        ok = ct__go_counted(st, c->stages_wg, chain_stage_co, &args[k], "a stage");
    }
    *c->t0 = (uint64_t)ct_now_ns();
    while ((n = ct_bench_next_batch(st)) != 0) {
        if (!ok || *c->gen_errs)
            continue;
        *c->gen_n = n;
        ok = ct__go_counted(st, c->gen_wg, c->generate, c->run, "the generator");
        ct_wg_wait(c->gen_wg);
    }
    return true;
}

void ct__go_chain_done(ct_bench_state *st, ct_chan *first, ct_wg *stages_wg)
{
    if (ct_bench_thread_index(st) != 0)
        return; /* only the driver was watched */
    ct__chan_chain_done(st, stages_wg ? first : NULL);
    if (first && stages_wg)
        ct_wg_wait(stages_wg);
}
