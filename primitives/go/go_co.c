/*
 * go_co.c: a coroutine's life: spawn, the switch in and out (with the
 * sanitizers' fiber calls, so TSan and ASan follow a coroutine from worker
 * to worker), park, ready, yield, exit; and the hooks through which the
 * parker and the wait registry reach us (ct_sched_hooks.h).
 *
 * The switch out hands the scheduler a request (yield, park, exit) that
 * the scheduler carries out on its own stack, after the switch: a parked
 * coroutine is announced as sleeping on its parker only once its stack is
 * no longer in use, so a waker on another worker can resume it at once.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "go_internal.h"

#ifdef CT__GO_TSAN
#include <sanitizer/tsan_interface.h>
#endif
#ifdef CT__GO_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define DEFAULT_STACK (64 * 1024)
#define MIN_STACK (16 * 1024)

/* ---- the switch ---------------------------------------------------------- */

/* Coroutine side: back to the scheduler of the worker we run on, with our
 * request in co->req. Returns once resumed, on whichever worker. */
static void switch_out(ct__co *co, bool dying)
{
    ct__worker *w = ct__go_self();
    ct__transfer t;

    ct__go_unit_check(co->unit);
#ifdef CT__GO_ASAN
    __sanitizer_start_switch_fiber(dying ? NULL : &co->asan_fake_stack, w->sched_stack_lo,
                                   w->sched_stack_size);
#else
    (void)dying;
#endif
#ifdef CT__GO_TSAN
    __tsan_switch_to_fiber(w->tsan_sched, 0);
#endif
    t = jump_fcontext(w->sched_ctx, co);
    /* resumed: t.data is the worker that resumed us, t.fctx its loop */
    w = t.data;
    w->sched_ctx = t.fctx;
#ifdef CT__GO_ASAN
    __sanitizer_finish_switch_fiber(co->asan_fake_stack, &w->sched_stack_lo, &w->sched_stack_size);
#endif
}

static void entry(ct__transfer t)
{
    ct__worker *w = t.data;
    ct__co *co;

    w->sched_ctx = t.fctx;
    co = w->cur;
#ifdef CT__GO_ASAN
    __sanitizer_finish_switch_fiber(NULL, &w->sched_stack_lo, &w->sched_stack_size);
#endif
    co->fn(co->arg);
    co->req = CT__GO_REQ_EXIT;
    switch_out(co, true);
    ct_die("go: coroutine '%s' resumed after its exit", co->name);
}

void ct__go_co_release(ct__co *co)
{
#ifdef CT__GO_TSAN
    if (co->tsan_fiber)
        __tsan_destroy_fiber(co->tsan_fiber);
    co->tsan_fiber = NULL;
#else
    (void)co;
#endif
}

void ct__go_run(ct__worker *w, ct__co *co)
{
    for (;;) {
        ct__transfer t;

        w->cur = co;
        ct__go_count_run(w);
        /* relaxed: for reports */
        atomic_store_explicit(&co->state, CT__CO_RUNNING, memory_order_relaxed);
        ct__co_current = co;
#ifdef CT__GO_ASAN
        __sanitizer_start_switch_fiber(&w->asan_fake_stack, co->unit->lo,
                                       (size_t)((unsigned char *)co - co->unit->lo));
#endif
#ifdef CT__GO_TSAN
        __tsan_switch_to_fiber(co->tsan_fiber, 0);
#endif
        t = jump_fcontext(co->ctx, w);
#ifdef CT__GO_ASAN
        __sanitizer_finish_switch_fiber(w->asan_fake_stack, NULL, NULL);
#endif
        ct__co_current = NULL;
        w->cur = NULL;
        co = t.data;
        co->ctx = t.fctx;
        switch (co->req) {
        case CT__GO_REQ_YIELD:
            ct__go_ready_last(co);
            return;
        case CT__GO_REQ_EXIT:
            /* relaxed: for reports */
            atomic_store_explicit(&co->state, CT__CO_DEAD, memory_order_relaxed);
            ct__go_co_release(co);
            ct__go_unit_put(w, co->unit);
            ct__go_count_exit(w);
            return;
        case CT__GO_REQ_PARK:
            /* relaxed: for reports; set before the commit makes it wakeable */
            atomic_store_explicit(&co->state, CT__CO_PARKED, memory_order_relaxed);
            if (ct__go_park_commit(co))
                return;
            continue; /* fired meanwhile: run it again at once */
        default:
            ct_die("go: coroutine '%s' switched out with request %d", co->name, co->req);
        }
    }
}

/* ---- spawn --------------------------------------------------------------- */

int ct_go_with(const ct_go_opts *opts, ct_go_fn fn, void *arg)
{
    size_t size = opts && opts->stack_size ? opts->stack_size : DEFAULT_STACK;
    ct__worker *w;
    ct__unit *u;
    ct__co *co;
    int rc;

    if (!fn || size < MIN_STACK || size > ((size_t)1 << 30))
        return -EINVAL;
    size = (size + 4095) & ~(size_t)4095;
    if ((rc = ct__go_ensure_started()) < 0)
        return rc;
    w = ct__go_self();
    u = ct__go_unit_get(w, size);
    if (!u)
        return -ENOMEM;
    co = u->co;
    co->fn = fn;
    co->arg = arg;
    co->name = opts && opts->name ? opts->name : "go";
    co->ctx = make_fcontext(co, (size_t)((unsigned char *)co - u->lo), entry);
#ifdef CT__GO_TSAN
    co->tsan_fiber = __tsan_create_fiber(0);
    __tsan_set_fiber_name(co->tsan_fiber, co->name);
#endif
    ct__go_count_start(w);
    ct__go_ready(co);
    if (w && ct__co_current && ct__go_runq_full(w))
        ct_go_yield();
    else if (!w && ct__go_inject_long())
        sched_yield();
    return 0;
}

int ct_go(ct_go_fn fn, void *arg)
{
    return ct_go_with(NULL, fn, arg);
}

/* ---- park, ready, yield: the hooks --------------------------------------- */

static bool go_park(ct_parker *p, int64_t deadline)
{
    ct__co *co = ct__co_current;

    if (ct_parker_fired(p))
        return true;
    if (deadline >= 0 && ct_now_ns() >= deadline)
        return ct_parker_fired(p);
    co->req = CT__GO_REQ_PARK;
    co->park = p;
    co->deadline = deadline;
    switch_out(co, false);
    if (deadline >= 0)
        ct__go_timers_cancel(co);
    return ct_parker_fired(p); /* acquire: the waker's writes */
}

static void go_ready(void *co)
{
    ct__go_ready(co);
}

static void go_wait_note(const char *op, const void *obj)
{
    ct__co *co = ct__co_current;

    /* relaxed, both: read by reports only; obj first, so a visible op has it */
    atomic_store_explicit(&co->wait_obj, obj, memory_order_relaxed);
    atomic_store_explicit(&co->wait_op, op, memory_order_relaxed);
}

static void go_yield_hook(void)
{
    ct_go_yield();
}

const ct_sched_hooks ct__go_hooks = {
    .park = go_park,
    .ready = go_ready,
    .wait_note = go_wait_note,
    .yield = go_yield_hook,
    .quiescent = ct__go_quiescent,
};

void ct_go_yield(void)
{
    ct__co *co = ct__co_current;

    if (!co) {
        sched_yield();
        return;
    }
    co->req = CT__GO_REQ_YIELD;
    switch_out(co, false);
}

bool ct_go_in_coroutine(void)
{
    return ct__co_current != NULL;
}
