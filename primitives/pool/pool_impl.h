/*
 * pool_impl.h: the pool family's competitor contract (installed: a design
 * outside the tree includes <contend/pool_impl.h>; examples/pool_*.c).
 *
 * The core (pool.c and its files) owns pool.h's API for every design alike:
 * blocking and context-bound submits over the design's non-blocking
 * try_submit, wait, task errors, statistics, shutdown and its deadline. A
 * design supplies a ct_pool_vt and calls back into the core for what every
 * design must do the same way:
 *
 *   run a task            ct_pool_run_task (accounts for it: wait, errors)
 *   drop queued tasks     ct_pool_drop_tasks (an aborting close)
 *   free queue room       ct_pool_space_notify (wakes blocked submitters)
 *   start and end threads ct_pool_start_worker, ct_pool_spawn_thread,
 *                         ct_pool_thread_started / _ended (statistics)
 *   park idle workers     ct_pool_idle_wait / _notify / _wake_all (optional:
 *                         a design may block its workers its own way)
 *
 * Its state hangs off the pool (ct_pool_set_state in start); the validated
 * parameters are ct_pool_params_of's.
 *
 * Synchronization table: how the core calls the vt (may the row run
 * concurrently with the column, on the same pool?), and the calls back:
 *
 *              | start | try_submit | close | join | destroy
 * -------------+-------+------------+-------+------+--------
 *  start       | no    | no         | no    | no   | no
 *  try_submit  | no    | yes        | yes   | no   | no
 *  close       | no    | yes        | no    | no   | no
 *  join        | no    | no         | no    | no   | no
 *  destroy     | no    | no         | no    | no   | no
 *
 *  - start runs once, before any submit; destroy once, last (after join, or
 *    after a start that failed and joined what it had started).
 *  - try_submit never blocks: 0 (queued: the task will run exactly once, or
 *    be dropped by an aborting close and counted through
 *    ct_pool_drop_tasks), CT_WOULDBLOCK (full: the core spins, then sleeps
 *    on the space word until the design calls ct_pool_space_notify),
 *    CT_CLOSED once close has begun, or -errno. A try_submit racing close
 *    either queues (and the task is then run or dropped) or says CT_CLOSED.
 *    The submitter's writes before a queued task happen-before it runs: the
 *    design's queue must publish the task (a mutex, or release/acquire).
 *  - close(p, abort) runs once, when ct_pool_closed(p) already reads true:
 *    stop accepting; with abort, drop what is queued; wake every thread of
 *    the design (the core then wakes blocked submitters and idle workers
 *    itself, and calls join). Without abort, the workers run what is queued
 *    and then leave.
 *  - Every ct_pool_* call below is thread-safe: workers, submitters (inside
 *    try_submit) and close may make them at once.
 *
 * C only (C11 atomics).
 */
#ifndef CT_POOL_IMPL_H
#define CT_POOL_IMPL_H

#ifdef __cplusplus
#error "pool_impl.h uses C11 atomics; C only"
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pool.h"

/* One task: fn(arg), its int return counted as the task's error. */
typedef struct ct_pool_task {
    ct_pool_fn fn;
    void *arg;
} ct_pool_task;

/* Blocked submitters sleep on a space word: the pool's own, or one per
 * queue for a design with several (vt->space). */
typedef struct ct_pool_space {
    _Atomic uint32_t seq;     /* futex word: bumped per wake */
    _Atomic uint32_t waiters; /* submitters asleep on seq, or about to be */
} ct_pool_space;

typedef struct ct_pool_vt {
    /* Start the design's threads; ct_pool_params_of(p) is validated, with
     * its defaults filled in. 0 or -errno (having joined what it started). */
    int (*start)(ct_pool *p);
    /* Queue t: 0, CT_WOULDBLOCK (full), CT_CLOSED or -errno. Never blocks. */
    int (*try_submit)(ct_pool *p, ct_pool_task t);
    /* Stop accepting (try_submit returns CT_CLOSED from now on); if abort,
     * drop what is queued through ct_pool_drop_tasks. Wake every thread. */
    void (*close)(ct_pool *p, bool abort);
    /* Join every thread (after close). */
    void (*join)(ct_pool *p);
    /* Free the design's memory (after join, or after a failed start). */
    void (*destroy)(ct_pool *p);
    /* Optional. A design that counts the tasks it accepted itself (per
     * submitting thread, so no submit writes a shared line) returns their
     * sum here, read seq_cst and only ever growing; it then reports
     * finished tasks in batches through ct_pool_finish_tasks, runs them with
     * ct_pool_exec_task, and the core keeps no per-task shared counter. */
    uint64_t (*submitted)(ct_pool *p);
    /* Optional: the space word the calling thread sleeps on after its
     * try_submit said CT_WOULDBLOCK (default: ct_pool_default_space). */
    ct_pool_space *(*space)(ct_pool *p);
} ct_pool_vt;

