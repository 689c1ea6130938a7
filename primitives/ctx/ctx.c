/*
 * ctx.c: contexts (see ctx.h).
 *
 * One mutex for the shape of the whole tree (parent, child and sibling
 * links): it is taken only to create, cancel and release, never to poll, and
 * it makes a parent's release safe against a child's.
 *
 * Waiters sleep on a futex word (`done`, 0 -> 1 once), so a waiting
 * coroutine (go.h) parks and frees its worker (ct_futex_wait), and a timed
 * wait sleeps on the monotonic clock of every deadline here. A canceller
 * pays the wake-up only when someone waits: `nwait` and `done` are a Dekker
 * pair (each side writes its own, then reads the other's, both seq_cst).
 */
#include "ctx.h"
#include "ct_futex.h"
#include "ct_waitreg.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct ct_ctx {
    _Atomic int err;  /* 0 live, else why done; set once, with release */
    int64_t deadline; /* effective: own or inherited, 0 none; immutable */
    ct_ctx *parent;   /* tree links: guarded by tree_mu */
    ct_ctx *first_child, *next, *prev;
    _Atomic uint32_t done;  /* the waiters' futex word: 1 once err is set */
    _Atomic uint32_t nwait; /* waiters between their count and their return */
};

static pthread_mutex_t tree_mu = PTHREAD_MUTEX_INITIALIZER;
static ct_ctx background; /* never done */

ct_ctx *ct_ctx_background(void)
{
    return &background;
}

/* Under tree_mu: mark c and its descendants done, wake their waiters. */
static void cancel_locked(ct_ctx *c, int why)
{
    /* relaxed: tree_mu orders writers; readers pair with the store below */
    if (atomic_load_explicit(&c->err, memory_order_relaxed))
        return;
    /* release: pairs with the acquire load in ct_ctx_err */
    atomic_store_explicit(&c->err, why, memory_order_release);
    /* seq_cst, both: the canceller's side of the Dekker pair with ct_ctx_wait */
    atomic_store_explicit(&c->done, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&c->nwait, memory_order_seq_cst))
        ct_futex_wake(&c->done, INT_MAX);
    for (ct_ctx *ch = c->first_child; ch; ch = ch->next)
        cancel_locked(ch, why);
}

static void cancel_with(ct_ctx *c, int why)
{
    if (c == &background)
        return;
    pthread_mutex_lock(&tree_mu);
    cancel_locked(c, why);
    pthread_mutex_unlock(&tree_mu);
}

void ct_ctx_cancel(ct_ctx *c)
{
    cancel_with(c, CT_CANCELED);
}

int ct_ctx_err(ct_ctx *c)
{
    /* acquire: pairs with the release store in cancel_locked */
    int err = atomic_load_explicit(&c->err, memory_order_acquire);
    if (err || !c->deadline)
        return err;
    if (ct_now_ns() < c->deadline)
        return 0;
    cancel_with(c, CT_DEADLINE_EXCEEDED); /* the first to notice ends it */
    return atomic_load_explicit(&c->err, memory_order_acquire);
}

int64_t ct_ctx_deadline(const ct_ctx *c)
{
    return c->deadline;
}

static ct_ctx *make_child(ct_ctx *parent, int64_t deadline)
{
    ct_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    int64_t inherited = parent->deadline;
    c->deadline = inherited && (!deadline || inherited < deadline) ? inherited : deadline;
    atomic_init(&c->err, 0);
    pthread_mutex_lock(&tree_mu);
    /* relaxed: under tree_mu, which every canceller holds */
    int perr = atomic_load_explicit(&parent->err, memory_order_relaxed);
    if (perr) { /* born done; relaxed: published by the return of c */
        atomic_store_explicit(&c->err, perr, memory_order_relaxed);
        atomic_store_explicit(&c->done, 1, memory_order_relaxed);
    } else if (parent != &background) {
        c->parent = parent; /* background is never cancelled: no need to link */
        c->next = parent->first_child;
        if (c->next)
            c->next->prev = c;
        parent->first_child = c;
    }
    pthread_mutex_unlock(&tree_mu);
    return c;
}

ct_ctx *ct_ctx_with_cancel(ct_ctx *parent)
{
    return make_child(parent, 0);
}

ct_ctx *ct_ctx_with_deadline(ct_ctx *parent, int64_t deadline_ns)
{
    return make_child(parent, deadline_ns > 0 ? deadline_ns : 1);
}

ct_ctx *ct_ctx_with_timeout(ct_ctx *parent, int64_t timeout_ns)
{
    return ct_ctx_with_deadline(parent, ct_deadline_after(timeout_ns > 0 ? timeout_ns : 0));
}

int ct_ctx_wait(ct_ctx *c, int64_t timeout_ns)
{
    int64_t wake = timeout_ns < 0 ? -1 : ct_deadline_after(timeout_ns);
    int err;

    if ((err = ct_ctx_err(c)) != 0)
        return err;
    if (c->deadline && (wake < 0 || c->deadline < wake))
        wake = c->deadline;
    /* seq_cst: the waiter's side of the Dekker pair with cancel_locked */
    atomic_fetch_add_explicit(&c->nwait, 1, memory_order_seq_cst);
    if (wake < 0) /* only cancel can end it: the deadlock detector watches */
        ct_wait_enter("ctx wait", c);
    /* seq_cst: as above (read after our count) */
    while (!atomic_load_explicit(&c->done, memory_order_seq_cst) &&
           (wake < 0 || ct_now_ns() < wake))
        ct_futex_wait(&c->done, 0, wake);
    if (wake < 0)
        ct_wait_exit();
    /* relaxed: a count; cancel only needs to see it while we may sleep */
    atomic_fetch_sub_explicit(&c->nwait, 1, memory_order_relaxed);
    if ((err = ct_ctx_err(c)) != 0) /* cancelled, or its deadline passed */
        return err;
    return CT_TIMEOUT;
}

void ct_ctx_release(ct_ctx *c)
{
    if (!c || c == &background)
        return;
    pthread_mutex_lock(&tree_mu);
    cancel_locked(c, CT_CANCELED);
    if (c->parent) { /* unlink from the parent */
        if (c->prev)
            c->prev->next = c->next;
        else
            c->parent->first_child = c->next;
        if (c->next)
            c->next->prev = c->prev;
    }
    for (ct_ctx *ch = c->first_child, *nx; ch; ch = nx) { /* detach the children */
        nx = ch->next;
        ch->parent = ch->prev = ch->next = NULL;
    }
    pthread_mutex_unlock(&tree_mu);
    free(c);
}
