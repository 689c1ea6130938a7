/*
 * ct_test.c: the test runner behind ct_test.h: one forked child per case, a
 * timeout per case, one result line per case.
 *
 * The parent blocks SIGCHLD and the termination signals and waits for them
 * with sigtimedwait, so a timeout needs no timer thread and no handler: the
 * parent stays single-threaded, which keeps fork safe under TSan. If the
 * runner itself is interrupted (Ctrl-C, ctest's timeout), it kills the
 * running case's process group first and then dies of the same signal.
 */
#include "ct_test.h"
#include "ct_common.h"
#include "ct_leakcheck.h"
#include "go.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- failing ------------------------------------------------------------- */

void ct__test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "%s:%d: FAIL: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(NULL);
    _exit(1);
}

/* ---- thread helpers -------------------------------------------------------- */

void ct_test_barrier_init(ct_test_barrier *b, unsigned count)
{
    int err = pthread_barrier_init(&b->b, NULL, count);

    if (err)
        ct_test_fail("pthread_barrier_init(%u): %s", count, strerror(err));
}

void ct_test_barrier_wait(ct_test_barrier *b)
{
    int err = pthread_barrier_wait(&b->b);

    if (err != 0 && err != PTHREAD_BARRIER_SERIAL_THREAD)
        ct_test_fail("pthread_barrier_wait: %s", strerror(err));
}

void ct_test_barrier_destroy(ct_test_barrier *b)
{
    int err = pthread_barrier_destroy(&b->b);

    if (err)
        ct_test_fail("pthread_barrier_destroy: %s", strerror(err));
}

struct ct__test_thread {
    pthread_t th;
    ct_test_thread_fn fn;
    void *arg;
    unsigned idx;
};

static void *ct__test_thread_main(void *p)
{
    struct ct__test_thread *t = p;

    t->fn(t->idx, t->arg);
    return NULL;
}

void ct_test_run_threads(unsigned n, ct_test_thread_fn fn, void *arg)
{
    struct ct__test_thread *t = calloc(n ? n : 1, sizeof *t);
    int err;

    if (!t)
        ct_test_fail("calloc(%u threads): out of memory", n);
    for (unsigned i = 0; i < n; i++) {
        t[i] = (struct ct__test_thread){.fn = fn, .arg = arg, .idx = i};
        /* On failure the threads already started may wait on a barrier for
         * the missing one; ct_test_fail _exits, which ends them too. */
        err = pthread_create(&t[i].th, NULL, ct__test_thread_main, &t[i]);
        if (err)
            ct_test_fail("pthread_create (thread %u of %u): %s", i, n, strerror(err));
    }
    for (unsigned i = 0; i < n; i++) {
        err = pthread_join(t[i].th, NULL);
        if (err)
            ct_test_fail("pthread_join (thread %u of %u): %s", i, n, strerror(err));
    }
    free(t);
}

/* ---- the runner ------------------------------------------------------------ */

double ct_test_timeout_mult(void)
{
    const char *s = getenv("CT_TIMEOUT_MULT");
    char *end;
    double m;

    if (!s || !*s)
        return 1.0;
    errno = 0;
    m = strtod(s, &end);
    if (errno || *end || !(m > 0) || m > 1e6) {
        fprintf(stderr, "ct_test: CT_TIMEOUT_MULT='%s' is not a positive number\n", s);
        exit(2);
    }
    return m;
}

static double ct__now(void)
{
    return (double)ct_now_ns() * 1e-9;
}

/* The child: its own process group (so a timeout kills what it forked too),
 * the caller's signal mask back, and an exit status that says pass or fail.
 * exit(), not _exit(): the sanitizers report leaks and races at exit. */
/* The case, then the thread-leak check (goleak's idea): a thread the case
 * started and did not stop fails it, with what the thread is blocked on.
 * The coroutine scheduler (go.h), which a case may have started directly or
 * through a primitive built on it, is shut down first: its workers are not
 * leaks, but a coroutine still parked then is (shutdown names it). */
