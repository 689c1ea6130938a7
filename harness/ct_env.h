/*
 * ct_env.h: what the machine and the build are, for the report's
 * environment block (added to Google Benchmark's JSON "context").
 */
#ifndef CT_ENV_H
#define CT_ENV_H

#include <stddef.h>

/* CPU model name from /proc/cpuinfo, or "unknown". */
const char *ct_env_cpu_model(char *buf, size_t len);
/* Add ct_cpu_model, ct_kernel, ct_compiler, ct_cflags to the JSON context. */
void ct_env_add_context(void);

#endif /* CT_ENV_H */