/* ---- the design's state and the pool's parameters --------------------------- */

void *ct_pool_state(const ct_pool *p);
/* In start, before any thread of the design reads it. */
void ct_pool_set_state(ct_pool *p, void *state);
const ct_pool_params *ct_pool_params_of(const ct_pool *p);
/* Shutdown has begun (a seq_cst load: usable in has_work's recheck). */
bool ct_pool_closed(const ct_pool *p);
/* ...and it drops what is queued instead of running it (read after
 * ct_pool_closed returned true). */
bool ct_pool_aborting(const ct_pool *p);

/* ---- tasks ----------------------------------------------------------------- */

/* Run one task on the calling thread and account for it (done, errors,
 * wait): every task a design runs goes through here, or through
 * ct_pool_exec_task and ct_pool_finish_tasks for a vt->submitted design. */
void ct_pool_run_task(ct_pool *p, ct_pool_task t);
/* n queued tasks were dropped (an aborting close): account for them. */
void ct_pool_drop_tasks(ct_pool *p, uint64_t n);
/* vt->submitted designs: run one task, recording only its error; and
 * account for `ran` tasks run and `dropped` dropped since the last call
 * (statistics, wait). */
void ct_pool_exec_task(ct_pool *p, ct_pool_task t);
void ct_pool_finish_tasks(ct_pool *p, uint64_t ran, uint64_t dropped);

/* ---- blocked submitters ----------------------------------------------------- */

ct_pool_space *ct_pool_default_space(ct_pool *p);
/* Room was freed: `room` slots are free out of `cap`. Wakes one blocked
 * submitter, if any, once at least half the room is free: a woken
 * submitter then has a burst of submits before it blocks again, instead of
 * paying a cross-core wake-up per task. Call it after every freeing (the
 * room only grows until a submitter runs, so the threshold is crossed). */
void ct_pool_space_notify(ct_pool_space *sp, size_t room, size_t cap);
/* Wake every submitter blocked on sp (the core does it for the default
 * space at shutdown; a design with vt->space does it in close). */
void ct_pool_space_wake_all(ct_pool_space *sp);

/* ---- threads ---------------------------------------------------------------- */

/* Start a thread of the pool: -errno on failure. Signals are blocked in it
 * (a pool thread never handles the process's signals). */
int ct_pool_spawn_thread(pthread_t *t, void *(*fn)(void *), void *arg);
/* The same for a worker, counted in the statistics (and uncounted if it
 * could not start); the worker calls ct_pool_thread_ended as it leaves. */
int ct_pool_start_worker(ct_pool *p, pthread_t *t, void *(*fn)(void *), void *arg);
/* A thread of the pool started / ended (statistics and trace). */
void ct_pool_thread_started(ct_pool *p);
void ct_pool_thread_ended(ct_pool *p);

/* ---- idle workers (optional) ------------------------------------------------ */

/* The core's idle protocol: a worker that finds nothing spins a while, then
 * sleeps; whoever makes work visible calls ct_pool_idle_notify, which wakes
 * one sleeper only when no worker is spinning. has_work(p) must read the
 * design's work state with seq_cst loads (it is the recheck of a Dekker
 * pair with the notifier) and be true once ct_pool_closed(p), so sleepers
 * leave at shutdown. Returns true if it saw work or was woken, false when
 * deadline_ns (absolute, ct_now_ns(); < 0: none) passed while asleep. */
bool ct_pool_idle_wait(ct_pool *p, bool (*has_work)(ct_pool *p), int64_t deadline_ns);
/* Work was made visible (after a seq_cst store that has_work reads). */
void ct_pool_idle_notify(ct_pool *p);
/* Wake every idle worker (the core does it at shutdown, after close). */
void ct_pool_idle_wake_all(ct_pool *p);

#endif /* CT_POOL_IMPL_H */
