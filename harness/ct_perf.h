/*
 * ct_perf.h: per-thread perf counters around a benchmark's timed loop.
 *
 * Each thread of a run opens its own counters (perf_event_open on itself, one
 * group) before its loop, starts and stops the group with one syscall each
 * around the loop, and reads them after; the harness adds
 * them to the run's counters, summed over the threads: ctx_switches,
 * cpu_migrations, page_faults, and cycles and instructions where the
 * machine exposes hardware events (many VMs do not: those are left out, and
 * ct_perf_status() says why). Software events cost nothing measurable: the
 * kernel keeps those counts anyway.
 *
 * A thread whose counters could not all be opened (perf_event_open failed
 * for it: out of descriptors, a PMU busy) is left out of the sums, and the
 * run says how many threads they cover (perf_threads), so a sum over fewer
 * threads than the run had is never mistaken for the whole run's.
 */
#ifndef CT_PERF_H
#define CT_PERF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { CT_PERF_MAX = 5 };

typedef struct ct_perf {
    int fd[CT_PERF_MAX]; /* -1: not open */
} ct_perf;

/* Names of the counters, in order; NULL-terminated. */
extern const char *const ct_perf_names[];

/* Turn the counters on or off for the whole process (default on), before
 * any of the calls below. */
void ct_perf_enable(int on);
/* "software events", "software and hardware events", or why none. The
 * machine is probed once, here or at the first ct_perf_open. */
const char *ct_perf_status(void);
/* Whether any counter is counted at all (enabled, and the machine has at
 * least the software events): a run then reports perf_threads. */
int ct_perf_active(void);

/* Open this thread's counters, stopped (those that fail are skipped; after
 * ct_perf_status() has probed, events the machine lacks are not tried):
 * before the timed region. */
void ct_perf_open(ct_perf *p);
/* Start them all: one syscall, as the timed region begins. */
void ct_perf_start(ct_perf *p);
/* Stop them all: one syscall, as the timed region ends. */
void ct_perf_stop(ct_perf *p);
/* Read and close them, outside the timed region: value[i] for
 * ct_perf_names[i], or -1 if not counted. Returns 1 if every counter the
 * machine has was counted for this thread, else 0 (and with nothing
 * active). */
int ct_perf_read(ct_perf *p, int64_t value[CT_PERF_MAX]);

#ifdef __cplusplus
}
#endif
#endif /* CT_PERF_H */
