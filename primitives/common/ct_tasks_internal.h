/*
 * ct_tasks_internal.h: is every thread of this process asleep for good? The
 * deadlock detector's last check (ct_deadlock.c), read from /proc/self.
 *
 * A thread counts as asleep for good when it sleeps (not runnable) and only
 * another thread of this process can wake it:
 *  - it is in an announced contend wait (ct_waitreg.h: announced waits are
 *    the ones only another thread ends), or
 *  - it is in a futex wait with no timeout (a pthread mutex, condition
 *    variable, join, barrier or semaphore; a coroutine worker's idle sleep)
 *    on memory that no other process maps.
 * Anything else may wake someone: a thread running, in nanosleep, poll,
 * select, read or a timed wait (a timer, another process), so may a handler
 * of an asynchronous signal (a kill from another process runs it, and it may
 * post a semaphore). The sanitizer runtime's own threads (TSan's background
 * thread sleeps in nanosleep called from libtsan itself) are not the
 * program's: skipped.
 *
 * The answer is a snapshot taken thread by thread: a thread that woke and
 * slept again between two reads looks asleep both times. *fingerprint sums
 * the thread ids and their context switches: a caller that sees it
 * unchanged over several looks knows none of them ran meanwhile.
 */
#ifndef CT_TASKS_INTERNAL_H
#define CT_TASKS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ct_waitreg.h"

/* true if every thread but `skip` is asleep for good (see above); the
 * announced waits are waits[0..n-1]. false also when /proc cannot be read. */
bool ct__tasks_asleep(pid_t skip, const ct_wait_info *waits, size_t n, uint64_t *fingerprint);

#endif /* CT_TASKS_INTERNAL_H */
