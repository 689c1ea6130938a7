/*
 * ctx.h: Go's context.Context in C: cancellation and deadlines that flow from
 * a parent to its children.
 *
 *     ct_ctx *ctx = ct_ctx_with_timeout(ct_ctx_background(), 50 * 1000000);
 *     ... hand ctx to workers; each polls ct_ctx_err(ctx) between units of
 *     work, or blocks in ct_ctx_wait(ctx, timeout) ...
 *     ct_ctx_release(ctx);   // Go's `defer cancel()`: cancels, then frees
 *
 * Synchronization table: may the row run concurrently with the column, on
 * the same context (or, for cancel, on an ancestor)?
 *
 *                | err / wait | cancel | with_* (child) | release
 * ---------------+------------+--------+----------------+--------
 *  err / wait    | yes        | yes    | yes            | no
 *  cancel        | yes        | yes    | yes            | no
 *  with_*        | yes        | yes    | yes            | no
 *  release       | no         | no     | no             | no
 *
 *  - Cancelling a context cancels all its descendants, never its parent.
 *    Cancel is idempotent: the first reason (canceled, or deadline
 *    exceeded) stays.
 *  - ct_ctx_err is cheap: one acquire load while the context is live and has
 *    no deadline; with a deadline (its own or an ancestor's) it also reads
 *    the monotonic clock, and the first caller past the deadline cancels the
 *    context with CT_DEADLINE_EXCEEDED (no timer thread is needed).
 *  - ct_ctx_wait sleeps on a futex word: a thread sleeps, a coroutine
 *    (go.h) parks and its worker runs others meanwhile.
 *  - Whatever a thread did before cancelling happens-before what a thread
 *    does after seeing the context done (err or wait returning its error).
 *  - Lifetime: the creator releases a context once no thread uses it (after
 *    joining the workers that got it). Releasing a parent before its
 *    children is allowed: the children are cancelled and detached, and stay
 *    valid until their own release.
 */
#ifndef CT_CTX_H
#define CT_CTX_H

#include "ct_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_ctx ct_ctx;

/* The root: never cancelled, no deadline; not to be released. */
ct_ctx *ct_ctx_background(void);
/* A child cancelled by ct_ctx_cancel or with its parent. NULL + errno on failure. */
ct_ctx *ct_ctx_with_cancel(ct_ctx *parent);
/* A child that is also done once deadline_ns (CLOCK_MONOTONIC, ns) passes. */
ct_ctx *ct_ctx_with_deadline(ct_ctx *parent, int64_t deadline_ns);
/* A child that is also done timeout_ns from now. */
ct_ctx *ct_ctx_with_timeout(ct_ctx *parent, int64_t timeout_ns);

/* Cancel c and its descendants (CT_CANCELED); no effect once done. */
void ct_ctx_cancel(ct_ctx *c);
/* 0 while live; CT_CANCELED or CT_DEADLINE_EXCEEDED once done. */
int ct_ctx_err(ct_ctx *c);
/* Wait until c is done (its error) or timeout_ns passes (CT_TIMEOUT);
 * timeout_ns < 0 waits for ever. */
int ct_ctx_wait(ct_ctx *c, int64_t timeout_ns);
/* The effective deadline (CLOCK_MONOTONIC ns, own or inherited), 0 if none. */
int64_t ct_ctx_deadline(const ct_ctx *c);
/* Cancel and free c (Go's defer cancel()). Background: no effect. */
void ct_ctx_release(ct_ctx *c);

/* The clock of deadlines is ct_now_ns() (ct_common.h, CLOCK_MONOTONIC ns). */

#ifdef __cplusplus
}
#endif
#endif /* CT_CTX_H */
