/*
 * ct_test.h: contend's tiny test runner, in the spirit of libuv's.
 *
 * A test binary builds a table of cases and hands it to ct_test_main:
 *
 *     static int test_find(void *arg) { ...; return 0; }      // 0: pass
 *     int main(int argc, char **argv)
 *     {
 *         static const ct_test_case cases[] = {
 *             {.name = "find", .fn = test_find, .timeout_s = 5},
 *         };
 *         return ct_test_main(argc, argv, cases, 1);
 *     }
 *
 * Each case runs in its own forked child, in its own process group, with a
 * timeout of timeout_s seconds (default CT_TEST_DEFAULT_TIMEOUT_S) times the
 * environment variable CT_TIMEOUT_MULT (default 1; sanitizer trees set more).
 * A case fails if it returns nonzero, calls ct_test_fail, exits nonzero
 * (a TSan report makes the exit 66, an LSan leak 23), dies of a signal, or
 * outlives its timeout (the group then gets SIGKILL), or leaves a thread
 * running behind it (ct_leakcheck.h: the leaked thread is named, with the
 * contend primitive it is blocked in; exit CT_TEST_LEAK_EXIT), or a
 * coroutine parked (the runner shuts the coroutine scheduler down after
 * each case; shutdown names what it finds parked; the same exit status).
 * A case marked xfail (a validator run on a broken competitor, CT_CAP_BROKEN)
 * is the reverse: it must fail its checks, i.e. exit 1 (ct_test_fail, or a
 * nonzero return); passing, or any other end (a timeout, a signal, a
 * sanitizer's or the leak check's status), fails it. One line per case:
 * PASS/XFAIL/FAIL/SKIP, name, elapsed ms; the binary exits 1 if any case
 * failed, CT_TEST_SKIP_EXIT if every case it was asked to run was skipped
 * (ctest then shows it as skipped: SKIP_RETURN_CODE), else 0.
 *
 *     test_x                  run every case
 *     test_x NAME...          run only these (an unknown name: exit 2); a
 *                             NAME also selects the cases below it, NAME/...
 *     test_x --exclude=NAME   every case but NAME and those below it
 *     test_x --list           list the cases
 *     test_x --no-fork NAME   run in-process, no timeout (for a debugger)
 *
 * The runner forks from a single-threaded parent (it never starts a thread
 * itself), which is what makes fork safe under TSan. Cases may start threads
 * (helpers below) and fork themselves.
 */
#ifndef CT_TEST_H
#define CT_TEST_H

#define CT_TEST_LEAK_EXIT 3  /* the exit status of a case that leaked a thread */
#define CT_TEST_SKIP_EXIT 77 /* every selected case skipped (ctest's SKIP_RETURN_CODE) */

#include <pthread.h>
#include <stddef.h>

#include "ct_registry.h" /* ct_impl_desc, for the registry case */

#define CT_TEST_DEFAULT_TIMEOUT_S 10

typedef int (*ct_test_fn)(void *arg);

typedef struct ct_test_case {
    const char *name;
    ct_test_fn fn;      /* 0: pass; nonzero (or ct_test_fail): fail */
    void *arg;          /* passed to fn, so one fn serves many cases */
    unsigned timeout_s; /* 0: CT_TEST_DEFAULT_TIMEOUT_S; times CT_TIMEOUT_MULT */
    const char *skip;   /* non-NULL: not run; reported as SKIP with this reason */
    const char *xfail;  /* non-NULL: its checks must fail (exit 1); why, for the report */
} ct_test_case;

/* Parse argv, run the selected cases, print the results; returns the exit
 * status for main: 0 all passed (skips allowed), 1 a failure, 2 bad usage,
 * CT_TEST_SKIP_EXIT when every selected case was skipped. */
int ct_test_main(int argc, char **argv, const ct_test_case *cases, size_t n);

/* CT_TIMEOUT_MULT from the environment (1 if unset), for cases that wait on
 * something themselves. Exits 2 if it is not a positive number. */
double ct_test_timeout_mult(void);

