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

/* X(NAME, value, text): contend's own statuses, from which the enum and
 * ct_strstatus are generated. */
#define CT_STATUS_LIST(X)                                                                          \
    X(OK, 0, "ok")                                                                                 \
    X(CLOSED, -1, "closed")             /* Go: a closed channel */                                 \
    X(WOULDBLOCK, -2, "would block")    /* a try_ operation found it not ready */                  \
    X(TIMEOUT, -3, "timeout")           /* a _timeout operation ran out of time */                 \
    X(CANCELED, -4, "context canceled") /* Go: context.Canceled */                                 \
    X(DEADLINE_EXCEEDED, -5, "context deadline exceeded") /* Go: context.DeadlineExceeded */

#define CT__STATUS_ENUM(name, value, text) CT_##name = value,
enum { CT_STATUS_LIST(CT__STATUS_ENUM) };
#undef CT__STATUS_ENUM

/* A short name for a status: "ok", "closed", ..., or strerror(-st). */
const char *ct_strstatus(int status);

/*
 * Capabilities an implementation declares, so a workload or a test skips what
 * does not fit and says why instead of crashing.
 */
#define CT_CAP_LIST(X)                                                                             \
    X(EXACT, 0, "exact")           /* never loses an update (all but the racy pitfall) */          \
    X(LOCKFREE, 1, "lockfree")     /* some thread always makes progress */                         \
    X(BLOCKING, 2, "blocking")     /* may sleep in the kernel */                                   \
    X(SPINNING, 3, "spinning")     /* busy-waits: collapses when oversubscribed */                 \
    X(MPMC, 4, "mpmc")             /* any number of threads on both sides */                       \
    X(SPSC, 5, "spsc")             /* one producer, one consumer only */                           \
    X(PITFALL, 6, "pitfall")       /* a deliberate bug, kept to be diagnosed */                    \
    X(PER_THREAD, 7, "per_thread") /* needs a thread index below max_threads */                    \
    X(COROUTINE, 8, "coroutine")   /* its waits park a coroutine, not its worker (go.h) */         \
    X(BROKEN, 9, "broken") /* test build only: breaks its contract on purpose (tests/competitors) */

#define CT__CAP_ENUM(name, bit, text) CT_CAP_##name = 1u << (bit),
enum { CT_CAP_LIST(CT__CAP_ENUM) };
#undef CT__CAP_ENUM
/* Every capability of the list (a family's own start at bit 16). */
#define CT__CAP_BIT(name, bit, text) | CT_CAP_##name
enum { CT_CAP_ALL = 0 CT_CAP_LIST(CT__CAP_BIT) };
#undef CT__CAP_BIT

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

/* CLOCK_MONOTONIC in nanoseconds: the clock of every deadline and timing. */
int64_t ct_now_ns(void);

/* The deadline `ns` after the instant t (both >= 0): t + ns, saturated at
 * INT64_MAX (292 years of uptime: never) where the sum would overflow. Every
 * caller-supplied timeout becomes a deadline through this, so a huge
 * timeout means "very long", not a deadline in the past. */
static inline int64_t ct_deadline_add(int64_t t, int64_t ns)
{
    int64_t sum;

    return __builtin_add_overflow(t, ns, &sum) ? INT64_MAX : sum;
}

/* The deadline timeout_ns (>= 0) from now, saturated: ct_deadline_add. */
int64_t ct_deadline_after(int64_t timeout_ns);

/* Print "contend: <message>" and abort: for a broken invariant or a contract
 * violation (a bug in the caller), never for an error a caller can handle. */
__attribute__((noreturn, cold, format(printf, 1, 2))) void ct_die(const char *fmt, ...);

/* Cache-line aligned allocation, zeroed; NULL with errno on failure. */
void *ct_alloc_aligned(size_t size);
void ct_free_aligned(void *p);

#ifdef __cplusplus
}
#endif
#endif /* CT_COMMON_H */
