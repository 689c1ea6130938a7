/*
 * waitgroup_mutex_cond.c: `mutex_cond`, the textbook WaitGroup: a count under
 * a pthread mutex and a condition variable broadcast when it reaches zero.
 * Waits block the thread. The last done broadcasts with the lock held, so a
 * waiter cannot return (and free the WaitGroup) before it has unlocked.
 */
#include <errno.h>
#include <pthread.h>

#include "ct_waitreg.h"
#include "waitgroup.h"

struct ct__waitgroup_mc {
    ct_waitgroup base; /* first: the header ct_waitgroup_new fills in */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    pthread_cond_t zero; /* broadcast when count reaches 0 */
    int64_t count;       /* guarded by lock */
};

static inline struct ct__waitgroup_mc *mc_of(ct_waitgroup *w)
{
    return (struct ct__waitgroup_mc *)(void *)w;
}

static void mc_check(const char *what, int err)
{
    if (CT_UNLIKELY(err))
        ct_die("waitgroup mutex_cond: %s: error %d", what, err);
}

static ct_waitgroup *mc_create(unsigned tasks)
{
    struct ct__waitgroup_mc *m = ct_alloc_aligned(sizeof *m);
    int err;

    (void)tasks;
    if (!m)
        return NULL;
    if ((err = pthread_mutex_init(&m->lock, NULL)) != 0 ||
        ((err = pthread_cond_init(&m->zero, NULL)) != 0 && !pthread_mutex_destroy(&m->lock))) {
        ct_free_aligned(m);
        errno = err;
        return NULL;
    }
    return (ct_waitgroup *)(void *)m;
}

static void mc_destroy(ct_waitgroup *w)
{
    struct ct__waitgroup_mc *m = mc_of(w);

    mc_check("cond destroy", pthread_cond_destroy(&m->zero));
    mc_check("mutex destroy", pthread_mutex_destroy(&m->lock));
    ct_free_aligned(m);
}

static void mc_add(ct_waitgroup *w, int64_t delta)
{
    struct ct__waitgroup_mc *m = mc_of(w);
    int64_t now;

    mc_check("lock", pthread_mutex_lock(&m->lock));
    now = m->count += delta;
    if (now == 0)
        mc_check("broadcast", pthread_cond_broadcast(&m->zero));
    mc_check("unlock", pthread_mutex_unlock(&m->lock));
    if (CT_UNLIKELY(now < 0))
        ct_die("waitgroup mutex_cond %p: negative counter (%lld): more done than add", (void *)m,
               (long long)now);
}

static void mc_done(ct_waitgroup *w)
{
    mc_add(w, -1);
}

static void mc_wait(ct_waitgroup *w)
{
    struct ct__waitgroup_mc *m = mc_of(w);
    int announced = 0;

    mc_check("lock", pthread_mutex_lock(&m->lock));
    while (m->count > 0) {
        if (!announced)
            announced = ct_wait_enter("waitgroup wait", m) == 0;
        mc_check("cond wait", pthread_cond_wait(&m->zero, &m->lock));
    }
    mc_check("unlock", pthread_mutex_unlock(&m->lock));
    if (announced)
        ct_wait_exit();
}

const ct_waitgroup_ops ct_waitgroup_mutex_cond = {
    .desc = {.name = "mutex_cond",
             .summary = "a count under a pthread mutex; a condition variable broadcast at zero",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING},
    .create = mc_create,
    .destroy = mc_destroy,
    .add = mc_add,
    .done = mc_done,
    .wait = mc_wait,
};
