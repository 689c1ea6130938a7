/* ct_perf.c: per-thread perf counters (see ct_perf.h). */
#include "ct_perf.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const ct_perf_names[] = {"ctx_switches", "cpu_migrations", "page_faults",
                                     "cycles",       "instructions",   NULL};

static const struct {
    uint32_t type;
    uint64_t config;
} events[CT_PERF_MAX] = {
    {PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
    {PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
    {PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
    {PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    {PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
};

static int enabled = 1; /* set before any benchmark thread runs */
static char status[160] = "not probed";
/* Per event, once probed: 1 can be opened here, 0 cannot (skip it). */
static int available[CT_PERF_MAX] = {1, 1, 1, 1, 1};
static pthread_once_t probed = PTHREAD_ONCE_INIT; /* orders status and available */

void ct_perf_enable(int on)
{
    enabled = on;
}

static int open_event(int i, int group_leader)
{
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a;
    a.type = events[i].type;
    a.config = events[i].config;
    a.disabled = 1;
    a.exclude_hv = 1;
    a.exclude_kernel = events[i].type == PERF_TYPE_HARDWARE; /* allowed at paranoid 2 */
    return (int)syscall(SYS_perf_event_open, &a, 0 /* this thread */, -1, group_leader, 0);
}

/* Which events this machine can count, once: every thread then tries the
 * same ones, so a thread that misses one failed where the others did not. */
static void probe(void)
{
    int sw = -1, hw = -1, sw_err = 0;
    for (int i = 0; i < CT_PERF_MAX; i++) {
        int fd = open_event(i, -1);
        available[i] = fd >= 0;
        if (i == 0 && fd < 0)
            sw_err = errno;
        if (i == 0)
            sw = fd;
        else if (i == 3)
            hw = fd;
        else if (fd >= 0)
            close(fd);
    }
    if (sw >= 0)
        close(sw);
    if (hw >= 0)
        close(hw);
    if (sw < 0)
        snprintf(status, sizeof status,
                 "unavailable: perf_event_open: %s (see "
                 "/proc/sys/kernel/perf_event_paranoid)",
                 strerror(sw_err));
    else
        snprintf(status, sizeof status, "%s",
                 hw >= 0 ? "software and hardware events"
                         : "software events (hardware events not supported here)");
}

const char *ct_perf_status(void)
{
    if (!enabled)
        return "off (--perf=off)";
    pthread_once(&probed, probe);
    return status;
}

int ct_perf_active(void)
{
    if (!enabled)
        return 0;
    pthread_once(&probed, probe);
    return available[0]; /* the group leader: without it, nothing is counted */
}

void ct_perf_open(ct_perf *p)
{
    int leader = -1;

    if (enabled)
        pthread_once(&probed, probe);
    for (int i = 0; i < CT_PERF_MAX; i++) {
        p->fd[i] = enabled && available[i] ? open_event(i, leader) : -1;
        if (leader < 0)
            leader = p->fd[i];
    }
}

void ct_perf_start(ct_perf *p)
{
    /* One syscall for the whole group, inside the timed region. */
    for (int i = 0; i < CT_PERF_MAX; i++)
        if (p->fd[i] >= 0) {
            ioctl(p->fd[i], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
            return;
        }
}

void ct_perf_stop(ct_perf *p)
{
    for (int i = 0; i < CT_PERF_MAX; i++)
        if (p->fd[i] >= 0) {
            ioctl(p->fd[i], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
            return;
        }
}

int ct_perf_read(ct_perf *p, int64_t value[CT_PERF_MAX])
{
    int all = ct_perf_active();

    for (int i = 0; i < CT_PERF_MAX; i++) {
        uint64_t v;
        value[i] = -1;
        if (p->fd[i] >= 0) {
            if (read(p->fd[i], &v, sizeof v) == (ssize_t)sizeof v)
                value[i] = (int64_t)v;
            close(p->fd[i]);
            p->fd[i] = -1;
        }
        if (enabled && available[i] && value[i] < 0)
            all = 0; /* the machine has it, this thread did not count it */
    }
    return all;
}
