/*
 * sem_posix.c: `posix`, POSIX's sem_t (glibc: a futex word with a waiter
 * count, much as `futex` is; waits block the thread, not a coroutine).
 * The deadline goes to sem_clockwait on CLOCK_MONOTONIC, the clock of every
 * deadline here. sem_t cannot see a release of a token not acquired.
 */
#include <errno.h>
#include <semaphore.h>
#include <time.h>

#include "ct_tsan.h"
#include "sem.h"

struct ct__sem_posix {
    ct_sem base; /* first: the header ct_sem_new fills in */
    CT_CACHE_ALIGNED sem_t sem;
};

static inline sem_t *sem_of(ct_sem *s)
{
    return &((struct ct__sem_posix *)(void *)s)->sem;
}

static ct_sem *posix_create(unsigned n)
{
    struct ct__sem_posix *p = ct_alloc_aligned(sizeof *p);

    if (!p)
        return NULL;
    if (sem_init(&p->sem, 0, n) != 0) {
        int err = errno;

        ct_free_aligned(p);
        errno = err;
        return NULL;
    }
    return (ct_sem *)(void *)p;
}

static void posix_destroy(ct_sem *s)
{
    sem_destroy(sem_of(s));
    ct_free_aligned(s);
}

static int posix_try_acquire(ct_sem *s)
{
    while (sem_trywait(sem_of(s)) != 0) {
        if (errno == EAGAIN)
            return CT_WOULDBLOCK;
        if (errno != EINTR)
            ct_die("sem posix: sem_trywait: errno %d", errno);
    }
    return 0;
}

static int posix_acquire_until(ct_sem *s, int64_t deadline_ns)
{
    struct timespec ts = {(time_t)(deadline_ns / 1000000000), (long)(deadline_ns % 1000000000)};
    int rc;

    do
        rc = deadline_ns < 0 ? sem_wait(sem_of(s)) : sem_clockwait(sem_of(s), CLOCK_MONOTONIC, &ts);
    while (rc != 0 && errno == EINTR);
    if (rc == 0) {
        /* TSan intercepts sem_post (a release on the sem_t) and sem_wait, not
         * sem_clockwait: say that it acquired, pairing with that release */
        CT_TSAN_ACQUIRE(sem_of(s));
        return 0;
    }
    if (errno == ETIMEDOUT)
        return CT_TIMEOUT;
    ct_die("sem posix: sem_wait: errno %d", errno); /* EINVAL: a destroyed sem_t */
}

static void posix_release(ct_sem *s)
{
    if (sem_post(sem_of(s)) != 0)
        ct_die("sem posix: sem_post: errno %d", errno); /* EOVERFLOW */
}

const ct_sem_ops ct_sem_posix = {
    .desc = {.name = "posix",
             .summary = "POSIX sem_t (sem_wait, sem_trywait, sem_clockwait, sem_post)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = posix_create,
    .destroy = posix_destroy,
    .acquire_until = posix_acquire_until,
    .try_acquire = posix_try_acquire,
    .release = posix_release,
};
