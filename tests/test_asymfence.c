/*
 * test_asymfence.c: the asymmetric fences' failure path (ct_asymfence.h).
 *
 * Once membarrier is registered, the light side is a compiler barrier and
 * every heavy fence must make its membarrier call: if that call fails, the
 * pair is unordered, so ct_asymfence_heavy must stop the process with a
 * clear message instead of going on. The case makes the call fail for real
 * in a child process: registered first, then a seccomp filter that answers
 * membarrier with EPERM (the only way to fail it on demand; a filter cannot
 * be lifted, hence the child). The child must die of SIGABRT and say why.
 *
 * Skipped (and said so) under TSan, where the fences are RMWs and
 * membarrier is never used, and where the kernel lacks the command.
 */
#include "ct_asymfence.h"
#include "ct_test.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/membarrier.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Child exit statuses that say the injection itself did not work. */
enum { NOT_REGISTERED = 3, NO_FILTER = 4, FILTER_IGNORED = 5, HEAVY_RETURNED = 6 };

/* membarrier fails with EPERM from now on, in this process. The filter
 * does not check the architecture: it only has to catch this process's own
 * native calls. */
static int fail_membarrier(void)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_membarrier, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof code / sizeof code[0], .filter = code};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

_Noreturn static void child(int errfd)
{
    dup2(errfd, 2);
    if (!ct_asymfence_init())
        _exit(NOT_REGISTERED);
    ct_asymfence_heavy(); /* works while membarrier does */
    if (fail_membarrier() != 0)
        _exit(NO_FILTER);
    if (syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0) != -1 || errno != EPERM)
        _exit(FILTER_IGNORED);
    ct_asymfence_heavy(); /* must not return */
    _exit(HEAVY_RETURNED);
}

static int test_heavy_dies(void *arg)
{
    int fds[2], status;
    char buf[1024] = "";
    size_t got = 0;
    ssize_t r;
    pid_t pid;

    (void)arg;
    CT_CHECK(pipe(fds) == 0);
    fflush(NULL);
    pid = fork();
    CT_CHECK(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child(fds[1]);
    }
    close(fds[1]);
    while (got < sizeof buf - 1 && (r = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)r;
    close(fds[0]);
    CT_CHECK(waitpid(pid, &status, 0) == pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == HEAVY_RETURNED)
        ct_test_fail("ct_asymfence_heavy returned after membarrier failed: the light side "
                     "would run with a compiler barrier only");
    if (WIFEXITED(status))
        ct_test_fail("the child could not set up the failure (exit %d: %s)", WEXITSTATUS(status),
                     WEXITSTATUS(status) == NOT_REGISTERED   ? "membarrier not registered"
                     : WEXITSTATUS(status) == NO_FILTER      ? "no seccomp filter"
                     : WEXITSTATUS(status) == FILTER_IGNORED ? "the filter did not fail membarrier"
                                                             : "?");
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
        ct_test_fail("expected the child to abort, status 0x%x", (unsigned)status);
    if (!strstr(buf, "contend: asymfence: membarrier") || !strstr(buf, "unsound"))
        ct_test_fail("ct_die's message should say membarrier failed: '%s'", buf);
    printf("  %s", buf);
    return 0;
}

/* Why the case cannot run here, or NULL. */
static const char *skip_reason(void)
{
#ifdef CT_TSAN
    return "TSan build: the fences are RMWs there, membarrier is never called";
#else
    long cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

    if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED))
        return "the kernel has no MEMBARRIER_CMD_PRIVATE_EXPEDITED: the light side is a "
               "full fence, nothing to fail";
    return NULL;
#endif
}

int main(int argc, char **argv)
{
    const ct_test_case cases[] = {
        {.name = "asymfence/heavy_dies_without_membarrier",
         .fn = test_heavy_dies,
         .skip = skip_reason()},
    };
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
