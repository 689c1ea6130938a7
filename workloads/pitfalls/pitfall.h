/*
 * pitfall.h: what every pitfall program shares.
 *
 * A pitfall program runs its bad or its fixed version (argv[1]: "bad" or
 * "fixed") and may record figures for the runner (scripts/pitfalls.py) with
 * ct_pitfall_figure(): they are written as one JSON object to the file named
 * by the environment variable CT_PITFALL_OUT, so the runner never has to
 * scrape the program's console. The sanitizer's own diagnosis is read from its
 * log (log_path), by the runner.
 */
#ifndef CT_PITFALL_H
#define CT_PITFALL_H

#include "chan.h"
#include "ct_leakcheck.h"

typedef int (*ct_pitfall_fn)(void);

/* Runs bad or fixed by argv[1]; returns the process exit status. */
int ct_pitfall_main(int argc, char **argv, ct_pitfall_fn bad, ct_pitfall_fn fixed);

/* The same for a program whose two versions are one function with a flag:
 * bad is run(0), fixed is run(1). */
int ct_pitfall_main_flag(int argc, char **argv, int (*run)(int fixed));

/* Record a named figure (lost_updates, peak_threads, ...). At most 16: one
 * more aborts, naming the cap. */
void ct_pitfall_figure(const char *name, double value);
/* Record a line of explanation (what a detector said), kept as "notes". At
 * most 8 (one more aborts, naming the cap), each cut at 240 characters. */
void ct_pitfall_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write the figures and notes now (ct_pitfall_main does it on return; a
 * program that ends by _exit, e.g. from a detector's handler, calls this). */
void ct_pitfall_write(void);

/* contend's detectors, reported the way the runner reads them. */

/* Watch the calling thread and start the deadlock detector (ct_deadlock.h):
 * when every watched thread is asleep for good it records deadlock_threads
 * and a note per thread ("thread 4242 [chan send]: on 0x..."), writes the
 * figures and ends the process with CT_DEADLOCK_EXIT. Threads the program
 * starts call ct_wait_watch_self(1) to be watched too. */
void ct_pitfall_watch_deadlocks(void);
/* Stop the detector (a run that got through). */
void ct_pitfall_unwatch_deadlocks(void);
/* End a leak check begun with ct_leakcheck_begin: records leaked_threads
 * and the first leaked thread's line as a note ("leaked thread 4242 ...
 * blocked in chan send on 0x..."); returns the number leaked. */
int ct_pitfall_leakcheck_end(ct_leakcheck *lc);

/* Go's context.Done() is a channel closed at cancel: the seeds' code
 * selects on it beside its own channel. `done` is any channel nobody sends
 * on (ct_chan_new(NULL, 1, 0)); cancel is ct_chan_close(done). ch and done
 * must be of the same design (ct_chan_select). */

/* select { case ch <- *v: case <-done: }: 0 sent, 1 done, or the send's
 * status (CT_CLOSED: a send on a closed channel, where Go panics). */
int ct_pitfall_send_or_done(ct_chan *ch, const void *v, ct_chan *done);
/* select { case *v, ok = <-ch: case <-done: }: 0 received, CT_CLOSED (ch
 * closed and drained: ok false), 1 done. */
int ct_pitfall_recv_or_done(ct_chan *ch, void *v, ct_chan *done);

#endif /* CT_PITFALL_H */
