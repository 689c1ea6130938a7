/*
 * ct_deadlock.h: Go's "all goroutines are asleep - deadlock!" for C threads.
 *
 * Threads known to the harness mark themselves watched (ct_wait_watch_self,
 * ct_waitreg.h). A watchdog thread looks every period_ms: when every watched
 * thread is blocked in an announced wait of a contend primitive (a channel
 * send or receive, a pool submit...), it checks the rest of the process too,
 * since a thread it does not watch, a timer, a signal or another process may
 * still wake one: every other thread (/proc/self/task) must be asleep in an
 * announced wait or in a futex wait with no timeout on memory no other
 * process maps (a mutex, condition variable, join; a coroutine worker's
 * idle sleep), and no asynchronous signal may have a handler. A thread in
 * nanosleep, poll, read, a timed wait, or running, keeps it watching. When
 * that holds and nothing has moved (no wait ended, no thread ran) since the
 * last look, three looks in a row, nothing can ever wake them: it reports the
 * threads, the operations and the objects, and calls the handler. The
 * default handler prints
 *
 *     all threads are asleep - deadlock!
 *
 *     thread 4242 [chan send]: on 0x55d0c0a2b2a0
 *
 * to stderr and ends the process with exit status CT_DEADLOCK_EXIT, instead
 * of hanging. Cost off the blocking path: none (the primitives announce
 * waits only when they are about to sleep); the watchdog wakes every
 * period_ms and reads /proc only while the watched threads look deadlocked.
 * The sanitizer runtime's own threads (TSan's background thread) are not
 * the program's and are not counted.
 *
 * With coroutines (go.h): a deadlock also needs every coroutine asleep (no
 * worker running one, none runnable, no timer pending, no switch since the
 * last look); the report then says Go's words and lists each parked
 * coroutine's wait beside the threads':
 *
 *     all goroutines are asleep - deadlock!
 *
 *     thread 4242 [wg wait]: on 0x55d0c0a2b240
 *     coroutine 'stage' [chan recv]: on 0x55d0c0a2b100
 *
 * Synchronization: start/stop from one controlling thread; watched threads
 * come and go freely. A forked child has no watchdog (start one there if
 * wanted) and none of the parent's waits (ct_waitreg.h).
 */
#ifndef CT_DEADLOCK_H
#define CT_DEADLOCK_H

#include "ct_waitreg.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { CT_DEADLOCK_EXIT = 86 };

/* Called by the watchdog with the waits of the deadlocked threads. */
typedef void (*ct_deadlock_handler)(const ct_wait_info *waits, size_t n);

/* Start watching (handler NULL: print and exit CT_DEADLOCK_EXIT). 0, -EBUSY
 * if already started, or -errno from pthread_create. */
int ct_deadlock_watch_start(int period_ms, ct_deadlock_handler handler);
/* Stop and join the watchdog. */
void ct_deadlock_watch_stop(void);

/* The default report, to stderr (for handlers that add to it). */
void ct_deadlock_report(const ct_wait_info *waits, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* CT_DEADLOCK_H */
