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
#include "ct_waitreg.h"
#include <pthread.h>

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
    ct_pitfall_watch_deadlocks();
    if (with_receiver)
        pthread_create(&t, NULL, receiver, ch);
    int one = 1;
    int st = ct_chan_send(ch, &one); /* bad: blocks for ever */
    if (with_receiver)
        pthread_join(t, NULL);
    ct_pitfall_unwatch_deadlocks();
    ct_chan_free(ch);
    ct_pitfall_figure("send_status", st);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
