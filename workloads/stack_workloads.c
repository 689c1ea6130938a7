/* placeholder: the stack family's workloads are being written (issue 4). */
#include "workloads.h"
void ct_workload_stack_register(const ct_bench_config *cfg) { (void)cfg; }
