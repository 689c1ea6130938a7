/* ct_env.c: machine and build description for the JSON context. */
#include "ct_env.h"
#include "ct_bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef CT_COMPILER
#define CT_COMPILER "unknown"
#endif
#ifndef CT_CFLAGS
#define CT_CFLAGS ""
#endif

/* The value of "key : value" in a /proc/cpuinfo line, or NULL. */
static char *cpuinfo_value(char *line, const char *key)
{
    char *colon = strchr(line, ':');
    if (strncmp(line, key, strlen(key)) != 0 || !colon)
        return NULL;
    colon++;
    while (*colon == ' ' || *colon == '\t')
        colon++;
    colon[strcspn(colon, "\n")] = '\0';
    return colon;
}

/* Arm's own cores (implementer 0x41) that servers and CI runners use: their
 * /proc/cpuinfo has no "model name", only these numbers. */
static const char *arm_part_name(unsigned long part)
{
    switch (part) {
    case 0xd0c:
        return "Neoverse-N1";
    case 0xd40:
        return "Neoverse-V1";
    case 0xd49:
        return "Neoverse-N2";
    case 0xd4f:
        return "Neoverse-V2";
    case 0xd08:
        return "Cortex-A72";
    case 0xd0b:
        return "Cortex-A76";
    default:
        return NULL;
    }
}

long ct_env_resident_bytes(void)
{
    long size, resident;
    FILE *f = fopen("/proc/self/statm", "r");

    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

const char *ct_env_cpu_model(char *buf, size_t len)
{
    char line[512], impl[32] = "", part[32] = "";
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return buf;
    while (fgets(line, sizeof line, f)) {
        char *v;
        if ((v = cpuinfo_value(line, "model name"))) {
            snprintf(buf, len, "%s", v);
            fclose(f);
            return buf;
        }
        if (!*impl && (v = cpuinfo_value(line, "CPU implementer")))
            snprintf(impl, sizeof impl, "%s", v);
        if (!*part && (v = cpuinfo_value(line, "CPU part")))
            snprintf(part, sizeof part, "%s", v);
    }
    fclose(f);
    if (*impl && *part) { /* Arm: no model name, so the numbers (and a name we know) */
        const char *name =
            strtoul(impl, NULL, 0) == 0x41 ? arm_part_name(strtoul(part, NULL, 0)) : NULL;
        if (name)
            snprintf(buf, len, "%s", name);
        else
            snprintf(buf, len, "Arm implementer %s part %s", impl, part);
    }
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
