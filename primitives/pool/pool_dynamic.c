/*
 * pool_dynamic.c: `dynamic`: min..max workers on one bounded queue (the
 * engine is pool_queue.c): a submit that leaves more tasks queued than idle
 * workers starts one more; a worker idle for idle_timeout_ns retires, down
 * to min. Its worker count over time is kept (ct_pool_trace).
 */
#include "pool_internal.h"

const ct_pool_ops ct_pool_dynamic = {
    .desc = {.name = "dynamic",
             .summary = "min..max workers on one bounded queue: grows with the backlog, "
                        "retires idle workers",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_POOL_CAP_BOUNDED |
                     CT_POOL_CAP_TRACE},
    .vt = &ct__pool_queue_vt,
};
