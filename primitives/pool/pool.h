/*
 * pool.h: the worker-pool family. One API, competing designs of "run these
 * tasks on some threads":
 *
 * The designs are listed once, in pool_list.h; each file's header says what
 * it does, `contend_bench --list-competitors` prints their summaries, and
 * ct_pool_params below says what each makes of the parameters.
 *
 *     ct_pool *p = ct_pool_new("fixed", &(ct_pool_params){.max_workers = 4});
 *     ct_pool_submit(p, task_fn, arg);        // int task_fn(void *arg)
 *     int first_err = ct_pool_wait(p);        // every task submitted so far ran
 *     ct_pool_shutdown(p, CT_POOL_DRAIN);     // or CT_POOL_ABORT: drop the queue
 *     // or by a deadline: drain until it, then drop what is left
 *     ct_pool_shutdown_deadline(p, ct_now_ns() + 100000000, CT_POOL_DRAIN);
 *     ct_pool_free(p);
 *
 * Synchronization table: may the row run concurrently with the column, on
 * the same pool?
 *
 *                   | submit* | wait | shutdown | stats/errors | free
 * ------------------+---------+------+----------+--------------+-----
 *  submit*          | yes     | yes  | yes      | yes          | no
 *  wait             | yes     | yes  | yes      | yes          | no
 *  shutdown         | yes     | yes  | no       | yes          | no
 *  stats/errors     | yes     | yes  | yes      | yes          | no
 *  free             | no      | no   | no       | no           | no
 *
 *  - submit* is submit, try_submit and submit_ctx. A task is run exactly
 *    once, or dropped by an abort (and counted); never both, never lost.
 *    Whatever the submitter wrote before a successful submit happens-before
 *    the task runs; a task's return happens-before the wait that sees it
 *    finished returns (and before shutdown returns).
 *  - submit blocks while the queue is full (announced as "pool submit" to
 *    ct_waitreg.h); try_submit returns CT_WOULDBLOCK instead; submit_ctx
 *    gives up with the context's error (CT_CANCELED, CT_DEADLINE_EXCEEDED)
 *    once it is done (checked before queueing and at least every 1 ms while
 *    blocked: ct_ctx offers no wake-up callback). After shutdown has begun
 *    they all return CT_CLOSED, blocked submitters included.
 *  - Tasks may submit to their own pool. On `stealing` such a submit goes to
 *    the worker's own deque (spilling to the injection queue, past its cap,
 *    when the deque is full: a worker never blocks on its own pool), and is
 *    accepted even once shutdown has begun, so a draining task tree
 *    finishes (an abort drops it instead, and counts it). On the
 *    other designs it is an ordinary submit: a task that blocks on a full
 *    queue of its own pool can deadlock it, as in Go.
 *  - wait returns once every task submitted before it was called, and any
 *    submitted meanwhile, has finished or been dropped: the first non-zero
 *    task return so far (0 if none).
 *  - shutdown(CT_POOL_DRAIN) runs what is queued; shutdown(CT_POOL_ABORT)
 *    drops it; both let running tasks finish, join every thread of the pool
 *    and return how many tasks were dropped. Only the first call acts; a
 *    second returns 0. free shuts down (drain) if nobody did.
 *    shutdown_deadline drains until a deadline, then aborts (one function
 *    over the others, the same for every design). "shutdown" in the table
 *    stands for both.
 *  - Tasks return int: every non-zero return is counted, the first is kept
 *    (ct_pool_errors; both are final once wait or shutdown has returned).
 *  - On a coroutine (go.h): wait, and a submit to a full queue, park the
 *    coroutine (ct_futex_wait parks a coroutine); shutdown joins threads
 *    (it blocks the worker). The `go` design's tasks are coroutines.
 *
 * The competitors are listed in pool_list.h; each is one .c file defining
 * its ct_pool_ops over an engine's vt (pool_impl.h: the contract, which a
 * design outside the tree writes to as well). Instances are
 * opaque (their first member is the ops, ct_pool_impl); ct_pool_new returns
 * NULL with errno (EINVAL for bad parameters or an unknown name, ENOSYS for
 * a design this build lacks, EAGAIN/ENOMEM when threads or memory fail).
 */
#ifndef CT_POOL_H
#define CT_POOL_H

#include "ct_common.h"
#include "ct_registry.h"
#include "ctx.h"
#include "pool_list.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_pool ct_pool;
typedef int (*ct_pool_fn)(void *arg);

typedef struct ct_pool_params {
    unsigned min_workers;    /* dynamic: the floor it retires down to (may be 0) */
    unsigned max_workers;    /* workers (fixed, stealing), the ceiling (dynamic),
                                tasks at once (spawn_sem); ignored by spawn. >= 1 */
    size_t queue_cap;        /* the bounded queue (injection queue for stealing,
                                each submitting thread's queue for sharded);
                                0: 1024; ignored by spawn and spawn_sem */
    int64_t idle_timeout_ns; /* dynamic: retire after this long idle; 0: 100 ms */
} ct_pool_params;

