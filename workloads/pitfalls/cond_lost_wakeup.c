/*
 * cond_lost_wakeup: a condition variable signalled before anyone waits, and
 * waited on without a predicate.
 *
 * Go (seed 001's sync.Cond queue): `cond.Wait()` must sit in
 * `for !condition { cond.Wait() }`; a Signal with no waiter is lost. C: the
 * producer signals, then the consumer calls pthread_cond_wait with nothing to
 * check: the wake-up is gone and the consumer sleeps for ever (the runner
 * reports a hang after its timeout). Fixed: the state lives in a predicate
 * set under the mutex, and the consumer waits in a while loop, which also
 * absorbs spurious wake-ups.
 */
#include "pitfall.h"

#include <pthread.h>
#include <semaphore.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;       /* the predicate (fixed version only) */
static sem_t signalled; /* orders the consumer after the signal, every run */

static void *bad_consumer(void *arg)
{
    (void)arg;
    sem_wait(&signalled);
    pthread_mutex_lock(&mu);
    pthread_cond_wait(&cv, &mu); /* bad: no predicate; the signal came already */
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void *fixed_consumer(void *arg)
{
    (void)arg;
    sem_wait(&signalled);
    pthread_mutex_lock(&mu);
    while (!ready)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return NULL;
}

static int run(void *(*consumer)(void *), int set_predicate)
{
    pthread_t t;
    sem_init(&signalled, 0, 0);
    pthread_create(&t, NULL, consumer, NULL);
    pthread_mutex_lock(&mu);
    if (set_predicate)
        ready = 1;
    pthread_cond_signal(&cv); /* nobody waits yet: lost unless recorded */
    pthread_mutex_unlock(&mu);
    sem_post(&signalled);
    pthread_join(t, NULL); /* bad: never returns */
    ct_pitfall_figure("consumer_woke", 1);
    return 0;
}

static int bad(void)
{
    return run(bad_consumer, 0);
}
static int fixed(void)
{
    return run(fixed_consumer, 1);
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
