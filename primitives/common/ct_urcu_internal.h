/*
 * ct_urcu_internal.h: liburcu (urcu-memb) thread registration, shared by
 * every design that uses it (rwlock's rcu_call and rcu_sync; map's syncmap
 * and lfht). Built only with CT_HAVE_URCU (CMakeLists.txt).
 *
 * One registration per thread for the whole process: liburcu keeps one
 * reader record per thread and flavour, and registering a thread twice (one
 * family's designs, then another's) would link its record into the
 * registry twice. A thread-specific destructor unregisters the thread when
 * it exits (a registered thread that exits unregistered would leave liburcu
 * a dangling reader).
 *
 * Also: the TSan stand-in for a grace period. liburcu's code is not
 * instrumented, so TSan cannot see that a grace period orders every read
 * section before the free that follows it: readers CT_TSAN_RELEASE the token
 * as they leave their section, a reclaimer CT_TSAN_ACQUIREs it before it frees.
 */
#ifndef CT_URCU_INTERNAL_H
#define CT_URCU_INTERNAL_H

#include <stdbool.h>

#include "ct_common.h"

#ifdef __cplusplus
extern "C" {
#endif

extern _Thread_local bool ct__urcu_registered;
extern char ct__urcu_gp_token;

void ct__urcu_register_slow(void);

/* Register the calling thread with urcu-memb, once. */
static inline void ct__urcu_ensure_registered(void)
{
    if (CT_LIKELY(ct__urcu_registered))
        return;
    ct__urcu_register_slow();
}

#ifdef __cplusplus
}
#endif
#endif /* CT_URCU_INTERNAL_H */