static int ct__run_checked(const ct_test_case *tc)
{
    ct_leakcheck lc;
    int rc, leaked;
    size_t parked;

    if (ct_leakcheck_begin(&lc) < 0) {
        fprintf(stderr, "ct_test: cannot list this process's threads\n");
        return 1;
    }
    rc = tc->fn(tc->arg);
    parked = ct_go_shutdown();
    if (parked != 0) {
        fprintf(stderr, "ct_test: %s: %zu coroutine(s) left parked\n", tc->name, parked);
        return rc ? rc : CT_TEST_LEAK_EXIT;
    }
    leaked = ct_leakcheck_end(&lc, NULL, 1000, stderr);
    if (leaked != 0) {
        fprintf(stderr, "ct_test: %s: %d thread(s) leaked\n", tc->name, leaked);
        return rc ? rc : CT_TEST_LEAK_EXIT;
    }
    return rc;
}

_Noreturn static void ct__child(const ct_test_case *tc, const sigset_t *oldmask)
{
    int rc;

    setpgid(0, 0);
    sigprocmask(SIG_SETMASK, oldmask, NULL);
    rc = ct__run_checked(tc);
    fflush(NULL);
    exit(rc == 0 ? 0 : (rc > 0 && rc < 256) ? rc : 1);
}

static void ct__kill_case(pid_t pid)
{
    int status;

    kill(-pid, SIGKILL);
    kill(pid, SIGKILL); /* in case setpgid had not run yet */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
}

/* Die of sig (taken by sigtimedwait, so no longer pending), as if we had
 * never blocked it: the shell and ctest then see what happened. */
_Noreturn static void ct__die_of(int sig)
{
    sigset_t only;

    signal(sig, SIG_DFL);
    sigemptyset(&only);
    sigaddset(&only, sig);
    sigprocmask(SIG_UNBLOCK, &only, NULL);
    raise(sig);
    _exit(128 + sig);
}

/* Run one case in a child; returns 1 if it passed, 0 if it failed. */
static int ct__run_forked(const ct_test_case *tc, double mult, const sigset_t *waitset,
                          const sigset_t *oldmask)
{
    double timeout = (tc->timeout_s ? tc->timeout_s : CT_TEST_DEFAULT_TIMEOUT_S) * mult;
    double start = ct__now(), deadline = start + timeout;
    char why[160] = "";
    int status = 0;
    pid_t pid;

    fflush(NULL); /* or the child would print our buffered output again */
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "ct_test: fork: %s\n", strerror(errno));
        exit(2);
    }
    if (pid == 0)
        ct__child(tc, oldmask);
    setpgid(pid, pid); /* both sides set it, so kill(-pid) works at once */

    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        double left;
        struct timespec ts;
        int sig;

        if (r == pid)
            break;
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "ct_test: waitpid: %s\n", strerror(errno));
            exit(2);
        }
        left = deadline - ct__now();
        if (left <= 0) {
            ct__kill_case(pid);
            snprintf(why, sizeof why, "timeout after %gs", timeout);
            break;
        }
        ts.tv_sec = (time_t)left;
        ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
        sig = sigtimedwait(waitset, NULL, &ts);
        if (sig < 0 || sig == SIGCHLD)
            continue; /* timed out (EAGAIN), EINTR, or a child changed state */
        /* Interrupted: take the case down with us, then die of the signal. */
        ct__kill_case(pid);
        printf("FAIL %-36s interrupted by %s\n", tc->name, strsignal(sig));
        fflush(NULL);
        ct__die_of(sig);
    }

    long ms = (long)((ct__now() - start) * 1000 + 0.5);
    if (!why[0] && tc->xfail) { /* it must fail its checks, and only that */
        if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
            printf("XFAIL %-35s %6ld ms  caught: %s\n", tc->name, ms, tc->xfail);
            fflush(stdout);
            return 1;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            snprintf(why, sizeof why, "passed, but it must fail: %s", tc->xfail);
    }
    if (!why[0]) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !tc->xfail) {
            printf("PASS %-36s %6ld ms\n", tc->name, ms);
            fflush(stdout);
            return 1;
        }
        if (WIFEXITED(status))
            snprintf(why, sizeof why, "exit code %d%s", WEXITSTATUS(status),
                     WEXITSTATUS(status) == 66   ? " (a ThreadSanitizer report?)"
                     : WEXITSTATUS(status) == 23 ? " (a LeakSanitizer report?)"
                                                 : "");
        else if (WIFSIGNALED(status))
            snprintf(why, sizeof why, "killed by signal %d (SIG%s: %s)", WTERMSIG(status),
                     sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?",
                     strsignal(WTERMSIG(status)));
        else
            snprintf(why, sizeof why, "unexpected wait status 0x%x", (unsigned)status);
    }
    printf("FAIL %-36s %6ld ms  %s\n", tc->name, ms, why);
    fflush(stdout);
    return 0;
}

