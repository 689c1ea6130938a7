/*
 * chan_send_deadlock: a send on an unbuffered channel that no one receives.
 *
 * Go (seeds 000, 003): `ch := make(chan int); ch <- 1` in main: the runtime
 * sees every goroutine asleep and dies with "fatal error: all goroutines are
 * asleep - deadlock!". C: ct_chan_send on an unbuffered channel with no
 * receiver would block for ever; contend's deadlock detector (ct_deadlock.h)
 * sees every watched thread asleep in a channel operation, says so with the
 * operation and the channel, and ends the process instead of hanging.
 * Fixed: a receiver thread takes the value.
 */
#include "pitfall.h"

#include "chan.h"
#include "ct_deadlock.h"
#include <pthread.h>
#include <unistd.h>

static void on_deadlock(const ct_wait_info *w, size_t n)
{
    ct_deadlock_report(w, n);
    ct_pitfall_figure("deadlock_threads", (double)n);
    for (size_t i = 0; i < n; i++)
        ct_pitfall_note("thread %d [%s]: on %p", (int)w[i].tid, w[i].op, w[i].obj);
    ct_pitfall_write();
    _exit(CT_DEADLOCK_EXIT);
}

static void *receiver(void *arg)
{
    int v;
    ct_wait_watch_self(1);
    ct_chan_recv(arg, &v);
    return NULL;
}

static int run(int with_receiver)
{
    pthread_t t;
    ct_chan *ch = ct_chan_new(NULL, sizeof(int), 0);
    if (!ch)
        return 1;
    ct_wait_watch_self(1);
    ct_deadlock_watch_start(20, on_deadlock);
    if (with_receiver)
        pthread_create(&t, NULL, receiver, ch);
    int one = 1;
    int st = ct_chan_send(ch, &one); /* bad: blocks for ever */
    if (with_receiver)
        pthread_join(t, NULL);
    ct_deadlock_watch_stop();
    ct_chan_free(ch);
    ct_pitfall_figure("send_status", st);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
