/* ct_env.c: machine and build description for the JSON context. */
#include "ct_env.h"
#include "ct_bench.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#ifndef CT_COMPILER
#define CT_COMPILER "unknown"
#endif
#ifndef CT_CFLAGS
#define CT_CFLAGS ""
#endif

const char *ct_env_cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return buf;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) != 0 || !colon)
            continue;
        colon++;
        while (*colon == ' ' || *colon == '\t')
            colon++;
        colon[strcspn(colon, "\n")] = '\0';
        snprintf(buf, len, "%s", colon);
        break;
    }
    fclose(f);
    return buf;
}

void ct_env_add_context(void)
{
    char cpu[256], kernel[512];
    struct utsname u;
    ct_bench_context("ct_cpu_model", ct_env_cpu_model(cpu, sizeof cpu));
    if (uname(&u) == 0) {
        snprintf(kernel, sizeof kernel, "%s %s %s", u.sysname, u.release, u.machine);
        ct_bench_context("ct_kernel", kernel);
    }
    ct_bench_context("ct_compiler", CT_COMPILER);
    ct_bench_context("ct_cflags", CT_CFLAGS);
}
