/*
 * ct_nodepool.h: fixed-size node allocation for lock-free structures: one
 * private cache per thread index, batches of nodes moved through a shared
 * depot, and type-stable memory (a node is never returned to the system
 * before ct_nodepool_destroy).
 *
 * Why: malloc/free per operation would cost as much as the stack itself
 * and would hand a freed node's address straight back (ABA fodder); and the
 * type-stable designs (treiber_noreclaim, ck) need memory that stays
 * readable while a stale reader looks at it. A pool is not reclamation: a
 * structure must still not put a node back while another thread may read
 * it (treiber puts nodes back only from its hazard-pointer scan).
 *
 * Synchronization table (same pool):
 *
 *                | get/put (tid a) | get/put (tid b != a) | create/destroy
 * ---------------+-----------------+----------------------+---------------
 *  get/put (a)   | no (one owner)  | yes                  | no
 *  create/destroy| no              | no                   | no
 *
 *  - get/put with tid touch tid's cache only, except when a cache runs empty
 *    or overflows: then a batch moves to or from the depot under a mutex
 *    (once per CT_NODEPOOL_BATCH operations at most), or a new chunk is
 *    allocated. So they may block briefly, as malloc may.
 *  - A node moved through the depot: the put happens-before the get that
 *    returns it (the mutex).
 *  - The pool keeps its free-list link inside free nodes, at link_offset:
 *    choose a word no stale reader loads (e.g. the value, never the next
 *    pointer a lock-free reader may still follow).
 *  - destroy frees every node ever allocated, in use or not.
 */
#ifndef CT_NODEPOOL_H
#define CT_NODEPOOL_H

#include <stddef.h>

#include "ct_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CT_NODEPOOL_BATCH 64u /* nodes per chunk and per depot transfer */

typedef struct ct_nodepool ct_nodepool;

/* Nodes of node_size bytes (rounded up to a multiple of 16, 16-aligned),
 * with room for about prealloc of them allocated (and pre-faulted) now.
 * NULL with errno EINVAL or ENOMEM. */
ct_nodepool *ct_nodepool_create(size_t node_size, size_t link_offset, unsigned max_threads,
                                size_t prealloc);
void ct_nodepool_destroy(ct_nodepool *p);

/* A free node (contents unspecified), or NULL with errno ENOMEM. */
void *ct_nodepool_get(ct_nodepool *p, unsigned tid);
/* Give back a node this pool returned and that no other thread can reach. */
void ct_nodepool_put(ct_nodepool *p, unsigned tid, void *node);

#ifdef __cplusplus
}
#endif
#endif /* CT_NODEPOOL_H */
