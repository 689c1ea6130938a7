/*
 * once_pthread.c: `pthread`, POSIX's pthread_once. Its init routine takes no
 * argument, so the caller leaves fn and arg in thread-local slots first: the
 * routine runs on the thread that won, which is the one that set them.
 */
#include <pthread.h>

#include "once.h"

struct ct__once_pthread {
    ct_once base; /* first: the header ct_once_new fills in */
    CT_CACHE_ALIGNED pthread_once_t once;
};

static _Thread_local ct_once_fn tls_fn;
static _Thread_local void *tls_arg;

static void trampoline(void)
{
    tls_fn(tls_arg);
}

static ct_once *pthread_create_once(void)
{
    struct ct__once_pthread *p = ct_alloc_aligned(sizeof *p);

    if (p)
        p->once = (pthread_once_t)PTHREAD_ONCE_INIT;
    return (ct_once *)(void *)p;
}

static void pthread_destroy_once(ct_once *o)
{
    ct_free_aligned(o);
}

static void pthread_run(ct_once *o, ct_once_fn fn, void *arg)
{
    struct ct__once_pthread *p = (struct ct__once_pthread *)(void *)o;
    int err;

    tls_fn = fn;
    tls_arg = arg;
    if (CT_UNLIKELY((err = pthread_once(&p->once, trampoline)) != 0))
        ct_die("once pthread: pthread_once: error %d", err);
}

const ct_once_ops ct_once_pthread = {
    .desc = {.name = "pthread",
             .summary = "POSIX pthread_once (fn and arg passed through thread-local slots)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING},
    .create = pthread_create_once,
    .destroy = pthread_destroy_once,
    .run = pthread_run,
};