static int ct__run_inline(const ct_test_case *tc)
{
    double start = ct__now();
    int rc = ct__run_checked(tc);
    long ms = (long)((ct__now() - start) * 1000 + 0.5);

    printf("%s %-36s %6ld ms", rc ? "FAIL" : "PASS", tc->name, ms);
    if (rc)
        printf("  returned %d", rc);
    printf("\n");
    fflush(stdout);
    return rc == 0;
}

static void ct__usage(const char *argv0, FILE *f)
{
    fprintf(f,
            "usage: %s [--list] [--no-fork] [--exclude=CASE]... [CASE...]\n"
            "  runs every case (or the named ones, and those below them: CASE/...),\n"
            "  each in a child process with a timeout scaled by $CT_TIMEOUT_MULT;\n"
            "  --exclude drops a case and those below it; --no-fork runs them\n"
            "  in-process without a timeout (for a debugger)\n",
            argv0);
}

/* Does arg name this case, or a group above it (arg/...)? */
static int ct__names(const char *arg, const char *name)
{
    size_t len = strlen(arg);

    return strncmp(name, arg, len) == 0 && (name[len] == '\0' || name[len] == '/');
}

/* Mark in sel[] (with mark) every case that arg names; 0 if none. */
static int ct__select(const char *arg, const ct_test_case *cases, size_t n, unsigned char *sel,
                      unsigned char mark)
{
    int found = 0;

    for (size_t i = 0; i < n; i++)
        if (ct__names(arg, cases[i].name)) {
            sel[i] |= mark;
            found = 1;
        }
    return found;
}

