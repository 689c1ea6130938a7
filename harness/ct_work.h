/*
 * ct_work.h: calibrated busy work, to stand for "work outside the critical
 * section" (will-it-scale and libslock call it the pause length).
 *
 * ct_work_calibrate() times the loop once per process (the minimum of a few
 * trials, so a preemption does not skew it); ct_work_loops(ns) converts a
 * duration into loop iterations; ct_work_spin() burns them without touching
 * memory, so the work neither contends nor can be optimized away.
 */
#ifndef CT_WORK_H
#define CT_WORK_H

#include <stdint.h>

#include "ct_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loops per microsecond on this machine; calibrates on first use. */
double ct_work_calibrate(void);
/* Loop iterations that take about ns nanoseconds (one iteration is about a
 * cycle, so a fraction of a nanosecond still counts). */
uint64_t ct_work_loops(double ns);

static inline void ct_work_spin(uint64_t loops)
{
    for (uint64_t i = 0; i < loops; i++)
        __asm__ __volatile__("" : "+r"(i)); /* opaque to the optimizer, no memory */
}

/* The clock is ct_now_ns() (ct_common.h). */

#ifdef __cplusplus
}
#endif
#endif /* CT_WORK_H */
