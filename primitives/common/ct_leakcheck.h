/*
 * ct_leakcheck.h: thread-leak checking for C, after Go's goleak.
 *
 *     ct_leakcheck lc;
 *     ct_leakcheck_begin(&lc);            // snapshot of the live threads
 *     ... code that starts and should stop threads ...
 *     int leaked = ct_leakcheck_end(&lc, NULL, 1000, stderr);
 *
 * end() compares the live threads (/proc/self/task) with the snapshot,
 * retrying with exponential backoff up to timeout_ms for threads that are on
 * their way out, and reports each thread still there that was not there
 * before: its id, name and state, and, when it is blocked in one of
 * contend's primitives (ct_waitreg.h), the operation and the object, e.g.
 *     leaked thread 4242 "worker" (S, sleeping): blocked in chan recv on 0x55d0c0
 * Threads whose name starts with one of the `ignore` prefixes are not
 * reported (e.g. a library's own helper threads).
 *
 * Not thread-safe on one ct_leakcheck; any number may be used at once.
 */
#ifndef CT_LEAKCHECK_H
#define CT_LEAKCHECK_H

#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_leakcheck {
    pid_t *tids; /* the threads alive at begin, sorted */
    size_t n;
} ct_leakcheck;

/* 0, or -ENOMEM / -errno if /proc/self/task cannot be read. */
int ct_leakcheck_begin(ct_leakcheck *lc);
/* The number of leaked threads (reported to `report` when not NULL), or a
 * negative status; frees what begin allocated. ignore: NULL-terminated list
 * of thread-name prefixes, or NULL. */
int ct_leakcheck_end(ct_leakcheck *lc, const char *const *ignore, int timeout_ms, FILE *report);

#ifdef __cplusplus
}
#endif
#endif /* CT_LEAKCHECK_H */