/* Print "file:line: FAIL: message" and end the case at once with exit status
 * 1. Safe from any thread of the case: it flushes stdio and _exits, without
 * running atexit handlers while other threads still run. */
#define ct_test_fail(...) ct__test_fail(__FILE__, __LINE__, __VA_ARGS__)
void ct__test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

/* ct_test_fail unless cond holds, naming the condition. */
#define CT_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ct_test_fail("check failed: %s", #cond);                                               \
    } while (0)

/* A start barrier: every thread of a case waits on it before the timed or
 * racing part, so they really overlap instead of running one after another
 * as they get created. Every pthread error is a ct_test_fail. */
typedef struct ct_test_barrier {
    pthread_barrier_t b;
} ct_test_barrier;

void ct_test_barrier_init(ct_test_barrier *b, unsigned count);
void ct_test_barrier_wait(ct_test_barrier *b);
void ct_test_barrier_destroy(ct_test_barrier *b);

/* Start n threads running fn(0, arg) ... fn(n - 1, arg) and join them all.
 * Every pthread error is a ct_test_fail. Whatever the threads wrote
 * happens-before the return (join). */
/* The validate matrix of a family: every competitor at every thread count. */
typedef struct ct_test_competitor {
    const void *impl; /* the family's ops */
    const char *name;
    const char *skip;  /* non-NULL: not validated, and why (one SKIP case) */
    const char *xfail; /* non-NULL: broken on purpose; its cases must fail (see above) */
} ct_test_competitor;

typedef struct ct_test_cell {
    const void *impl; /* a ct_test_competitor's impl */
    unsigned threads;
} ct_test_cell;

/* ct_test_main over the fixed cases plus, for each competitor, one case
 * "validate/<name>/<T>t" per thread count T, calling fn with a const
 * ct_test_cell * (timeout timeout_s; xfail when the competitor's is set), or
 * one SKIP case "validate/<name>". */
/* The xfail reason of a competitor with CT_CAP_BROKEN (test build only),
 * else NULL: what the validate drivers give ct_test_competitor.xfail. */
const char *ct_test_broken(unsigned caps);

int ct_test_main_matrix(int argc, char **argv, const ct_test_case *fixed, size_t nfixed,
                        const ct_test_competitor *comps, size_t ncomps, const unsigned *threads,
                        size_t nthreads, ct_test_fn fn, unsigned timeout_s);

/* Run fn(arg) in a child process, announced by `what` (its abort message is
 * expected on stderr): the child must die of SIGABRT, a contract violation
 * caught (ct_die). Anything else (it returned, exited, crashed otherwise)
 * fails the case, naming `what`. fn may _exit(3) when it cannot set up. */
void ct_test_expect_abort(const char *what, void (*fn)(void *arg), void *arg);

/* A bug that must keep being reported: re-execute this test binary with
 * child_arg as its only argument, its sanitizer options (env_var, e.g.
 * "TSAN_OPTIONS"; sep ' ' for TSan, ':' for ASan) extended with a log_path
 * and exitcode; require that the child exits with exitcode and that its log
 * holds a line starting with summary (e.g. "SUMMARY: ThreadSanitizer: data
 * race") that names file. Returns 0, or 1 after printing why and the log. */
int ct_test_expect_sanitizer(const char *child_arg, const char *env_var, char sep, int exitcode,
                             const char *summary, const char *file);

typedef void (*ct_test_thread_fn)(unsigned idx, void *arg);
void ct_test_run_threads(unsigned n, ct_test_thread_fn fn, void *arg);

