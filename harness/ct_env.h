/*
 * ct_env.h: what the machine and the build are, for the report's
 * environment block (added to Google Benchmark's JSON "context").
 */
#ifndef CT_ENV_H
#define CT_ENV_H

#include <stddef.h>

/* CPU model name from /proc/cpuinfo, or "unknown". */
const char *ct_env_cpu_model(char *buf, size_t len);
/* This process's resident set in bytes (/proc/self/statm), or -1 if it
 * cannot be read: the memory counters of the workloads come from it. */
long ct_env_resident_bytes(void);
/* Add ct_cpu_model, ct_kernel, ct_compiler, ct_cflags to the JSON context. */
void ct_env_add_context(void);

#endif /* CT_ENV_H */
