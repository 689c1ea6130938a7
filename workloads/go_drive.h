/*
 * go_drive.h: what the workloads' rt:go variants share (chan_pingpong.c,
 * chan_pipeline.c, chan_pipework.c, chan_flow.c): the work is coroutines (go.h), and bench
 * thread 0 drives them, since Google Benchmark's batches may be asked for
 * from bench threads only (its barriers would block a worker); the other
 * bench threads run out their loops, so threads:N keeps naming the roles.
 */
#ifndef CT_GO_DRIVE_H
#define CT_GO_DRIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "chan.h"
#include "ct_bench.h"
#include "go.h"

/* Bench threads other than 0, or any when !ok: run out the loop and
 * return false. Thread 0 with ok: return true (it drives). */
bool ct__go_driver(ct_bench_state *st, bool ok);

/* Start fn(arg) on a coroutine counted in wg (it calls ct_wg_done as it
 * ends): true; or fail the run naming `what` and return false (wg then
 * does not count it). */
bool ct__go_counted(ct_bench_state *st, ct_wg *wg, ct_go_fn fn, void *arg, const char *what);

/* A chain of coroutine stages fed by a generator (the rt:go pipelines).
 * Bench thread 0 starts stages 1..stages-1 (at most CT__GO_CHAIN_MAX - 1)
 * once, each stage(run, k) on a coroutine counted in stages_wg,
 * then, for each batch the harness hands out, sets *gen_n and runs
 * generate(run) on a coroutine (which ends with ct_wg_done(gen_wg)) and
 * waits for it; after a failed start or a generator error (*gen_errs) it
 * runs the loop out. *t0 is set when the stages are started. The driver
 * watches the channels (ct__chan_guard_watch) while it drives. The stages
 * end in the caller's loop_done, ct__go_chain_done. Returns whether this
 * thread drove (thread 0 with run set). */
#define CT__GO_CHAIN_MAX 16

typedef struct ct__go_chain {
    int stages;                      /* stage 0 is the generator */
    ct_wg *stages_wg, *gen_wg;       /* the stages' count, the generator's */
    void (*stage)(void *run, int k); /* stage k's loop, until its input closes */
    ct_go_fn generate;               /* generate(run) */
    void *run;
    uint64_t *gen_n, *t0;     /* written by the driver before each use */
    const uint64_t *gen_errs; /* the generator's failed sends so far */
} ct__go_chain;

bool ct__go_drive_chain(ct_bench_state *st, const ct__go_chain *c);
/* The chain's loop_done, on bench thread 0 before the clock stops: stop
 * watching, close the generator's channel `first` and wait for the stages
 * (stages_wg) to drain it. Other threads, or a run whose setup failed
 * (NULLs): nothing to close. */
void ct__go_chain_done(ct_bench_state *st, ct_chan *first, ct_wg *stages_wg);

#endif /* CT_GO_DRIVE_H */
