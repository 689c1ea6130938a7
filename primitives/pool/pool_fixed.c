/*
 * pool_fixed.c: `fixed`: max_workers workers, started at creation and kept
 * until shutdown, on one bounded queue (the engine is pool_queue.c).
 */
#include "pool_internal.h"

const ct_pool_ops ct_pool_fixed = {
    .desc = {.name = "fixed",
             .summary = "N workers on one bounded mutex-guarded queue; idle workers spin, "
                        "then sleep",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_POOL_CAP_BOUNDED},
    .vt = &ct__pool_queue_vt,
};
