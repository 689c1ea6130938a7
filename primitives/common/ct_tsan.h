/*
 * ct_tsan.h: ThreadSanitizer annotations, no-ops in other builds.
 *
 * TSan understands C11 atomics but not standalone fences or orderings that
 * travel through code it cannot see; where a primitive relies on one, it says
 * so with CT_TSAN_RELEASE(addr) on the publishing side and CT_TSAN_ACQUIRE(addr)
 * on the consuming side, on the same address. Prefer these to suppressions.
 */
#ifndef CT_TSAN_H
#define CT_TSAN_H

#if defined(__SANITIZE_THREAD__)
#define CT_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CT_TSAN 1
#endif
#endif

#ifdef CT_TSAN
#ifdef __cplusplus
extern "C" {
#endif
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#ifdef __cplusplus
}
#endif
#define CT_TSAN_ACQUIRE(addr) __tsan_acquire((void *)(addr))
#define CT_TSAN_RELEASE(addr) __tsan_release((void *)(addr))
#else
#define CT_TSAN_ACQUIRE(addr) ((void)(addr))
#define CT_TSAN_RELEASE(addr) ((void)(addr))
#endif

#endif /* CT_TSAN_H */
