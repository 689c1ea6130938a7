/*
 * ct_waitreg.h: who is blocked where. Blocking primitives announce a wait
 * (the operation and the object) just before they sleep and withdraw it when
 * they wake, so that the leak checker can say what a leaked thread waits on
 * and the deadlock detector can see that every thread is asleep in one.
 *
 * Synchronization table:
 *
 *                  | enter/exit (own thread) | snapshot | progress
 * -----------------+-------------------------+----------+---------
 *  enter/exit      | no (one thread's own)   | yes      | yes
 *  snapshot        | yes                     | yes      | yes
 *
 *  - enter/exit touch only the calling thread's record (found through a
 *    thread-local pointer after the first call); they cost two relaxed
 *    stores and, for exit, one relaxed fetch_add: call them on the blocking
 *    path only, never on a fast path.
 *  - snapshot reads every record without locking: it may see a wait that
 *    has just ended or miss one that has just begun; callers that decide
 *    something (the deadlock detector) check twice, some time apart, that
 *    nothing has moved (ct_wait_progress).
 *  - On a coroutine (ct_sched_hooks.h) the wait is the coroutine's: it goes
 *    to the scheduler, which reports the waits of parked coroutines, and
 *    not to the worker thread's record.
 *  - Records are never freed: a thread's record is released at its exit and
 *    reused by a later thread, so their number is the peak thread count.
 *  - fork: the child keeps only the forking thread's record (with its new
 *    thread id, still watched if it was, not waiting); the parent's other
 *    threads do not exist there, and neither do their records.
 */
#ifndef CT_WAITREG_H
#define CT_WAITREG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_wait_info {
    pid_t tid;             /* the kernel thread id; 0 for a coroutine */
    const char *coroutine; /* a parked coroutine's name (go.h); NULL for a thread */
    const char *op;        /* "chan recv", "pool submit", ... (a string literal) */
    const void *obj;       /* the object waited on */
} ct_wait_info;

/* The calling thread is about to block in op on obj. op must be a string
 * with static storage. Returns -ENOMEM if the first record cannot be made
 * (the wait then simply goes unannounced). */
int ct_wait_enter(const char *op, const void *obj);
/* The calling thread's wait has ended. */
void ct_wait_exit(void);

/* Mark the calling thread as one the deadlock detector watches (the threads
 * "known to the harness"), or no longer. -ENOMEM if no record can be made. */
int ct_wait_watch_self(int watched);
/* Watched threads alive, and how many of them are now in an announced wait. */
void ct_wait_watched(size_t *alive, size_t *waiting);

/* Threads now announced as waiting: fills at most n, returns how many. */
size_t ct_wait_snapshot(ct_wait_info *out, size_t n);
/* The wait announced by thread tid, if any: 1 and *out filled, else 0. */
int ct_wait_of(pid_t tid, ct_wait_info *out);
/* How many waits have ended so far: unchanged over a while, with every
 * thread waiting, means nothing is moving. */
uint64_t ct_wait_progress(void);

#ifdef __cplusplus
}
#endif
#endif /* CT_WAITREG_H */
