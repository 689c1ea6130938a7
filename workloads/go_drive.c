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

bool ct__go_drive_chain(ct_bench_state *st, const ct__go_chain *c)
{
    bool ok = c->run && c->stages_wg && c->gen_wg;
    uint64_t n;

    if (!ct__go_driver(st, ok))
        return false;
    ct__chan_guard_watch(true);
    /* a stage missing would leave the others blocked: then start no more */
    for (int k = 1; k < c->stages && ok; k++)
        ok = ct__go_counted(st, c->stages_wg, c->stage, c->stage_args[k], "a stage");
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
        return;
    ct__chan_guard_watch(false);
    if (!first || !stages_wg)
        return;
    ct_chan_close(first);
    ct_wg_wait(stages_wg);
}
