/*
 * ctx.c: contexts (see ctx.h).
 *
 * One mutex for the shape of the whole tree (parent, child and sibling
 * links): it is taken only to create, cancel and release, never to poll, and
 * it makes a parent's release safe against a child's. Each context has its
 * own mutex and condition variable (on CLOCK_MONOTONIC) for its waiters.
 * Lock order: tree, then a context's own.
 */
#include "ctx.h"
#include "ct_waitreg.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct ct_ctx {
    _Atomic int err;  /* 0 live, else why done; set once, with release */
    int64_t deadline; /* effective: own or inherited, 0 none; immutable */
    ct_ctx *parent;   /* tree links: guarded by tree_mu */
    ct_ctx *first_child, *next, *prev;
    pthread_mutex_t mu; /* the waiters' */
    pthread_cond_t cv;
};

static pthread_mutex_t tree_mu = PTHREAD_MUTEX_INITIALIZER;
static ct_ctx background = {.mu = PTHREAD_MUTEX_INITIALIZER,
                            .cv = PTHREAD_COND_INITIALIZER}; /* never done */

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
    pthread_mutex_lock(&c->mu);
    /* release: pairs with the acquire load in ct_ctx_err / ct_ctx_wait */
    atomic_store_explicit(&c->err, why, memory_order_release);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
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
    pthread_condattr_t ca;
    if (!c)
        return NULL;
    if (pthread_condattr_init(&ca) || pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) ||
        pthread_cond_init(&c->cv, &ca) || pthread_mutex_init(&c->mu, NULL)) {
        free(c);
        errno = ENOMEM;
        return NULL;
    }
    pthread_condattr_destroy(&ca);
    int64_t inherited = parent->deadline;
    c->deadline = inherited && (!deadline || inherited < deadline) ? inherited : deadline;
    atomic_init(&c->err, 0);
    pthread_mutex_lock(&tree_mu);
    /* relaxed: under tree_mu, which every canceller holds */
    int perr = atomic_load_explicit(&parent->err, memory_order_relaxed);
    if (perr) {
        atomic_store_explicit(&c->err, perr, memory_order_relaxed); /* born done */
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
    return ct_ctx_with_deadline(parent, ct_now_ns() + (timeout_ns > 0 ? timeout_ns : 0));
}

int ct_ctx_wait(ct_ctx *c, int64_t timeout_ns)
{
    int64_t until = timeout_ns < 0 ? 0 : ct_now_ns() + timeout_ns;
    int err;
    if ((err = ct_ctx_err(c)) != 0)
        return err;
    if (c == &background && timeout_ns < 0) {
        /* Waiting for ever on what never ends: a deadlock, and said so. */
        ct_wait_enter("ctx wait", c);
        pthread_mutex_lock(&tree_mu);
        for (;;)
            pthread_cond_wait(&background.cv, &tree_mu);
    }
    for (;;) {
        int64_t wake = until;
        if (c->deadline && (!wake || c->deadline < wake))
            wake = c->deadline;
        pthread_mutex_lock(&c->mu);
        if (!wake)
            ct_wait_enter("ctx wait", c);
        /* acquire: pairs with the release store in cancel_locked */
        while (!(err = atomic_load_explicit(&c->err, memory_order_acquire))) {
            if (!wake) {
                pthread_cond_wait(&c->cv, &c->mu);
                continue;
            }
            struct timespec ts = {wake / 1000000000, wake % 1000000000};
            if (pthread_cond_timedwait(&c->cv, &c->mu, &ts) == ETIMEDOUT)
                break;
        }
        if (!wake)
            ct_wait_exit();
        pthread_mutex_unlock(&c->mu);
        if (err)
            return err;
        if ((err = ct_ctx_err(c)) != 0)
            return err; /* the deadline passed */
        if (until && ct_now_ns() >= until)
            return CT_TIMEOUT;
    }
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
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