typedef struct ct_pool_stats {
    unsigned workers;         /* threads of the pool now */
    unsigned workers_peak;    /* the most at once */
    uint64_t threads_started; /* over the pool's life */
    uint64_t threads_retired; /* ended (retired idle, or finished their task) */
    uint64_t tasks_done;      /* ran to completion */
    uint64_t tasks_dropped;   /* dropped by an abort */
} ct_pool_stats;

/* One point of the worker-count trace: at t_ns (CLOCK_MONOTONIC) the pool
 * had `workers` threads. */
typedef struct ct_pool_sample {
    int64_t t_ns;
    unsigned workers;
} ct_pool_sample;

enum { CT_POOL_DRAIN = 0, CT_POOL_ABORT = 1, CT_POOL_DROP = CT_POOL_ABORT };

enum {
    CT_POOL_CAP_BOUNDED = 1u << 16,      /* submit can block (a queue or a thread limit) */
    CT_POOL_CAP_TRACE = 1u << 17,        /* records its worker count over time */
    CT_POOL_CAP_PER_TASK = 1u << 18,     /* a thread or coroutine per task: no queue, no order */
    CT_POOL_CAP_THREAD_SUBMIT = 1u << 19 /* a queue per submitting thread: coroutines may not
                                            submit (two on one worker would be two producers) */
};

/* The competitor's contract: one table per design. */
typedef struct ct_pool_ops {
    ct_impl_desc desc;           /* name ("fixed", ...), summary, caps (CT_CAP_* | CT_POOL_CAP_*) */
    const struct ct_pool_vt *vt; /* the design's functions (pool_impl.h) */
} ct_pool_ops;

#define CT__POOL_EXTERN(ident) extern const ct_pool_ops ident;
CT_POOL_LIST(CT__POOL_EXTERN)
#undef CT__POOL_EXTERN
CT_REGISTRY_DECLARE(pool)

/* A pool of competitor impl (NULL: the first listed); NULL + errno on
 * failure. min_workers threads (max_workers for fixed and stealing) are
 * started here. */
ct_pool *ct_pool_new(const char *impl, const ct_pool_params *params);
const ct_pool_ops *ct_pool_impl(const ct_pool *p);

/* 0, CT_CLOSED (shut down), or -errno (e.g. -EAGAIN: no thread could be
 * started for it; -EPERM: a coroutine (go.h) submitting to a pool whose
 * queues are per thread, CT_POOL_CAP_THREAD_SUBMIT); the task then does not
 * run. */
int ct_pool_submit(ct_pool *p, ct_pool_fn fn, void *arg);
/* As submit, CT_WOULDBLOCK instead of blocking. */
int ct_pool_try_submit(ct_pool *p, ct_pool_fn fn, void *arg);
/* As submit; the context's error once ctx is done (the task is not queued). */
int ct_pool_submit_ctx(ct_pool *p, ct_ctx *ctx, ct_pool_fn fn, void *arg);

/* Block until every submitted task has finished or been dropped; returns
 * the first non-zero task return so far, else 0. */
int ct_pool_wait(ct_pool *p);
/* Stop accepting, drain or abort, join every thread; tasks dropped. */
uint64_t ct_pool_shutdown(ct_pool *p, int mode);
/* Stop by a deadline (absolute, ct_now_ns(); < 0: none). CT_POOL_DRAIN
 * lets the workers run until every task submitted has finished or the
 * deadline passes, then shuts down: as drain if everything finished (0
 * dropped), else as abort (what is still queued is dropped, and counted).
 * CT_POOL_DROP (CT_POOL_ABORT) stops at once. Tasks running at the
 * deadline finish (a C task cannot be preempted), so it can return later
 * than the deadline by up to the longest task. Submits are accepted until
 * the final shutdown begins: stop the submitters first (as Go's
 * http.Server.Shutdown expects its listeners closed). Returns the tasks
 * dropped; a second shutdown of any kind returns 0. */
uint64_t ct_pool_shutdown_deadline(ct_pool *p, int64_t deadline_ns, int mode);
/* Shutdown (drain) if not done, then free. */
void ct_pool_free(ct_pool *p);

void ct_pool_get_stats(const ct_pool *p, ct_pool_stats *out);
/* Non-zero task returns so far; *first (if non-NULL) gets the first one. */
uint64_t ct_pool_errors(const ct_pool *p, int *first);
/* The worker-count trace of a CT_POOL_CAP_TRACE pool (one sample per change,
 * the first 4096 kept): copies at most n, returns how many there are. */
size_t ct_pool_trace(const ct_pool *p, ct_pool_sample *out, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* CT_POOL_H */
