/*
 * sem.h: the counting-semaphore family (the seeds' `make(chan struct{}, n)`):
 * competing designs of "at most n holders at once", behind one API:
 *
 *     ct_sem *s = ct_sem_new("futex", 10);   // 10 tokens; NULL: the first listed
 *     ct_sem_acquire(s);                     // blocks while all 10 are held
 *     ... at most 10 threads or coroutines here at once ...
 *     ct_sem_release(s);
 *     int rc = ct_sem_acquire_ctx(s, ctx);   // 0, or ctx's error once it is done
 *     ct_sem_free(s);
 *
 * The competitors are listed in sem_list.h; each is one .c file defining its
 * ct_sem_ops (the contract below).
 *
 * Synchronization table: may the row run concurrently with the column, on the
 * same semaphore?
 *
 *                 | acquire* | release | create/destroy
 * ----------------+----------+---------+---------------
 *  acquire*       | yes      | yes     | no
 *  release        | yes      | yes     | no
 *  create/destroy | no       | no      | no
 *
 *  - acquire* is acquire, try_acquire, acquire_until and acquire_ctx. At most
 *    n tokens are held at any time. A release happens-before the acquire that
 *    takes its token returns (so what a holder wrote is visible to the next
 *    holder of that token, as with Go's channel receive and send).
 *  - acquire blocks until a token is free; try_acquire returns CT_WOULDBLOCK
 *    instead; acquire_until gives up at an absolute CLOCK_MONOTONIC deadline
 *    with CT_TIMEOUT (it may still take a token found free at the deadline);
 *    acquire_ctx gives up with the context's error (CT_CANCELED,
 *    CT_DEADLINE_EXCEEDED) once it is done: checked before waiting and at
 *    least every 1 ms while blocked (ct_ctx offers no wake-up callback), as
 *    the pool's submit_ctx does. A call that gives up holds no token.
 *  - release returns one token; releasing more than was acquired is a
 *    contract violation: the designs that can see it (CT_SEM_CAP_CHECKED)
 *    print a message and abort, in every build.
 *  - No fairness is promised: a new acquirer may take a token before a
 *    sleeping one (barging), as with Go's channels.
 *  - Designs with CT_CAP_COROUTINE park a coroutine (go.h) instead of its
 *    worker thread; the others block the worker.
 *  - destroy with a waiter still blocked is a contract violation.
 *
 * Memory: ct_sem_new allocates (cache-line aligned), ct_sem_free frees.
 * ct_sem_new returns NULL with errno (EINVAL: an unknown name, or n 0 or
 * above CT_SEM_MAX; ENOSYS: a design this build lacks; ENOMEM).
 */
#ifndef CT_SEM_H
#define CT_SEM_H

#include "ct_common.h"
#include "ct_registry.h"
#include "ctx.h"
#include "sem_list.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most tokens a semaphore may have (POSIX guarantees SEM_VALUE_MAX >= 32767). */
#define CT_SEM_MAX 32767u

/* The family's own capability: release of a token not acquired aborts. */
enum { CT_SEM_CAP_CHECKED = 1u << 16 };

typedef struct ct_sem_ops ct_sem_ops;

/* Every design's semaphore starts with this header (set by ct_sem_new). */
typedef struct ct_sem {
    const ct_sem_ops *ops;
} ct_sem;

/* The competitor's contract: one table per design. */
struct ct_sem_ops {
    ct_impl_desc desc; /* name ("futex", ...), summary, caps */
    /* A semaphore of n tokens (1 <= n <= CT_SEM_MAX), all free: NULL + errno. */
    ct_sem *(*create)(unsigned n);
    void (*destroy)(ct_sem *s);
    /* 0 once a token is held, or CT_TIMEOUT at the absolute CLOCK_MONOTONIC
     * deadline_ns (deadline_ns < 0: none, never CT_TIMEOUT). */
    int (*acquire_until)(ct_sem *s, int64_t deadline_ns);
    /* 0, or CT_WOULDBLOCK when no token is free. */
    int (*try_acquire)(ct_sem *s);
    void (*release)(ct_sem *s);
};

#define CT__SEM_EXTERN(ident) extern const ct_sem_ops ident;
CT_SEM_LIST(CT__SEM_EXTERN)
#undef CT__SEM_EXTERN
CT_REGISTRY_DECLARE(sem)

/* A semaphore of design impl (NULL: the first listed) with n tokens. */
ct_sem *ct_sem_new(const char *impl, unsigned n);
void ct_sem_free(ct_sem *s);

static inline const ct_sem_ops *ct_sem_impl(const ct_sem *s)
{
    return s->ops;
}

/* Inline: the hot path is one indirect call. */
static inline int ct_sem_acquire(ct_sem *s)
{
    return s->ops->acquire_until(s, -1);
}

static inline int ct_sem_try_acquire(ct_sem *s)
{
    return s->ops->try_acquire(s);
}

static inline int ct_sem_acquire_until(ct_sem *s, int64_t deadline_ns)
{
    return s->ops->acquire_until(s, deadline_ns);
}

static inline void ct_sem_release(ct_sem *s)
{
    s->ops->release(s);
}

/* 0, or the context's error once ctx is done (no token is then held). */
int ct_sem_acquire_ctx(ct_sem *s, ct_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif /* CT_SEM_H */
