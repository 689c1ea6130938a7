/*
 * counter_spin.c: `spin_tas` and `spin_ttas`, the value guarded by one of the
 * spin locks of ct_spinlock.h.
 *
 * Waiters never sleep: with more threads than cores a preempted owner stalls
 * everyone for a time slice (CT_CAP_SPINNING). tas hammers the line with
 * exchanges while it waits; ttas waits on a load and backs off, which is the
 * whole difference the benchmarks measure.
 */
#include "counter_spinlocked_internal.h"

CT_COUNTER_SPINLOCKED(spin_tas, ct_spin_tas, ct_spin_tas, "spin_tas",
                      "test-and-set spin lock around a plain add; every wait is an exchange");

CT_COUNTER_SPINLOCKED(
    spin_ttas, ct_spin_ttas, ct_spin_ttas, "spin_ttas",
    "test-and-test-and-set spin lock with exponential backoff around a plain add");
