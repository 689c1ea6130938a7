/*
 * chan_recv_leak: a thread blocked for ever receiving on a channel nobody
 * sends on: the goroutine leak.
 *
 * Go (seeds 000, 003): `go func() { v := <-ch; ... }()` where nothing ever
 * sends on ch or closes it: the goroutine never ends, and goleak names it
 * with the channel operation it is stuck in. C: a worker thread blocked in
 * ct_chan_recv; contend's leak checker (ct_leakcheck.h) reports it with the
 * operation and the channel. Fixed: the owner closes the channel when there
 * is nothing more to send, the worker sees CT_CLOSED, returns and is joined.
 */
#include "pitfall.h"

#include "chan.h"
#include "ct_leakcheck.h"
#include <pthread.h>
#include <unistd.h>

static void *worker(void *arg)
{
    int v;
    while (ct_chan_recv(arg, &v) == CT_OK) {}
    return NULL;
}

static int run(int close_it)
{
    ct_leakcheck lc;
    pthread_t t;
    ct_chan *ch = ct_chan_new(NULL, sizeof(int), 0);
    if (!ch || ct_leakcheck_begin(&lc) < 0)
        return 1;
    pthread_create(&t, NULL, worker, ch);
    int one = 1;
    ct_chan_send(ch, &one); /* the only value anyone sends */
    if (close_it) {
        ct_chan_close(ch); /* fixed: nothing more will come */
        pthread_join(t, NULL);
    }
    ct_pitfall_leakcheck_end(&lc);
    if (!close_it) {
        ct_pitfall_write();
        _exit(0); /* the leaked thread holds ch: leave without freeing it */
    }
    ct_chan_free(ch);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
