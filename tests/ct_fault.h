/*
 * ct_fault.h: failure injection and call counting for tests, through the
 * linker. A test binary given ct_fault (tests/CMakeLists.txt:
 * ct_test_faults(<target>)) links with --wrap for each function below, so
 * every call to it, from the test and from libcontend alike, goes through a
 * wrapper here first. A wrapper counts the call and passes it on, unless
 * its site is armed: then it lets `pass` more calls through and fails the
 * next one as the real function fails (pthread_create returns err, opendir
 * returns NULL with errno = err), once, and disarms itself.
 *
 * Sites that cannot fail (sched_yield, ct_wait_watched) are only counted:
 * a test sees that a spin loop yields, or that the deadlock detector looked
 * (each of its looks reads ct_wait_watched once).
 *
 * Arm and disarm from the test's controlling thread; the wrappers may run
 * on any thread.
 */
#ifndef CT_FAULT_H
#define CT_FAULT_H

#include <stdint.h>

typedef enum ct_fault_site {
    CT_FAULT_PTHREAD_CREATE,
    CT_FAULT_OPENDIR,
    CT_FAULT_SCHED_YIELD,     /* counted only */
    CT_FAULT_CT_WAIT_WATCHED, /* counted only */
    CT_FAULT_NSITES
} ct_fault_site;

/* The call to site after `pass` more calls fails with err (once). */
void ct_fault_arm(ct_fault_site site, unsigned pass, int err);
/* No call to site fails any more (a failure not yet reached is dropped). */
void ct_fault_disarm(ct_fault_site site);
/* Calls to site so far (failed ones included). */
uint64_t ct_fault_calls(ct_fault_site site);
/* Calls to site that were failed so far. */
uint64_t ct_fault_failed(ct_fault_site site);

#endif /* CT_FAULT_H */
