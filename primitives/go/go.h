/*
 * go.h: goroutines in C: coroutines on an M:N scheduler.
 *
 *     ct_wg *wg = ct_wg_new();
 *     ct_wg_add(wg, 1);
 *     ct_go(worker, wg);              // worker(void *arg) { ...; ct_wg_done(arg); }
 *     ct_wg_wait(wg);                 // from a thread or a coroutine
 *     ct_wg_free(wg);
 *     ct_go_shutdown();               // the coroutines still parked, reported
 *
 * A coroutine runs fn(arg) on a stack of its own (64 KiB of address space by
 * default; resident memory is only what it touches) on one of P worker
 * threads (CT_GOMAXPROCS, else the online CPUs; started by the first ct_go,
 * or by ct_go_start). Switches are Boost.Context's fcontext (a few ns, no
 * system call). Each worker has a run queue (a Chase-Lev deque, ct_deque.h)
 * and a slot for the coroutine it readied last (run next, as Go's runnext),
 * idle workers steal, and spawns from plain threads go through an injection
 * queue. Idle workers spin briefly, then sleep; a worker is woken only when
 * no worker is spinning (Go's rule).
 *
 * There is no preemption: a coroutine runs until it blocks, yields, or
 * starts one more than its worker's run queue holds (256): ct_go then
 * yields after queuing it, so a spawning loop cannot run ahead of what it
 * spawns without bound, each queued coroutine holding a stack (Go would
 * preempt it). A plain thread's ct_go gives up its CPU (sched_yield) when
 * the queue for spawns from threads holds as many per worker.
 *
 * Blocking parks the coroutine, not the thread, wherever the wait goes
 * through the parker (ct_futex.h): every design that declares CT_CAP_COROUTINE
 * (the go_like channels), ct_wg_wait, ct_sleep_until, ct_ctx_wait, the
 * errgroup of coroutines (group.h), the pools' waits. Waits that block the
 * thread itself (a pthread mutex or condition variable, a raw futex wait,
 * a system call) block the worker and every coroutine queued on it: see each
 * primitive's header.
 *
 * Thread identity: a coroutine that parks on one worker may resume on
 * another. Thread-local state (errno, a thread-keyed slot such as the
 * sharded pool's per-submitter queue) is the worker's, not the coroutine's:
 * read errno before any call that may park; primitives that take an explicit
 * thread index (counter, stack) need one per coroutine, as per thread.
 *
 * Synchronization table:
 *
 *                 | ct_go | yield | wg_add/done | wg_wait | start | shutdown
 * ----------------+-------+-------+-------------+---------+-------+---------
 *  ct_go          | yes   | yes   | yes         | yes     | yes   | no
 *  yield          | yes   | yes   | yes         | yes     | yes   | no
 *  wg_add/done    | yes   | yes   | yes         | yes     | yes   | no
 *  wg_wait        | yes   | yes   | yes         | yes     | yes   | no
 *  start          | yes   | yes   | yes         | yes     | no    | no
 *  shutdown       | no    | no    | no          | no      | no    | no
 *
 *  - Whatever ct_go's caller wrote before the call happens-before fn runs. A
 *    wg_done happens-before the wg_wait it releases returns.
 *  - shutdown is called from a plain thread once no more coroutine will be
 *    started or woken: it lets every runnable coroutine run until it exits
 *    or parks, stops the workers, reports each coroutine still parked
 *    (its name and the wait it announced) and frees them, with their stacks.
 *    The objects they were parked on must not be used afterwards. A later
 *    ct_go starts the scheduler again.
 */
#ifndef CT_GO_H
#define CT_GO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ct_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*ct_go_fn)(void *arg);

typedef struct ct_go_opts {
    size_t stack_size; /* bytes of address space; 0: 64 KiB; at least 16 KiB */
    const char *name;  /* for reports (static storage); NULL: "go" */
} ct_go_opts;

/* Start fn(arg) on a new coroutine. 0, -ENOMEM (no stack), -EAGAIN (the
 * scheduler's threads could not start) or -EINVAL (bad options). On a
 * coroutine it may yield (a full run queue, see above): hold no lock that
 * blocks threads across it. */
int ct_go(ct_go_fn fn, void *arg);
int ct_go_with(const ct_go_opts *opts, ct_go_fn fn, void *arg);

/* On a coroutine: let the others run (it is queued behind them). On a
 * plain thread: sched_yield. */
void ct_go_yield(void);

/* Is the caller a coroutine? */
bool ct_go_in_coroutine(void);

/* Start the scheduler with procs workers (0: CT_GOMAXPROCS or the online
 * CPUs). 0, -EBUSY if it runs already, -EAGAIN or -EINVAL (a bad
 * CT_GOMAXPROCS: also printed). */
int ct_go_start(unsigned procs);

/* The workers of the running scheduler, 0 if it is not running. */
unsigned ct_go_procs(void);

/* See the synchronization table. Returns how many coroutines were still
 * parked (each reported on stderr); 0 if the scheduler was not running. */
size_t ct_go_shutdown(void);

typedef struct ct_go_stats {
    uint64_t started;       /* coroutines started since the scheduler started */
    uint64_t live;          /* started and not yet exited */
    uint64_t stacks;        /* stacks allocated (each reused after its coroutine exits) */
    uint64_t stacks_guard;  /* of which under a PROT_NONE guard page (the rest: a canary) */
    uint64_t worker_sleeps; /* times a worker went to sleep on its futex */
    uint64_t steals;        /* coroutines taken from another worker */
} ct_go_stats;

void ct_go_get_stats(ct_go_stats *out);

/* A WaitGroup (Go's sync.WaitGroup): add, done, wait, from threads and
 * coroutines alike; wait parks a coroutine. NULL + errno ENOMEM. */
typedef struct ct_wg ct_wg;
ct_wg *ct_wg_new(void);
/* Adds delta (may be negative); a count below zero is a contract
 * violation (it aborts, as Go panics). */
void ct_wg_add(ct_wg *wg, int64_t delta);
void ct_wg_done(ct_wg *wg);
void ct_wg_wait(ct_wg *wg);
void ct_wg_free(ct_wg *wg);

#ifdef __cplusplus
}
#endif
#endif /* CT_GO_H */