/* ---- the registry case every validate driver shares ----------------------
 *
 * A driver's "registry" case hands its family's registry to
 * ct_test_check_registry, which prints one line per competitor (name, its
 * tag if any, caps, summary, why unavailable) and checks, failing the case at the first
 * fault (ct_test_fail):
 *  - the list is sound (ct_registry_check) and not empty;
 *  - competitor #i of ct_<fam>_impls() is ct_<fam>_descs()[i] and
 *    ct_<fam>_find(its name) returns it;
 *  - no caps bit outside CT_CAP_ALL and the family's known_caps;
 *  - every bit of required_caps is set, and the rules below hold;
 *  - an unavailable design's create fails with ENOSYS;
 *  - ct_registry_count(descs) is the number of ops tables.
 * It returns that number. What is the family's own (its function pointers,
 * its own caps rules, the pitfall it expects, an instance of each) stays in
 * the driver, which loops over ct_<fam>_impls() for it.
 */
enum {
    CT_TEST_EXACT_XOR_PITFALL = 1u << 0,     /* each design is either EXACT or a PITFALL */
    CT_TEST_NO_PITFALL = 1u << 1,            /* no design is a PITFALL */
    CT_TEST_ONE_PROGRESS = 1u << 2,          /* each: exactly one of lockfree/blocking/spinning */
    CT_TEST_ONE_PROGRESS_IF_EXACT = 1u << 3, /* the same, for the EXACT designs only */
};

typedef struct ct_test_registry {
    const char *family;               /* "counter": for the messages */
    const ct_impl_desc *const *descs; /* ct_<fam>_descs() */
    /* &ct_<fam>_impls()[i]->desc, NULL at the end; &ct_<fam>_find(name)->desc,
     * NULL when it finds none: CT_TEST_REGISTRY_ADAPTERS writes both. */
    const ct_impl_desc *(*listed)(size_t i);
    const ct_impl_desc *(*find)(const char *name);
    /* ct_<fam>_new(name, <the family's smallest arguments>): an instance, or
     * NULL with errno. Called for the unavailable designs only. */
    void *(*create)(const char *name);
    /* NULL, or a word for competitor #i's line, after its name (chan:
     * "general" or "bench"). */
    const char *(*tag)(size_t i);
    unsigned known_caps;    /* the family's own CT_<FAM>_CAP_* (CT_CAP_ALL always is) */
    unsigned required_caps; /* CT_CAP_* every design declares */
    unsigned rules;         /* CT_TEST_EXACT_XOR_PITFALL ... */
} ct_test_registry;

size_t ct_test_check_registry(const ct_test_registry *r);
/* Names no design has ("no_such_name", "", "mutex ", then `more`, a NULL-ended
 * list or NULL): find returns NULL with EINVAL for each and for NULL, and
 * create (r->create, which must be set) NULL with EINVAL. Whether
 * ct_<fam>_new(NULL, ...) makes the first listed stays the driver's (it
 * needs the family's impl and free). */
void ct_test_check_unknown_names(const ct_test_registry *r, const char *const *more);

/* At file scope in a driver: the listed and find adapters of family fam
 * (whose ops tables start with their ct_impl_desc desc, as every family's
 * do). CT_TEST_REGISTRY_OF(fam) then fills family, descs, listed and find:
 *     ct_test_check_registry(&(ct_test_registry){CT_TEST_REGISTRY_OF(counter),
 *                                                .create = new_one, .rules = ...});
 */
#define CT_TEST_REGISTRY_ADAPTERS(fam)                                                             \
    static const ct_impl_desc *ct__test_listed_##fam(size_t i)                                     \
    {                                                                                              \
        const ct_##fam##_ops *const *all = ct_##fam##_impls();                                     \
                                                                                                   \
        if (!all)                                                                                  \
            ct_test_fail("ct_" #fam "_impls() is NULL");                                           \
        return all[i] ? &all[i]->desc : NULL;                                                      \
    }                                                                                              \
    static const ct_impl_desc *ct__test_find_##fam(const char *name)                               \
    {                                                                                              \
        const ct_##fam##_ops *o = ct_##fam##_find(name);                                           \
        return o ? &o->desc : NULL;                                                                \
    }
#define CT_TEST_REGISTRY_OF(fam)                                                                   \
    .family = #fam, .descs = ct_##fam##_descs(), .listed = ct__test_listed_##fam,                  \
    .find = ct__test_find_##fam

#endif /* CT_TEST_H */
