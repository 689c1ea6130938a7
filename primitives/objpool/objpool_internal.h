/* objpool_internal.h: what the object-pool designs share: fresh objects from
 * malloc, and the per-thread designs' tid check. */
#ifndef CT_OBJPOOL_INTERNAL_H
#define CT_OBJPOOL_INTERNAL_H

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>

#include "objpool.h"

/* malloc's alignment covers CT_OBJPOOL_ALIGN (16 on x86-64 and aarch64). */
_Static_assert(alignof(max_align_t) >= CT_OBJPOOL_ALIGN, "malloc aligns objects");

/* A fresh object of size bytes (at least a pointer's worth, for the designs
 * that link free objects through their first word), or NULL with errno
 * ENOMEM. */
static inline void *ct__objpool_fresh(size_t size)
{
    void *o = malloc(size < sizeof(void *) ? sizeof(void *) : size);

    if (!o)
        errno = ENOMEM;
    return o;
}

/* The per-thread designs' contract check: a bad tid aborts, in every build. */
static inline void ct__objpool_check_tid(const char *design, unsigned tid, unsigned max_threads)
{
    if (CT_UNLIKELY(tid >= max_threads))
        ct_die("objpool %s: tid %u out of range (max_threads %u)", design, tid, max_threads);
}

#endif /* CT_OBJPOOL_INTERNAL_H */
