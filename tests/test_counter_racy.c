/*
 * test_counter_racy.c: proves that ThreadSanitizer catches the `racy`
 * counter, the project's one deliberate data race (a pitfall that must keep
 * reproducing: if it stops being reported, this test fails).
 *
 * The case re-executes this binary with --racy-child, which runs `racy` with
 * 2 threads x 200000 adds behind a start barrier, in loose lockstep, under
 * TSAN_OPTIONS="<inherited> log_path=<tmpdir>/racy exitcode=66 halt_on_error=0"
 * (exec, not just fork: TSan reads its options at start-up). It then requires
 * that the child exited 66 (TSan's "I reported something") and that the
 * report's "SUMMARY: ThreadSanitizer: data race" line names counter_racy.c.
 *
 * Built and registered only in the TSan tree (CT_SANITIZE=thread); compiled
 * elsewhere, the case is a SKIP.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "counter.h"
#include "ct_test.h"
#include "ct_tsan.h"

#define RACY_THREADS 2u
#define RACY_ADDS 200000u
#define RACY_EXIT 66 /* exitcode= in the child's TSAN_OPTIONS */

/* ---- the child: race on purpose ------------------------------------------------ */

/* The adders run in loose lockstep, neither more than RACY_WINDOW adds ahead
 * of the other. Without it, on a loaded machine one thread may finish before
 * the other starts; the race is there all the same (nothing orders the two
 * loops), but clang 14's TSan then reported it in only about half the runs
 * (GCC 12's in every run). The lockstep uses relaxed atomics, which create
 * no happens-before, so it hides nothing from TSan. A waiter yields: on a
 * loaded machine spinning would only keep the other thread off the core. */
#define RACY_WINDOW 1024u

struct racy_run {
    ct_counter *c;
    ct_test_barrier start;
    atomic_uint progress[RACY_THREADS]; /* adds done by each thread */
};

_Static_assert(RACY_THREADS == 2, "the lockstep pairs thread 0 with thread 1");

static void racy_thread(unsigned idx, void *arg)
{
    struct racy_run *r = arg;
    atomic_uint *mine = &r->progress[idx], *other = &r->progress[idx ^ 1];

    ct_test_barrier_wait(&r->start);
    for (unsigned i = 0; i < RACY_ADDS; i++) {
        ct_counter_racy.add(r->c, idx, 1);
        /* relaxed: pairs with nothing, on purpose (see RACY_WINDOW) */
        atomic_store_explicit(mine, i + 1, memory_order_relaxed);
        /* relaxed: as above. The other thread ends at RACY_ADDS > i, and
         * both cannot be ahead of each other, so this always ends. */
        while (atomic_load_explicit(other, memory_order_relaxed) + RACY_WINDOW <= i)
            sched_yield();
    }
}

static int racy_child(void)
{
    struct racy_run r;
    uint64_t want = (uint64_t)RACY_THREADS * RACY_ADDS, got;

    r.c = ct_counter_racy.create(RACY_THREADS);
    if (!r.c)
        ct_test_fail("create: %s", strerror(errno));
    for (unsigned i = 0; i < RACY_THREADS; i++)
        atomic_init(&r.progress[i], 0);
    ct_test_barrier_init(&r.start, RACY_THREADS);
    ct_test_run_threads(RACY_THREADS, racy_thread, &r);
    ct_test_barrier_destroy(&r.start);
    got = ct_counter_racy.read(r.c, 0);
    /* Informative only: how many updates were lost varies, and may be 0. */
    printf("  racy child: %u threads x %u adds = %" PRIu64 " (expected %" PRIu64
           ", %" PRIu64 " lost)\n",
           RACY_THREADS, RACY_ADDS, got, want, want - got);
    ct_counter_racy.destroy(r.c);
    return 0; /* TSan turns this into RACY_EXIT if it reported the race */
}

/* ---- the case: run the child, read its TSan log ------------------------------ */

static const char *self_argv0 = "test_counter_racy";

/* Remove the temporary directory and the logs in it. */
static void rm_logdir(const char *dir)
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

static int check_log(const char *logfile)
{
    FILE *f = fopen(logfile, "r");
    char line[4096];
    int found = 0, named = 0;

    if (!f) {
        fprintf(stderr, "no TSan log at %s: %s\n", logfile, strerror(errno));
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "SUMMARY: ThreadSanitizer: data race", 35) != 0)
            continue;
        found = 1;
        printf("  %s", line);
        if (strstr(line, "counter_racy.c"))
            named = 1;
    }
    if (!found || !named) {
        fprintf(stderr, "%s; the log was:\n",
                found ? "the data race SUMMARY does not name counter_racy.c"
                      : "no 'SUMMARY: ThreadSanitizer: data race' line");
        rewind(f);
        while (fgets(line, sizeof line, f))
            fputs(line, stderr);
    }
    fclose(f);
    return !(found && named);
}

static int test_tsan_reports_race(void *arg)
{
    const char *tmp = getenv("TMPDIR");
    const char *inherited = getenv("TSAN_OPTIONS");
    char dir[1024], opts[4096], logfile[1200];
    int status, bad;
    pid_t pid;

    (void)arg;
    snprintf(dir, sizeof dir, "%s/ct-racy-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        ct_test_fail("mkdtemp(%s): %s", dir, strerror(errno));
    /* Later options win, so ours override anything inherited; the inherited
     * ones (the suppressions file among them) still apply: a suppression
     * that hid this race would fail the test, as it should. */
    snprintf(opts, sizeof opts, "%s%slog_path=%s/racy exitcode=%d halt_on_error=0",
             inherited ? inherited : "", inherited ? " " : "", dir, RACY_EXIT);

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        ct_test_fail("fork: %s", strerror(errno));
    if (pid == 0) {
        if (setenv("TSAN_OPTIONS", opts, 1) == 0)
            execl("/proc/self/exe", self_argv0, "--racy-child", (char *)NULL);
        fprintf(stderr, "exec /proc/self/exe: %s\n", strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            ct_test_fail("waitpid: %s", strerror(errno));

    if (!WIFEXITED(status) || WEXITSTATUS(status) != RACY_EXIT) {
        fprintf(stderr, "the racy child should exit %d (TSan reported): status 0x%x%s\n",
                RACY_EXIT, (unsigned)status,
                WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ", i.e. no report" : "");
        rm_logdir(dir);
        return 1;
    }
    /* log_path=P makes TSan write P.<pid>. */
    snprintf(logfile, sizeof logfile, "%s/racy.%ld", dir, (long)pid);
    bad = check_log(logfile);
    rm_logdir(dir);
    return bad;
}

int main(int argc, char **argv)
{
    ct_test_case cases[] = {
        {.name = "racy/tsan_reports_race", .fn = test_tsan_reports_race, .timeout_s = 30},
    };

#ifndef CT_TSAN
    cases[0].skip = "needs a ThreadSanitizer build (CT_SANITIZE=thread)";
#endif
    if (argc == 2 && strcmp(argv[1], "--racy-child") == 0)
        return racy_child();
    if (argc > 0)
        self_argv0 = argv[0];
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