int ct_test_main(int argc, char **argv, const ct_test_case *cases, size_t n)
{
    int list = 0, nofork = 0, named = 0;
    size_t passed = 0, failed = 0, skipped = 0;
    unsigned char *selected;
    sigset_t waitset, oldmask;
    double mult;

    /* Line-buffered before any output: the result lines interleave sanely
     * with the cases' own stderr, and a case killed on timeout keeps what it
     * printed (children inherit the mode). */
    setvbuf(stdout, NULL, _IOLBF, 0);

    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(cases[i].name, cases[j].name) == 0) {
                fprintf(stderr, "ct_test: duplicate case name '%s'\n", cases[i].name);
                return 2;
            }

    selected = calloc(n ? n : 1, 1);
    if (!selected) {
        fprintf(stderr, "ct_test: out of memory\n");
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];

        if (strncmp(arg, "--exclude=", 10) == 0) {
            if (!ct__select(arg + 10, cases, n, selected, 2)) {
                fprintf(stderr, "ct_test: --exclude: unknown test case '%s' (--list shows them)\n",
                        arg + 10);
                free(selected);
                return 2;
            }
            continue;
        }
        if (strcmp(arg, "--list") == 0) {
            list = 1;
            continue;
        }
        if (strcmp(arg, "--no-fork") == 0) {
            nofork = 1;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            ct__usage(argv[0], stdout);
            free(selected);
            return 0;
        }
        if (arg[0] == '-') {
            fprintf(stderr, "ct_test: unknown option '%s'\n", arg);
            ct__usage(argv[0], stderr);
            free(selected);
            return 2;
        }
        if (!ct__select(arg, cases, n, selected, 1)) {
            fprintf(stderr, "ct_test: unknown test case '%s' (--list shows them)\n", arg);
            free(selected);
            return 2;
        }
        named = 1;
    }
    if (list) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", cases[i].name);
        free(selected);
        return 0;
    }
    mult = ct_test_timeout_mult();

    /* Children must be reapable, and the signals we wait for must stay
     * pending until sigtimedwait takes them. --no-fork changes nothing: the
     * cases run as in a plain program. */
    signal(SIGCHLD, SIG_DFL);
    sigemptyset(&waitset);
    sigaddset(&waitset, SIGCHLD);
    sigaddset(&waitset, SIGINT);
    sigaddset(&waitset, SIGTERM);
    sigaddset(&waitset, SIGHUP);
    sigaddset(&waitset, SIGQUIT);
    sigprocmask(SIG_BLOCK, nofork ? NULL : &waitset, &oldmask);

    for (size_t i = 0; i < n; i++) {
        const ct_test_case *tc = &cases[i];

        if ((named && !(selected[i] & 1)) || (selected[i] & 2)) /* 2: excluded */
            continue;
        if (tc->skip) {
            printf("SKIP %-36s %6s     %s\n", tc->name, "", tc->skip);
            fflush(stdout);
            skipped++;
            continue;
        }
        if (nofork ? ct__run_inline(tc) : ct__run_forked(tc, mult, &waitset, &oldmask))
            passed++;
        else
            failed++;
    }
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    free(selected);

    printf("%zu passed, %zu failed, %zu skipped (timeouts x%g)\n", passed, failed, skipped, mult);
    if (failed)
        return 1;
    /* Nothing ran and something was skipped: say so to ctest, which would
     * otherwise count the skip as a pass. */
    return passed == 0 && skipped > 0 ? CT_TEST_SKIP_EXIT : 0;
}

/* ---- a sanitizer report that must reproduce ------------------------------------ */

static void ct__rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* 0 if the log has a line starting with summary that names file. */
static int ct__check_log(const char *logfile, const char *summary, const char *file)
{
    FILE *f = fopen(logfile, "r");
    char line[4096];
    int found = 0, named = 0;

    if (!f) {
        fprintf(stderr, "no sanitizer log at %s: %s\n", logfile, strerror(errno));
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, summary, strlen(summary)) != 0)
            continue;
        found = 1;
        printf("  %s", line);
        if (strstr(line, file))
            named = 1;
    }
    if (!found || !named) {
        fprintf(stderr, "%s '%s'%s%s; the log was:\n", found ? "the line" : "no line", summary,
                found ? " does not name " : "", found ? file : "");
        rewind(f);
        while (fgets(line, sizeof line, f))
            fputs(line, stderr);
    }
    fclose(f);
    return !(found && named);
}

