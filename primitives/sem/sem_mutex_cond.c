/*
 * sem_mutex_cond.c: `mutex_cond`, the textbook semaphore: a count of free
 * tokens under a pthread mutex, and a condition variable (on CLOCK_MONOTONIC)
 * that release signals once per token. Waits block the thread.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "ct_waitreg.h"
#include "sem.h"

struct ct__sem_mutex_cond {
    ct_sem base; /* first: the header ct_sem_new fills in */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    pthread_cond_t freed; /* signalled once per released token */
    unsigned tokens;      /* free tokens; guarded by lock */
    unsigned n;
};

static inline struct ct__sem_mutex_cond *mc_of(ct_sem *s)
{
    return (struct ct__sem_mutex_cond *)(void *)s;
}

static void mc_check(const char *what, int err)
{
    if (CT_UNLIKELY(err))
        ct_die("sem mutex_cond: %s: error %d", what, err);
}

static ct_sem *mc_create(unsigned n)
{
    struct ct__sem_mutex_cond *m = ct_alloc_aligned(sizeof *m);
    pthread_condattr_t attr;
    int err;

    if (!m)
        return NULL;
    err = pthread_condattr_init(&attr);
    if (!err)
        err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (!err)
        err = pthread_cond_init(&m->freed, &attr);
    pthread_condattr_destroy(&attr);
    if (!err && (err = pthread_mutex_init(&m->lock, NULL)) != 0)
        pthread_cond_destroy(&m->freed);
    if (err) {
        ct_free_aligned(m);
        errno = err;
        return NULL;
    }
    m->tokens = m->n = n;
    return (ct_sem *)(void *)m;
}

static void mc_destroy(ct_sem *s)
{
    struct ct__sem_mutex_cond *m = mc_of(s);

    mc_check("cond destroy", pthread_cond_destroy(&m->freed));
    mc_check("mutex destroy", pthread_mutex_destroy(&m->lock));
    ct_free_aligned(m);
}

static int mc_try_acquire(ct_sem *s)
{
    struct ct__sem_mutex_cond *m = mc_of(s);
    int rc = CT_WOULDBLOCK;

    mc_check("lock", pthread_mutex_lock(&m->lock));
    if (m->tokens > 0) {
        m->tokens--;
        rc = 0;
    }
    mc_check("unlock", pthread_mutex_unlock(&m->lock));
    return rc;
}

static int mc_acquire_until(ct_sem *s, int64_t deadline_ns)
{
    struct ct__sem_mutex_cond *m = mc_of(s);
    struct timespec ts = {(time_t)(deadline_ns / 1000000000), (long)(deadline_ns % 1000000000)};
    int rc = 0, announced = 0;

    mc_check("lock", pthread_mutex_lock(&m->lock));
    while (m->tokens == 0) {
        int err;

        if (!announced)
            announced = ct_wait_enter("sem acquire", m) == 0;
        err = deadline_ns < 0 ? pthread_cond_wait(&m->freed, &m->lock)
                              : pthread_cond_timedwait(&m->freed, &m->lock, &ts);
        if (err == ETIMEDOUT && m->tokens == 0) {
            rc = CT_TIMEOUT;
            break;
        }
        if (err != ETIMEDOUT)
            mc_check("cond wait", err);
    }
    if (rc == 0)
        m->tokens--;
    mc_check("unlock", pthread_mutex_unlock(&m->lock));
    if (announced)
        ct_wait_exit();
    return rc;
}

static void mc_release(ct_sem *s)
{
    struct ct__sem_mutex_cond *m = mc_of(s);
    unsigned before;

    mc_check("lock", pthread_mutex_lock(&m->lock));
    before = m->tokens;
    if (before < m->n)
        m->tokens++;
    mc_check("unlock", pthread_mutex_unlock(&m->lock));
    if (CT_UNLIKELY(before >= m->n))
        ct_die("sem mutex_cond %p: release of a token not acquired (all %u free)", (void *)m, m->n);
    /* After unlocking: the woken waiter does not wake into a held lock. A
     * timed-out waiter that absorbed a signal saw tokens == 0, so none is
     * stranded beside a sleeper. */
    mc_check("cond signal", pthread_cond_signal(&m->freed));
}

const ct_sem_ops ct_sem_mutex_cond = {
    .desc = {.name = "mutex_cond",
             .summary = "a count under a pthread mutex; a condition variable signalled per "
                        "release",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_SEM_CAP_CHECKED},
    .create = mc_create,
    .destroy = mc_destroy,
    .acquire_until = mc_acquire_until,
    .try_acquire = mc_try_acquire,
    .release = mc_release,
};
