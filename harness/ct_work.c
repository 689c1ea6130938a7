/* ct_work.c: calibration of the busy loop in ct_work.h. */
#include "ct_work.h"

#include <time.h>

static double loops_per_us; /* set once, before any benchmark thread starts */

/* The host's speed moves by up to 2x for stretches of time here: trials
 * spread over some 100 ms, keeping the fastest, tie the loop count to the
 * machine's nominal speed rather than to whatever phase the first
 * millisecond hit (the result is in the JSON context, ct_work_loops_per_us). */
double ct_work_calibrate(void)
{
    if (loops_per_us > 0)
        return loops_per_us;
    const uint64_t n = 1000000;
    uint64_t best = UINT64_MAX;
    for (int trial = 0; trial < 40; trial++) {
        uint64_t t0 = ct_now_ns();
        ct_work_spin(n);
        uint64_t dt = ct_now_ns() - t0;
        if (dt < best)
            best = dt;
        struct timespec gap = {0, 2000000};
        nanosleep(&gap, NULL);
    }
    loops_per_us = (double)n * 1000.0 / (double)(best ? best : 1);
    return loops_per_us;
}

uint64_t ct_work_loops(double ns)
{
    return ns > 0 ? (uint64_t)(ns * ct_work_calibrate() / 1000.0 + 0.5) : 0;
}
