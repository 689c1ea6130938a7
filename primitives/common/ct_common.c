/* ct_common.c: status names, capability strings, the clock, die, aligned allocation. */
#include "ct_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *ct_strstatus(int status)
{
    switch (status) {
#define CT__STATUS_CASE(name, value, text)                                                         \
    case CT_##name:                                                                                \
        return text;
        CT_STATUS_LIST(CT__STATUS_CASE)
#undef CT__STATUS_CASE
    default:
        return status < 0 ? strerror(-status) : "unknown status";
    }
}

char *ct_caps_str(unsigned caps, char *buf, size_t len)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {
#define CT__CAP_NAME(name, bit, text) {CT_CAP_##name, text},
        CT_CAP_LIST(CT__CAP_NAME)
#undef CT__CAP_NAME
    };
    size_t used = 0;
    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(caps & names[i].bit))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", names[i].name);
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

int64_t ct_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t ct_deadline_after(int64_t timeout_ns)
{
    return ct_deadline_add(ct_now_ns(), timeout_ns);
}

void ct_die(const char *fmt, ...)
{
    va_list ap;

    fputs("contend: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *ct_alloc_aligned(size_t size)
{
    /* aligned_alloc wants a multiple of the alignment. */
    size_t rounded = (size + CT_CACHELINE - 1) / CT_CACHELINE * CT_CACHELINE;
    void *p = aligned_alloc(CT_CACHELINE, rounded ? rounded : CT_CACHELINE);
    if (p)
        memset(p, 0, rounded ? rounded : CT_CACHELINE);
    return p;
}

void ct_free_aligned(void *p)
{
    free(p);
}
