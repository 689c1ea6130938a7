/*
 * pool_spawn_sem.c: `spawn_sem`: one thread per task, at most max_workers at
 * once (the seeds' semaphore pattern; the engine is pool_spawn.c). A full
 * pool makes try_submit return CT_WOULDBLOCK and submit block until a
 * task's thread ends.
 */
#include "pool_internal.h"

const ct_pool_ops ct_pool_spawn_sem = {
    .desc = {.name = "spawn_sem",
             .summary = "one thread per task, at most k at once (the seeds' semaphore pattern)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_POOL_CAP_BOUNDED |
                     CT_POOL_CAP_PER_TASK},
    .vt = &ct__pool_spawn_vt,
};
