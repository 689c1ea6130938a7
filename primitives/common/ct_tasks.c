/* ct_tasks.c: is every thread of the process asleep for good? (see
 * ct_tasks_internal.h) */
#include "ct_tasks_internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum task_kind { TASK_SKIP, TASK_STUCK, TASK_LIVE };

/* /proc/self/task/<tid>/<what> (tid 0: /proc/self/<what>) into buf, NUL
 * terminated; false if it cannot be read (the thread may have just ended). */
static bool read_proc(pid_t tid, const char *what, char *buf, size_t len)
{
    char path[64];
    size_t got = 0;
    ssize_t r;
    int fd;

    if (tid)
        snprintf(path, sizeof path, "/proc/self/task/%d/%s", (int)tid, what);
    else
        snprintf(path, sizeof path, "/proc/self/%s", what);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    while (got < len - 1 && (r = read(fd, buf + got, len - 1 - got)) > 0)
        got += (size_t)r;
    close(fd);
    buf[got] = '\0';
    return got > 0;
}

/* The text after "key" at the start of a line of a status file, or NULL. */
static const char *status_field(const char *status, const char *key)
{
    size_t k = strlen(key);

    for (const char *line = status; *line;) {
        const char *nl = strchr(line, '\n');

        if (strncmp(line, key, k) == 0)
            return line + k;
        if (!nl)
            break;
        line = nl + 1;
    }
    return NULL;
}

/* What /proc/self/maps says of the mapping that holds addr. */
typedef struct {
    bool found;
    bool shared;  /* MAP_SHARED: another process may map it too */
    bool runtime; /* a sanitizer's runtime library (libtsan.so, libasan.so...) */
} mapping;

static mapping mapping_of(uintptr_t addr)
{
    mapping m = {0};
    FILE *f = fopen("/proc/self/maps", "re");
    char *line = NULL;
    size_t cap = 0;

    if (!f)
        return m;
    while (!m.found && getline(&line, &cap, f) > 0) {
        unsigned long lo, hi;
        char perms[5];
        int path_at = 0;

        if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &lo, &hi, perms, &path_at) < 3 ||
            addr < lo || addr >= hi)
            continue;
        const char *path = line + path_at, *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        m.found = true;
        m.shared = perms[3] == 's';
        m.runtime = strncmp(base, "lib", 3) == 0 && strstr(base, "san.so") != NULL;
    }
    free(line);
    fclose(f);
    return m;
}

/* A futex wait that no timer ends, from /proc/<tid>/syscall's arguments
 * (uaddr, op, val, timeout, ...). */
static bool untimed_futex_wait(const unsigned long *arg)
{
    switch (arg[1] & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_WAIT_REQUEUE_PI:
        return arg[3] == 0; /* the timeout (an absolute one for LOCK_PI) */
    default:
        return false;
    }
}

/* One thread (announced: in an announced wait); *switches: its context
 * switches. Even a thread in an announced wait must be asleep: one that
 * has just been woken is runnable until it gets a CPU and withdraws its
 * wait, which on a loaded machine can take several looks. */
static enum task_kind task_kind(pid_t tid, bool announced, uint64_t *switches)
{
    char buf[4096];
    const char *st, *vol, *nonvol;
    unsigned long arg[8];
    long nr;
    char *p;

    if (!read_proc(tid, "status", buf, sizeof buf) || !(st = status_field(buf, "State:")))
        return TASK_SKIP; /* gone since readdir: the fingerprint notices */
    st += strspn(st, " \t");
    if (*st == 'Z' || *st == 'X')
        return TASK_SKIP; /* exited (a main thread that called pthread_exit) */
    if (*st != 'S')
        return TASK_LIVE; /* running, stopped, in uninterruptible I/O */
    vol = status_field(buf, "voluntary_ctxt_switches:");
    nonvol = status_field(buf, "nonvoluntary_ctxt_switches:");
    *switches = (vol ? strtoull(vol, NULL, 10) : 0) + (nonvol ? strtoull(nonvol, NULL, 10) : 0);
    if (announced)
        return TASK_STUCK;
    /* "nr arg0..arg5 sp pc", "-1 sp pc" outside a system call, "running" */
    if (!read_proc(tid, "syscall", buf, sizeof buf))
        return TASK_LIVE;
    nr = strtol(buf, &p, 10);
    if (p == buf)
        return TASK_LIVE;
    int n = 0;
    while (n < 8) {
        char *q;
        arg[n] = strtoul(p, &q, 0);
        if (q == p)
            break;
        p = q;
        n++;
    }
    if (nr == SYS_futex && n == 8 && untimed_futex_wait(arg)) {
        if (arg[1] & FUTEX_PRIVATE_FLAG)
            return TASK_STUCK;
        mapping m = mapping_of(arg[0]); /* pthread_join waits on a shared futex */
        return m.found && !m.shared ? TASK_STUCK : TASK_LIVE;
    }
    /* asleep elsewhere: the sanitizer runtime's own thread, or live */
    return n >= 2 && mapping_of(arg[n - 1]).runtime ? TASK_SKIP : TASK_LIVE;
}

#define SIGBIT(s) (1ull << ((s)-1))

/* Does an asynchronous signal have a handler? (One sent by another process
 * could wake a thread.) Fault signals are the process's own; 32 and 33 are
 * glibc's internal ones (cancellation, setxid). */
static bool async_handler(void)
{
    const unsigned long long own = SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGFPE) |
                                   SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGSYS) |
                                   SIGBIT(SIGABRT) | SIGBIT(32) | SIGBIT(33);
    char buf[4096];
    const char *cgt;

    if (!read_proc(0, "status", buf, sizeof buf) || !(cgt = status_field(buf, "SigCgt:")))
        return true;
    return (strtoull(cgt, NULL, 16) & ~own) != 0;
}

static bool announced(pid_t tid, const ct_wait_info *waits, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (waits[i].tid == tid)
            return true;
    return false;
}

/* splitmix64's finalizer: the fingerprint sums these, so order does not count */
static uint64_t mix(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

bool ct__tasks_asleep(pid_t skip, const ct_wait_info *waits, size_t n, uint64_t *fingerprint)
{
    bool asleep = true;
    uint64_t fp = 0;
    struct dirent *e;
    DIR *d;

    *fingerprint = 0;
    if (async_handler() || !(d = opendir("/proc/self/task")))
        return false;
    while (asleep && (e = readdir(d))) {
        pid_t tid = (pid_t)atoi(e->d_name);
        uint64_t switches = 0;

        if (tid <= 0 || tid == skip)
            continue;
        switch (task_kind(tid, announced(tid, waits, n), &switches)) {
        case TASK_STUCK:
            fp += mix((uint64_t)tid << 40 ^ switches);
            break;
        case TASK_LIVE:
            asleep = false;
            break;
        case TASK_SKIP:
            break;
        }
    }
    closedir(d);
    *fingerprint = fp;
    return asleep;
}
