/* ct_stats.c */
#include "ct_stats.h"

#include <math.h>

double ct_stats_cv_u64(const uint64_t *v, size_t n)
{
    if (n < 2)
        return 0.0;
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)v[i];
    double mean = sum / (double)n;
    if (mean == 0)
        return 0.0;
    for (size_t i = 0; i < n; i++)
        sq += ((double)v[i] - mean) * ((double)v[i] - mean);
    return sqrt(sq / (double)n) / mean;
}
