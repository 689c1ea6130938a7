/*
 * ct_common.h: what every family shares: status codes, capability flags,
 * cache-line padding and the CPU pause hint.
 *
 * Functions across contend return int: 0 (CT_OK) or a negative status. The
 * values -1 to -5 are contend's own (Go's channel outcomes and a context's
 * errors); a failure from the system is returned as -errno (-ENOMEM,
 * -EINVAL, -EAGAIN, -EBUSY, -ENOSYS), all below -5.
 */
#ifndef CT_COMMON_H
#define CT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    CT_OK = 0,
    CT_CLOSED = -1,      /* the object was closed (Go: closed channel) */
    CT_WOULDBLOCK = -2,  /* a try_ operation found the object not ready */
    CT_TIMEOUT = -3,     /* a _timeout operation ran out of time */
    CT_CANCELED = -4,    /* a context was cancelled (Go: context.Canceled) */
    CT_DEADLINE_EXCEEDED = -5 /* a context's deadline passed (Go: context.DeadlineExceeded) */
};

/* A short name for a status: "ok", "closed", ..., or strerror(-st). */
const char *ct_strstatus(int status);

/*
 * Capabilities an implementation declares, so a workload or a test skips what
 * does not fit and says why instead of crashing.
 */
enum {
    CT_CAP_EXACT = 1u << 0,     /* never loses an update (all but the racy pitfall) */
    CT_CAP_LOCKFREE = 1u << 1,  /* some thread always makes progress */
    CT_CAP_BLOCKING = 1u << 2,  /* may sleep in the kernel */
    CT_CAP_SPINNING = 1u << 3,  /* busy-waits: collapses when oversubscribed */
    CT_CAP_MPMC = 1u << 4,      /* any number of threads on both sides */
    CT_CAP_SPSC = 1u << 5,      /* one producer, one consumer only */
    CT_CAP_PITFALL = 1u << 6,   /* a deliberate bug, kept to be diagnosed */
    CT_CAP_PER_THREAD = 1u << 7 /* needs a thread index below max_threads */
};

/* Render caps as "exact,lockfree,..." into buf; returns buf. */
char *ct_caps_str(unsigned caps, char *buf, size_t len);

/* x86-64 and aarch64 both have 64-byte lines; adjacent-line prefetch on x86
 * makes 128 safer for the hottest fields, but 64 is what we claim and test. */
#define CT_CACHELINE 64

#define CT_ALIGNED(n) __attribute__((aligned(n)))
/* On a struct member: the member starts a line and the struct is padded to
 * whole lines, so no other hot field shares it. */
#define CT_CACHE_ALIGNED CT_ALIGNED(CT_CACHELINE)

#define CT_LIKELY(x) __builtin_expect(!!(x), 1)
#define CT_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* A compiler-only barrier: keeps a loop body from being optimized away. */
#define ct_compiler_barrier() __asm__ __volatile__("" ::: "memory")

/* The spin-wait hint: lets the sibling hyperthread run and saves power. */
static inline void ct_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#else
    ct_compiler_barrier();
#endif
}

/* Cache-line aligned allocation, zeroed; NULL with errno on failure. */
void *ct_alloc_aligned(size_t size);
void ct_free_aligned(void *p);

#ifdef __cplusplus
}
#endif
#endif /* CT_COMMON_H */
