/*
 * go_drive.h: what the workloads' rt:go variants share (chan_pingpong.c,
 * chan_pipeline.c, chan_flow.c): the work is coroutines (go.h), and bench
 * thread 0 drives them, since Google Benchmark's batches may be asked for
 * from bench threads only (its barriers would block a worker); the other
 * bench threads run out their loops, so threads:N keeps naming the roles.
 */
#ifndef CT_GO_DRIVE_H
#define CT_GO_DRIVE_H

#include <stdbool.h>

#include "ct_bench.h"
#include "go.h"

/* Bench threads other than 0, or any when !ok: run out the loop and
 * return false. Thread 0 with ok: return true (it drives). */
bool ct__go_driver(ct_bench_state *st, bool ok);

/* Start fn(arg) on a coroutine counted in wg (it calls ct_wg_done as it
 * ends): true; or fail the run naming `what` and return false (wg then
 * does not count it). */
bool ct__go_counted(ct_bench_state *st, ct_wg *wg, ct_go_fn fn, void *arg, const char *what);

#endif /* CT_GO_DRIVE_H */
