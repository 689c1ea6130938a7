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

const char *const ct_perf_names[] = {"ctx_switches", "cpu_migrations", "page_faults",   "cycles",
                                     "instructions", "cache_misses",   "branch_misses", NULL};

static const struct {
    uint32_t type;
    uint64_t config;
} events[CT_PERF_MAX] = {
    {PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
    {PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
    {PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
    {PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    {PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
    {PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
    {PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
};
_Static_assert(sizeof ct_perf_names / sizeof *ct_perf_names == CT_PERF_MAX + 1,
               "one name per event, then NULL");

static int enabled = 1; /* set before any benchmark thread runs */
static char status[256] = "not probed";
static char unavailable[160]; /* "cycles,instructions,...": what this machine cannot count */
/* Per event, once probed: 1 can be opened here, 0 cannot (skip it). */
static int available[CT_PERF_MAX] = {1, 1, 1, 1, 1, 1, 1};
static pthread_once_t probed = PTHREAD_ONCE_INIT; /* orders status, unavailable, available */

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
    /* A hardware group the PMU cannot fit is never scheduled: its time running stays 0. */
    a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    return (int)syscall(SYS_perf_event_open, &a, 0 /* this thread */, -1, group_leader, 0);
}

/* Which events this machine can count, once: every thread then tries the
 * same ones, so a thread that misses one failed where the others did not. */
static void probe(void)
{
    int sw_err = 0, hw = 0;
    size_t len = 0;

    for (int i = 0; i < CT_PERF_MAX; i++) {
        int fd = open_event(i, -1);
        available[i] = fd >= 0;
        if (fd >= 0)
            close(fd);
        else if (i == 0)
            sw_err = errno;
        else /* every name together fits: no truncation */
            len += (size_t)snprintf(unavailable + len, sizeof unavailable - len, "%s%s",
                                    len ? "," : "", ct_perf_names[i]);
        hw |= fd >= 0 && events[i].type == PERF_TYPE_HARDWARE;
    }
    if (!available[0])
        snprintf(status, sizeof status,
                 "unavailable: perf_event_open: %s (see /proc/sys/kernel/perf_event_paranoid)",
                 strerror(sw_err));
    else if (unavailable[0])
        snprintf(status, sizeof status, "%s events; not available here: %s",
                 hw ? "software and some hardware" : "software", unavailable);
    else
        snprintf(status, sizeof status, "software and hardware events");
    if (!available[0]) /* the group leader failed: nothing is counted */
        snprintf(unavailable, sizeof unavailable, "all");
}

const char *ct_perf_status(void)
{
    if (!enabled)
        return "off (--perf=off)";
    pthread_once(&probed, probe);
    return status;
}

const char *ct_perf_unavailable(void)
{
    if (!enabled)
        return NULL;
    pthread_once(&probed, probe);
    return unavailable;
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
        uint64_t v[3]; /* value, time enabled, time running (read_format) */
        value[i] = -1;
        if (p->fd[i] >= 0) {
            if (read(p->fd[i], v, sizeof v) == (ssize_t)sizeof v && (v[2] > 0 || v[1] == 0))
                value[i] = (int64_t)v[0];
            close(p->fd[i]);
            p->fd[i] = -1;
        }
        if (enabled && available[i] && value[i] < 0)
            all = 0; /* the machine has it, this thread did not count it */
    }
    return all;
}
