/* ct_deadlock.c: the deadlock watchdog (see ct_deadlock.h). */
#include "ct_deadlock.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

enum { CONFIRM_LOOKS = 3, MAX_REPORTED = 64 };

static struct {
    pthread_t thread;
    int running; /* owned by the controlling thread */
    int period_ms;
    ct_deadlock_handler handler;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop; /* guarded by mu */
} dog = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

void ct_deadlock_report(const ct_wait_info *waits, size_t n)
{
    fprintf(stderr, "all threads are asleep - deadlock!\n\n");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "thread %d [%s]: on %p\n", (int)waits[i].tid, waits[i].op, waits[i].obj);
    fflush(stderr);
}

static void default_handler(const ct_wait_info *waits, size_t n)
{
    ct_deadlock_report(waits, n);
    _exit(CT_DEADLOCK_EXIT);
}

/* Wait period_ms or until stopped; returns 1 when stopped. */
static int nap(void)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += dog.period_ms / 1000;
    until.tv_nsec += (long)(dog.period_ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&dog.mu);
    while (!dog.stop &&
           pthread_cond_clockwait(&dog.cv, &dog.mu, CLOCK_MONOTONIC, &until) != ETIMEDOUT) {}
    int stop = dog.stop;
    pthread_mutex_unlock(&dog.mu);
    return stop;
}

static void *watch(void *arg)
{
    (void)arg;
    int still = 0;
    uint64_t last = ct_wait_progress();
    while (!nap()) {
        size_t alive, waiting;
        uint64_t now = ct_wait_progress();
        ct_wait_watched(&alive, &waiting);
        /* Nothing moved, and everyone is asleep in a wait: once may be a
         * wake-up in flight; CONFIRM_LOOKS in a row is a deadlock. */
        still = (alive > 0 && waiting == alive && now == last) ? still + 1 : 0;
        last = now;
        if (still >= CONFIRM_LOOKS) {
            ct_wait_info w[MAX_REPORTED];
            size_t n = ct_wait_snapshot(w, MAX_REPORTED);
            dog.handler(w, n);
            still = 0; /* a handler that returns keeps watching */
        }
    }
    return NULL;
}

int ct_deadlock_watch_start(int period_ms, ct_deadlock_handler handler)
{
    if (dog.running)
        return -EBUSY;
    dog.period_ms = period_ms > 0 ? period_ms : 100;
    dog.handler = handler ? handler : default_handler;
    dog.stop = 0;
    int err = pthread_create(&dog.thread, NULL, watch, NULL);
    if (err)
        return -err;
    dog.running = 1;
    return 0;
}

void ct_deadlock_watch_stop(void)
{
    if (!dog.running)
        return;
    pthread_mutex_lock(&dog.mu);
    dog.stop = 1;
    pthread_cond_signal(&dog.cv);
    pthread_mutex_unlock(&dog.mu);
    pthread_join(dog.thread, NULL);
    dog.running = 0;
}
