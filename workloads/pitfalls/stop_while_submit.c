/*
 * stop_while_submit: Stop closes the task channel while Submit may still
 * send on it.
 *
 * Go (seed 004's 1.2 DynamicPool.Stop, seed 003's 进阶 DynamicPool.Close,
 * presented as correct): Stop is `p.cancel(); close(p.tasks)`, and Submit
 * is `select { case p.tasks <- task: case <-p.ctx.Done(): }`. A Submit that
 * runs after Stop finds both cases ready and Go picks one at random: the
 * send panics ("send on closed channel"); the other drops the task without
 * a word (Submit returns nothing). The tasks still queued are dropped too,
 * since the workers return on ctx.Done() without draining the queue. C: the
 * same pool on contend's channels, a submitter thread that submits half
 * its tasks, lets Stop run, then submits the rest (one interleaving of
 * the race, made certain); contend returns CT_CLOSED where Go panics, and
 * the tasks handed to Submit but never run are counted. Fixed: Submit and
 * Stop share a lock and a closed flag, so a Submit after Stop returns an
 * error its caller sees and never sends; Stop closes the queue only, and
 * the workers drain it before they return.
 */
#include "pitfall.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

enum { WORKERS = 2, MAX_WORKERS = 4, TASKS = 100 };

struct pool {
    ct_chan *tasks, *done;
    pthread_t workers[WORKERS];
    int fixed;
    pthread_rwlock_t lock; /* fixed: Submit (read) against Stop (write) */
    int closed;            /* fixed: under lock */
    atomic_int ran;
};

/* seeds 003/004: a worker returns on ctx.Done() or when tasks is closed */
static void *worker(void *arg)
{
    struct pool *p = arg;
    int task;
    for (;;) {
        int st = p->fixed ? ct_chan_recv(p->tasks, &task)
                          : ct_pitfall_recv_or_done(p->tasks, &task, p->done);
        if (st != 0)
            return NULL; /* bad: done wins even with tasks queued */
        /* relaxed: a tally read after the workers are joined */
        atomic_fetch_add_explicit(&p->ran, 1, memory_order_relaxed);
    }
}

/* 0 queued; CT_CLOSED sent on a closed channel (Go: panic); 1 dropped
 * because the pool is done (the seed's Submit says nothing); fixed:
 * -ESHUTDOWN, the pool refused it and said so. */
static int submit(struct pool *p, int task)
{
    if (!p->fixed)
        return ct_pitfall_send_or_done(p->tasks, &task, p->done);
    pthread_rwlock_rdlock(&p->lock);
    int st = p->closed ? -ESHUTDOWN : ct_chan_send(p->tasks, &task);
    pthread_rwlock_unlock(&p->lock);
    return st;
}

static void stop(struct pool *p)
{
    if (p->fixed) {
        pthread_rwlock_wrlock(&p->lock);
        p->closed = 1;
        ct_chan_close(p->tasks); /* the workers drain what is queued */
        pthread_rwlock_unlock(&p->lock);
    } else {
        ct_chan_close(p->done);  /* p.cancel() */
        ct_chan_close(p->tasks); /* close(p.tasks), with Submit still running */
    }
    for (int i = 0; i < WORKERS; i++)
        pthread_join(p->workers[i], NULL);
}

struct submitter {
    struct pool *p;
    pthread_barrier_t *stopping, *stopped;
    int sent_closed, dropped, refused, first_closed;
};

static void *submit_all(void *arg)
{
    struct submitter *s = arg;
    for (int i = 0; i < TASKS; i++) {
        if (i == TASKS / 2) { /* let Stop run between two Submits */
            pthread_barrier_wait(s->stopping);
            pthread_barrier_wait(s->stopped);
        }
        int st = submit(s->p, i);
        if (st == CT_CLOSED && s->sent_closed++ == 0)
            s->first_closed = st;
        s->dropped += st == 1;
        s->refused += st == -ESHUTDOWN;
    }
    return NULL;
}

static int run(int fixed)
{
    struct pool p = {.tasks = ct_chan_new(NULL, sizeof(int), 2 * MAX_WORKERS),
                     .done = ct_chan_new(NULL, 1, 0),
                     .fixed = fixed};
    pthread_barrier_t stopping, stopped;
    struct submitter s = {&p, &stopping, &stopped, 0, 0, 0, 0};
    pthread_t t;
    if (!p.tasks || !p.done)
        return 1;
    pthread_rwlock_init(&p.lock, NULL);
    pthread_barrier_init(&stopping, NULL, 2);
    pthread_barrier_init(&stopped, NULL, 2);
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&p.workers[i], NULL, worker, &p);
    pthread_create(&t, NULL, submit_all, &s);
    pthread_barrier_wait(&stopping);
    stop(&p);
    pthread_barrier_wait(&stopped);
    pthread_join(t, NULL);
    int ran = atomic_load_explicit(&p.ran, memory_order_relaxed); /* workers joined */
    ct_pitfall_figure("failed_sends", s.sent_closed);
    ct_pitfall_figure("dropped_silently", s.dropped);
    ct_pitfall_figure("refused", s.refused);
    /* lost: handed to Submit and neither run nor refused to the caller */
    ct_pitfall_figure("values_lost", TASKS - ran - s.refused);
    if (s.sent_closed)
        ct_pitfall_note("send on closed channel: %d Submits after Stop returned %s (Go: panic)",
                        s.sent_closed, ct_strstatus(s.first_closed));
    pthread_barrier_destroy(&stopping);
    pthread_barrier_destroy(&stopped);
    pthread_rwlock_destroy(&p.lock);
    ct_chan_free(p.tasks);
    ct_chan_free(p.done);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
