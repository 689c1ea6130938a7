/* placeholder: the channel family's workloads are being written (issue 3). */
#include "workloads.h"
void ct_workload_chan_register(const ct_bench_config *cfg) { (void)cfg; }
