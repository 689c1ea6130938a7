/*
 * chan_close_misuse: closing twice, sending on a closed channel, and the
 * receiver closing a channel its sender still uses.
 *
 * Go (seeds 001, 003): each of these panics ("close of closed channel",
 * "send on closed channel"); the rule is that only the sender closes, once,
 * after its last send. C: contend returns CT_CLOSED instead of panicking, and
 * a program that ignores the status carries on as if its values had been
 * delivered. Here the statuses are surfaced: the bad version closes from the
 * receiver side while the sender still sends, then closes again; the fixed
 * version lets the sender close once after its last send, and the receiver
 * drains until CT_CLOSED.
 */
#include "pitfall.h"

#include "chan.h"
#include <pthread.h>

enum { VALUES = 100 };

struct sender {
    ct_chan *ch;
    int close_after;  /* fixed: the sender closes when done */
    int failed_sends; /* sends that returned CT_CLOSED */
    int first_bad;    /* the status of the first failed send */
};

static void *send_all(void *arg)
{
    struct sender *s = arg;
    for (int i = 0; i < VALUES; i++) {
        int st = ct_chan_send(s->ch, &i);
        if (st != CT_OK && s->failed_sends++ == 0)
            s->first_bad = st;
    }
    if (s->close_after)
        ct_chan_close(s->ch);
    return NULL;
}

static int run(int fixed)
{
    ct_chan *ch = ct_chan_new(NULL, sizeof(int), 4);
    struct sender s = {ch, fixed, 0, 0};
    pthread_t t;
    int got = 0, v, second_close = CT_OK;
    pthread_create(&t, NULL, send_all, &s);
    if (fixed) {
        while (ct_chan_recv(ch, &v) == CT_OK)
            got++; /* until the sender closes */
    } else {
        for (int i = 0; i < VALUES / 2; i++)
            got += ct_chan_recv(ch, &v) == CT_OK;
        ct_chan_close(ch);                /* the receiver closes: the sender's next sends fail */
        second_close = ct_chan_close(ch); /* and a second close */
        while (ct_chan_recv(ch, &v) == CT_OK)
            got++; /* drain what was buffered */
    }
    pthread_join(t, NULL);
    ct_chan_free(ch);
    ct_pitfall_figure("failed_sends", s.failed_sends);
    ct_pitfall_figure("second_close_status", second_close);
    ct_pitfall_figure("values_lost", VALUES - got);
    if (s.failed_sends)
        ct_pitfall_note("send on closed channel: %d sends returned %s (Go: panic)", s.failed_sends,
                        ct_strstatus(s.first_bad));
    if (second_close != CT_OK)
        ct_pitfall_note("close of closed channel returned %s (Go: panic)",
                        ct_strstatus(second_close));
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
