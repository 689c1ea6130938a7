/*
 * sem_chan.c: `chan`, the seeds' idiom: a buffered channel of n tokens
 * (Go's make(chan struct{}, n)); acquire sends one (blocks while the buffer
 * is full), release receives one. The channel is contend's default design
 * (go_like), which parks coroutines. A release that finds no token queued
 * was not matched by an acquire: contract violation.
 */
#include <errno.h>

#include "chan.h"
#include "sem.h"

struct ct__sem_chan {
    ct_sem base; /* first: the header ct_sem_new fills in */
    ct_chan *ch;
};

static const char token = 0; /* what is sent: the element's value is never read */

static inline ct_chan *chan_of(ct_sem *s)
{
    return ((struct ct__sem_chan *)(void *)s)->ch;
}

static ct_sem *chan_create(unsigned n)
{
    struct ct__sem_chan *c = ct_alloc_aligned(sizeof *c);

    if (!c)
        return NULL;
    c->ch = ct_chan_new("go_like", 1,
                        n); /* named: its coroutine parking is what CT_CAP_COROUTINE claims */
    if (!c->ch) {
        int err = errno;

        ct_free_aligned(c);
        errno = err;
        return NULL;
    }
    return (ct_sem *)(void *)c;
}

static void chan_destroy(ct_sem *s)
{
    ct_chan_free(chan_of(s));
    ct_free_aligned(s);
}

/* The channel is never closed: any other status is a broken invariant. */
static int chan_status(const char *what, int rc)
{
    if (rc != 0 && rc != CT_WOULDBLOCK && rc != CT_TIMEOUT)
        ct_die("sem chan: %s: %s", what, ct_strstatus(rc));
    return rc;
}

static int chan_try_acquire(ct_sem *s)
{
    return chan_status("try_send", ct_chan_try_send(chan_of(s), &token));
}

static int chan_acquire_until(ct_sem *s, int64_t deadline_ns)
{
    int64_t left;

    if (deadline_ns < 0)
        return chan_status("send", ct_chan_send(chan_of(s), &token));
    left = deadline_ns - ct_now_ns();
    if (left <= 0) /* a zero timeout is Go's default: look once */
        return chan_try_acquire(s) == 0 ? 0 : CT_TIMEOUT;
    return chan_status("send_timeout", ct_chan_send_timeout(chan_of(s), &token, left));
}

static void chan_release(ct_sem *s)
{
    char got;

    if (chan_status("try_recv", ct_chan_try_recv(chan_of(s), &got)) != 0)
        ct_die("sem chan %p: release of a token not acquired (the channel is empty)", (void *)s);
}

const ct_sem_ops ct_sem_chan = {
    .desc = {.name = "chan",
             .summary = "the seeds' make(chan struct{}, n): acquire sends a token into contend's "
                        "go_like channel, release receives it",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_CAP_COROUTINE |
                     CT_SEM_CAP_CHECKED},
    .create = chan_create,
    .destroy = chan_destroy,
    .acquire_until = chan_acquire_until,
    .try_acquire = chan_try_acquire,
    .release = chan_release,
};
