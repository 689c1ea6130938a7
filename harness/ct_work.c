/* ct_work.c: calibration of the busy loop in ct_work.h. */
#include "ct_work.h"

#include <time.h>

uint64_t ct_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double loops_per_us; /* set once, before any benchmark thread starts */

double ct_work_calibrate(void)
{
    if (loops_per_us > 0) return loops_per_us;
    const uint64_t n = 2000000;
    uint64_t best = UINT64_MAX;
    for (int trial = 0; trial < 7; trial++) {
        uint64_t t0 = ct_now_ns();
        ct_work_spin(n);
        uint64_t dt = ct_now_ns() - t0;
        if (dt < best) best = dt;
    }
    loops_per_us = (double)n * 1000.0 / (double)(best ? best : 1);
    return loops_per_us;
}

uint64_t ct_work_loops(uint64_t ns)
{
    return (uint64_t)((double)ns * ct_work_calibrate() / 1000.0 + 0.5);
}