void ct_test_expect_abort(const char *what, void (*fn)(void *arg), void *arg)
{
    int status;
    pid_t pid;

    printf("  %s: an abort message is expected:\n", what);
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        ct_test_fail("fork: %s", strerror(errno));
    if (pid == 0) {
        fn(arg);
        _exit(0); /* it did not abort */
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            ct_test_fail("waitpid: %s", strerror(errno));
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
        ct_test_fail("%s: did not abort (status 0x%x)", what, (unsigned)status);
}

int ct_test_expect_sanitizer(const char *child_arg, const char *env_var, char sep, int exitcode,
                             const char *summary, const char *file)
{
    const char *tmp = getenv("TMPDIR");
    const char *inherited = getenv(env_var);
    char dir[1024], opts[4096], logfile[1200];
    int status, bad;
    pid_t pid;

    snprintf(dir, sizeof dir, "%s/ct-san-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        ct_test_fail("mkdtemp(%s): %s", dir, strerror(errno));
    /* Later options win, so ours override the inherited ones; those still
     * apply (a suppression that hid the bug would fail the test, rightly). */
    snprintf(opts, sizeof opts, "%s%clog_path=%s/log%cexitcode=%d%chalt_on_error=0",
             inherited && *inherited ? inherited : "", inherited && *inherited ? sep : ' ', dir,
             sep, exitcode, sep);
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        ct_test_fail("fork: %s", strerror(errno));
    if (pid == 0) {
        if (setenv(env_var, opts, 1) == 0)
            execl("/proc/self/exe", "ct_test_child", child_arg, (char *)NULL);
        fprintf(stderr, "exec /proc/self/exe: %s\n", strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            ct_test_fail("waitpid: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != exitcode) {
        fprintf(stderr, "the child should exit %d (the sanitizer reported): status 0x%x%s\n",
                exitcode, (unsigned)status,
                WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ", i.e. no report" : "");
        ct__rm_dir(dir);
        return 1;
    }
    snprintf(logfile, sizeof logfile, "%s/log.%ld", dir, (long)pid); /* log_path=P: P.<pid> */
    bad = ct__check_log(logfile, summary, file);
    ct__rm_dir(dir);
    return bad;
}

/* ---- the validate matrix -------------------------------------------------------- */

int ct_test_main_matrix(int argc, char **argv, const ct_test_case *fixed, size_t nfixed,
                        const ct_test_competitor *comps, size_t ncomps, const unsigned *threads,
                        size_t nthreads, ct_test_fn fn, unsigned timeout_s)
{
    size_t max = nfixed + ncomps * (nthreads ? nthreads : 1), n = 0, nc = 0;
    ct_test_case *cases = calloc(max, sizeof *cases);
    ct_test_cell *cells = calloc(ncomps * nthreads + 1, sizeof *cells);
    char(*names)[80] = calloc(max, sizeof *names);
    int rc;

    if (!cases || !cells || !names) {
        fprintf(stderr, "ct_test: out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < nfixed; i++)
        cases[n++] = fixed[i];
    for (size_t i = 0; i < ncomps; i++) {
        if (comps[i].skip) {
            snprintf(names[n], sizeof names[n], "validate/%s", comps[i].name);
            cases[n] = (ct_test_case){.name = names[n], .skip = comps[i].skip};
            n++;
            continue;
        }
        for (size_t k = 0; k < nthreads; k++) {
            cells[nc] = (ct_test_cell){comps[i].impl, threads[k]};
            snprintf(names[n], sizeof names[n], "validate/%s/%ut", comps[i].name, threads[k]);
            cases[n] = (ct_test_case){.name = names[n],
                                      .fn = fn,
                                      .arg = &cells[nc++],
                                      .timeout_s = timeout_s,
                                      .xfail = comps[i].xfail};
            n++;
        }
    }
    rc = ct_test_main(argc, argv, cases, n);
    free(names);
    free(cells);
    free(cases);
    return rc;
}

const char *ct_test_broken(unsigned caps)
{
    return caps & CT_CAP_BROKEN ? "a broken competitor (CT_CAP_BROKEN, tests/competitors/)" : NULL;
}

/* ---- the registry case --------------------------------------------------- */

#define CT__PROGRESS (CT_CAP_LOCKFREE | CT_CAP_BLOCKING | CT_CAP_SPINNING)

static int ct__one_progress(unsigned caps)
{
    unsigned p = caps & CT__PROGRESS;

    return p != 0 && (p & (p - 1)) == 0;
}

size_t ct_test_check_registry(const ct_test_registry *r)
{
    const unsigned known = (unsigned)CT_CAP_ALL | r->known_caps;
    const char *fam = r->family ? r->family : "(no family)";
    int wname = 0, wtag = 0, wcaps = 0;
    char why[256], caps[128];
    const char *bad;
    size_t n;

    if (!r->descs || !r->listed || !r->find || !r->create)
        ct_test_fail("%s: the registry to check lacks descs, listed, find or create", fam);
    bad = ct_registry_check(r->descs, why, sizeof why);
    if (bad)
        ct_test_fail("%s: %s", fam, bad);
    /* The columns, as wide as their widest entry. */
    for (size_t i = 0; r->listed(i); i++) {
        const ct_impl_desc *d = r->listed(i);
        int w = (int)strlen(ct_caps_str(d->caps, caps, sizeof caps));

        wname = d->name && (int)strlen(d->name) > wname ? (int)strlen(d->name) : wname;
        wtag = r->tag && (int)strlen(r->tag(i)) > wtag ? (int)strlen(r->tag(i)) : wtag;
        wcaps = w > wcaps ? w : wcaps;
    }
    for (n = 0; r->listed(n); n++) {
        const ct_impl_desc *d = r->listed(n);
        char tag[64] = "";

        if (!d->name || !d->summary)
            ct_test_fail("%s: competitor #%zu has no name or no summary", fam, n);
        if (r->tag)
            snprintf(tag, sizeof tag, " %-*s", wtag, r->tag(n));
        ct_caps_str(d->caps, caps, sizeof caps);
        printf("  %-*s%s %-*s %s%s%s\n", wname, d->name, tag, wcaps, caps, d->summary,
               d->unavailable ? " -- unavailable: " : "", d->unavailable ? d->unavailable : "");
        if (r->descs[n] != d)
            ct_test_fail("%s: ct_%s_descs() does not list its desc at #%zu", d->name, fam, n);
        if (r->find(d->name) != d)
            ct_test_fail("ct_%s_find(\"%s\") does not return its entry", fam, d->name);
        if (d->caps & ~known)
            ct_test_fail("%s: unknown caps bits 0x%x", d->name, d->caps & ~known);
        if ((d->caps & r->required_caps) != r->required_caps) {
            char want[128];

            ct_test_fail("%s: every %s design is %s (caps %s)", d->name, fam,
                         ct_caps_str(r->required_caps, want, sizeof want), caps);
        }
        if ((r->rules & CT_TEST_EXACT_XOR_PITFALL) &&
            !(d->caps & CT_CAP_EXACT) == !(d->caps & CT_CAP_PITFALL))
            ct_test_fail("%s: must be either EXACT or a PITFALL (caps %s)", d->name, caps);
        if ((r->rules & CT_TEST_NO_PITFALL) && (d->caps & CT_CAP_PITFALL))
            ct_test_fail("%s: no %s design is a PITFALL (caps %s)", d->name, fam, caps);
        if (((r->rules & CT_TEST_ONE_PROGRESS) ||
             ((r->rules & CT_TEST_ONE_PROGRESS_IF_EXACT) && (d->caps & CT_CAP_EXACT))) &&
            !ct__one_progress(d->caps))
            ct_test_fail("%s: needs exactly one of lockfree/blocking/spinning (caps %s)", d->name,
                         caps);
        if (d->unavailable) {
            errno = 0;
            if (r->create(d->name) != NULL || errno != ENOSYS)
                ct_test_fail("%s: unavailable, but ct_%s_new did not fail with ENOSYS", d->name,
                             fam);
        }
    }
    if (n == 0)
        ct_test_fail("%s: no competitor listed", fam);
    if (ct_registry_count(r->descs) != n)
        ct_test_fail("%s: ct_%s_descs() lists %zu, ct_%s_impls() %zu", fam, fam,
                     ct_registry_count(r->descs), fam, n);
    return n;
}

static void check_unknown_name(const ct_test_registry *r, const char *name)
{
    errno = 0;
    if (r->find(name) != NULL || errno != EINVAL)
        ct_test_fail("ct_%s_find(%s%s%s): expected NULL with EINVAL (errno %d)", r->family,
                     name ? "\"" : "", name ? name : "NULL", name ? "\"" : "", errno);
    if (!name)
        return; /* ct_<fam>_new(NULL, ...): the first listed */
    errno = 0;
    if (r->create(name) != NULL || errno != EINVAL)
        ct_test_fail("ct_%s_new(\"%s\"): expected NULL with EINVAL (errno %d)", r->family, name,
                     errno);
}

void ct_test_check_unknown_names(const ct_test_registry *r, const char *const *more)
{
    static const char *const bad[] = {"no_such_name", "", "mutex ", NULL};

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        check_unknown_name(r, bad[i]);
    for (; more && *more; more++)
        check_unknown_name(r, *more);
}
