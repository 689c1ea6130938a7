/*
 * counter_ticket.c: `ticket`, the value guarded by a FIFO ticket lock
 * (ct_spinlock.h).
 *
 * Fair: threads get the lock in the order they asked for it. The cost of that
 * order shows when threads outnumber cores: the lock is handed to the next
 * ticket whether or not its thread is running, so most handoffs wait for the
 * scheduler (CT_CAP_SPINNING; no yield): about 10^4 times slower at 4 and 8
 * threads on 2 cores, which is why the benchmarks bound it with a time budget.
 */
#include "counter_spinlocked_internal.h"

CT_COUNTER_SPINLOCKED(
    ticket, ct_ticket, ct_ticket, "ticket",
    "FIFO ticket spin lock around a plain add: fair, collapses when oversubscribed");
