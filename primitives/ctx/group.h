/*
 * group.h: Go's errgroup in C: run tasks on threads, cancel them all at the
 * first error, wait for every one and get that first error back.
 *
 *     ct_group *g = ct_group_new(parent_ctx);
 *     ct_group_go(g, fetch, url1);             // int fetch(ct_ctx *ctx, void *arg)
 *     ct_group_go(g, fetch, url2);
 *     int err = ct_group_wait(g);              // 0, or the first non-zero return
 *     ct_group_free(g);
 *
 * Each task runs on its own thread (ct_group_new) or its own coroutine
 * (ct_group_new_go: go.h, as Go's errgroup starts goroutines; ct_group_wait
 * then parks a waiting coroutine) with the group's context, a child of the
 * parent: the first task to return non-zero cancels it (the others see
 * ct_ctx_err(ctx) != 0 and should stop), and so does the end of wait, as in
 * Go. No error is lost: the first is returned, and ct_group_errors counts
 * them all.
 *
 * Synchronization table, on one group:
 *
 *           | go  | wait | errors | free
 * ----------+-----+------+--------+-----
 *  go       | yes | no   | yes    | no
 *  wait     | no  | no   | yes    | no
 *  errors   | yes | yes  | yes    | no
 *
 *  - Every task's return happens-before wait returns.
 *  - go after wait has begun is a contract violation (as in Go).
 */
#ifndef CT_GROUP_H
#define CT_GROUP_H

#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_group ct_group;
typedef int (*ct_group_fn)(ct_ctx *ctx, void *arg);

/* A group whose context is a child of parent, each task on a new thread.
 * NULL + errno on failure. */
ct_group *ct_group_new(ct_ctx *parent);
/* The same, each task a coroutine on the M:N scheduler (go.h). */
ct_group *ct_group_new_go(ct_ctx *parent);
/* The context the tasks get. */
ct_ctx *ct_group_ctx(ct_group *g);
/* Start fn(ctx, arg) on a new thread or coroutine: 0, or -errno (the task did not start,
 * and counts as an error of the group). */
int ct_group_go(ct_group *g, ct_group_fn fn, void *arg);
/* Join every task; the first non-zero return (or start failure), else 0. */
int ct_group_wait(ct_group *g);
/* How many tasks returned non-zero (or failed to start) so far. */
int ct_group_errors(ct_group *g);
/* Free the group (after wait) and its context. */
void ct_group_free(ct_group *g);

#ifdef __cplusplus
}
#endif
#endif /* CT_GROUP_H */
