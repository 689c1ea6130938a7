/* ct_deadlock.c: the deadlock watchdog (see ct_deadlock.h). */
#include "ct_deadlock.h"
#include "ct_sched_hooks.h"

#include <errno.h>
#include <stdbool.h>
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
    bool coroutines = false;

    for (size_t i = 0; i < n; i++)
        coroutines |= waits[i].coroutine != NULL;
    /* Go's words when coroutines are asleep too */
    fprintf(stderr, "all %s are asleep - deadlock!\n\n", coroutines ? "goroutines" : "threads");
    for (size_t i = 0; i < n; i++) {
        if (waits[i].coroutine)
            fprintf(stderr, "coroutine '%s' [%s]: on %p\n", waits[i].coroutine,
                    waits[i].op ? waits[i].op : "parked", waits[i].obj);
        else
            fprintf(stderr, "thread %d [%s]: on %p\n", (int)waits[i].tid, waits[i].op,
                    waits[i].obj);
    }
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

/* The coroutine scheduler's part (ct_sched_hooks.h): CT_SCHED_BUSY while a
 * coroutine runs or can run, else the parked ones' waits into out. */
static size_t coroutines_asleep(ct_wait_info *out, size_t n, uint64_t *progress)
{
    *progress = 0;
    if (!ct__sched_hooks || !ct__sched_hooks->quiescent)
        return 0; /* no scheduler: no coroutine */
    return ct__sched_hooks->quiescent(out, n, progress);
}

static void *watch(void *arg)
{
    (void)arg;
    int still = 0;
    uint64_t last = ct_wait_progress(), last_co = 0;
    while (!nap()) {
        size_t alive, waiting, nco;
        uint64_t now = ct_wait_progress(), now_co;
        ct_wait_info co[MAX_REPORTED];

        ct_wait_watched(&alive, &waiting);
        nco = coroutines_asleep(co, MAX_REPORTED / 2, &now_co);
        /* Nothing moved, and everyone is asleep in a wait (every watched
         * thread, and every coroutine): once may be a wake-up in flight;
         * CONFIRM_LOOKS in a row is a deadlock. */
        still = (alive > 0 && waiting == alive && now == last && nco != CT_SCHED_BUSY &&
                 now_co == last_co)
                    ? still + 1
                    : 0;
        last = now;
        last_co = now_co;
        if (still >= CONFIRM_LOOKS) {
            ct_wait_info w[MAX_REPORTED];
            size_t n = ct_wait_snapshot(w, MAX_REPORTED / 2);

            for (size_t i = 0; i < nco && i < MAX_REPORTED / 2; i++)
                w[n++] = co[i];
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
