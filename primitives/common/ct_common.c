/* ct_common.c: status names, capability strings, aligned allocation. */
#include "ct_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ct_strstatus(int status)
{
    switch (status) {
    case CT_OK: return "ok";
    case CT_CLOSED: return "closed";
    case CT_WOULDBLOCK: return "would block";
    case CT_TIMEOUT: return "timeout";
    case CT_CANCELED: return "context canceled";
    case CT_DEADLINE_EXCEEDED: return "context deadline exceeded";
    default: return status < 0 ? strerror(-status) : "unknown status";
    }
}

char *ct_caps_str(unsigned caps, char *buf, size_t len)
{
    static const char *const names[] = {"exact", "lockfree", "blocking", "spinning",
                                        "mpmc", "spsc", "pitfall", "per_thread"};
    size_t used = 0;
    if (len == 0) return buf;
    buf[0] = '\0';
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(caps & (1u << i))) continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", names[i]);
        if (n < 0 || (size_t)n >= len - used) break;
        used += (size_t)n;
    }
    return buf;
}

void *ct_alloc_aligned(size_t size)
{
    /* aligned_alloc wants a multiple of the alignment. */
    size_t rounded = (size + CT_CACHELINE - 1) / CT_CACHELINE * CT_CACHELINE;
    void *p = aligned_alloc(CT_CACHELINE, rounded ? rounded : CT_CACHELINE);
    if (p) memset(p, 0, rounded ? rounded : CT_CACHELINE);
    return p;
}

void ct_free_aligned(void *p)
{
    free(p);
}
