// bench_shim.cc: the C API of ct_bench.h, implemented over Google Benchmark.
//
// The project's only C++ file. Each C registration becomes one Google
// Benchmark family (ArgNames + ArgsProduct + Threads + UseRealTime). Google
// Benchmark starts the threads of a run; around the C function we add what it
// lacks: per-run setup and teardown shared by the threads (two barriers), the
// batch hand-out that keeps the timed loop in C, errors that change the exit
// status, and a progress line on long runs.
#include "ct_bench.h"
#include "ct_perf.h"

#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <unistd.h>
#include <vector>

struct ct_bench {
    std::string name;
    ct_bench_def def;
    std::vector<std::string> param_names;
    std::vector<std::vector<int64_t>> param_values;
    std::vector<int> threads{1};
    bool real_time = true;
    uint64_t fixed_iters = 0;
    double budget_s = 0;                          // 0: no time budget
    void (*native)(benchmark::State &) = nullptr; // harness/empty/native only
};

struct ct_bench_state {
    benchmark::State *gb = nullptr;
    ct_bench *b = nullptr;
    void *shared = nullptr;
    uint64_t remaining = 0;          // iterations not yet handed out
    uint64_t batch_cap = 0;          // 0: everything in one batch
    uint64_t deadline_ns = 0;        // when the time budget runs out (0: none)
    uint64_t batch_ns = 0;           // with a budget: when the current batch started
    uint64_t adaptive = 16;          // with a budget: the batch size, adapted to ~100 us
    bool started = false;            // the loop has begun (Google Benchmark's start barrier passed)
    bool truncated = false;          // the time budget cut the loop short
    bool failed = false;             // ct_bench_error/skip was called by this thread
    bool in_run = false;             // inside def.run (not setup or teardown)
    std::string pending_error;       // an error raised before the loop started
    ct_perf perf = closed_perf();    // this thread's counters, around its loop
    int64_t perf_value[CT_PERF_MAX]; // filled in by ct_perf_read before use

    static ct_perf closed_perf()
    {
        ct_perf p;
        for (int &fd : p.fd)
            fd = -1;
        return p;
    }
};

namespace
{

uint64_t ct__now_ns()
{
    return (uint64_t)std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::vector<std::unique_ptr<ct_bench>> &registry()
{
    static std::vector<std::unique_ptr<ct_bench>> r;
    return r;
}

int g_failures = 0; // runs that called ct_bench_error (thread 0 context only)
std::mutex g_fail_mu;

// ---- the state shared by the threads of the one run in progress ----------
// Google Benchmark runs one instance at a time and joins its threads between
// runs, so one generation-counting barrier serves every run.
struct run_ctx {
    std::mutex mu;
    std::condition_variable cv;
    int arrived = 0;
    uint64_t generation = 0;
    void *shared = nullptr;
    bool setup_failed = false;
    std::string setup_msg;
};
run_ctx g_run;

void barrier_wait(int n)
{
    std::unique_lock<std::mutex> lk(g_run.mu);
    uint64_t gen = g_run.generation;
    if (++g_run.arrived == n) {
        g_run.arrived = 0;
        g_run.generation++;
        g_run.cv.notify_all();
        return;
    }
    g_run.cv.wait(lk, [gen] { return g_run.generation != gen; });
}

// ---- instance names, as Google Benchmark spells them ---------------------
std::string instance_name(const ct_bench *b, const std::vector<int64_t> &args, int threads)
{
    std::string s = b->name;
    for (size_t i = 0; i < args.size(); i++)
        s += "/" + b->param_names[i] + ":" + std::to_string(args[i]);
    if (b->fixed_iters)
        s += "/iterations:" + std::to_string(b->fixed_iters);
    if (b->real_time)
        s += "/real_time";
    s += "/threads:" + std::to_string(threads);
    return s;
}

// Every (args, threads) combination of b, in Google Benchmark's order.
template <class F> void for_each_instance(const ct_bench *b, F f)
{
    std::vector<int64_t> args(b->param_values.size());
    std::vector<size_t> idx(b->param_values.size(), 0);
    for (;;) {
        for (size_t i = 0; i < idx.size(); i++)
            args[i] = b->param_values[i][idx[i]];
        for (int t : b->threads)
            f(args, t);
        size_t i = idx.size();
        while (i > 0) { // odometer, last parameter fastest
            i--;
            if (++idx[i] < b->param_values[i].size())
                break;
            idx[i] = 0;
            if (i == 0)
                return;
        }
        if (idx.empty())
            return;
    }
}

bool filter_match(const std::string &filter, const std::string &name)
{
    if (filter.empty() || filter == "all" || filter == ".")
        return true;
    bool negate = filter[0] == '-';
    std::regex re(negate ? filter.substr(1) : filter, std::regex::extended);
    return std::regex_search(name, re) != negate;
}

// ---- CT_INJECT_NS=<regex>:<ns>: the runs whose competitor is slowed down ---
struct inject_spec {
    bool set = false;
    std::string text; // as given, for the context block
    std::string regex;
    double ns = 0; // a fraction is allowed: the work is a calibrated loop
};
inject_spec g_inject; // parsed once by ct_bench_main, before any run
bool g_inject_asked;  // this run's setup called ct_bench_inject_ns (thread 0 only)

// Splits at the last ':' (the regex may hold ':' of its own, as names do).
// Returns an error message, or "" when the variable is unset or well-formed.
std::string parse_inject(const char *env, inject_spec *out)
{
    if (!env || !*env)
        return "";
    std::string s = env;
    size_t colon = s.rfind(':');
    const char *usage = "CT_INJECT_NS must read <benchmark regex>:<ns>, ns a decimal in "
                        "[0, 1e9], e.g. 'counter/incr/atomic/:200' or 'counter/incr/atomic/:0.5'";
    if (colon == std::string::npos || colon == 0 || colon + 1 == s.size())
        return usage;
    char *end = nullptr;
    errno = 0;
    const char *num = s.c_str() + colon + 1;
    double ns = std::strtod(num, &end);
    // digits and one '.' only: no sign, exponent, hex, inf or nan
    if (errno || *end || std::strspn(num, "0123456789.") != std::strlen(num) || !(ns >= 0) ||
        ns > 1e9)
        return usage;
    out->regex = s.substr(0, colon);
    try {
        std::regex re(out->regex, std::regex::extended);
    } catch (const std::regex_error &e) {
        return "CT_INJECT_NS: bad regex '" + out->regex + "': " + e.what();
    }
    out->set = true;
    out->text = s;
    out->ns = ns;
    return "";
}

// ---- progress: "[i/n mm:ss] name" on stderr, at most every 2 s ------------
struct progress {
    size_t total = 0, done = 0;
    std::string last_name;
    uint64_t last_iters = 0;
    std::chrono::steady_clock::time_point start, last_print;
    bool enabled = false;
} g_prog;

// Called by thread 0 at the start of every run. A repetition of an instance
// is one or more runs: while Google Benchmark estimates the iteration count,
// the runs of the first repetition grow strictly; every later repetition is a
// single run with that count. So a run starts a new repetition when its
// instance changed or its iteration count did not grow.
void progress_note(const std::string &name, uint64_t iters)
{
    if (!g_prog.enabled)
        return;
    if (name == g_prog.last_name && iters > g_prog.last_iters) {
        g_prog.last_iters = iters;
        return;
    }
    g_prog.last_name = name;
    g_prog.last_iters = iters;
    g_prog.done++;
    auto now = std::chrono::steady_clock::now();
    if (g_prog.done > 1 && now - g_prog.last_print < std::chrono::seconds(2))
        return;
    g_prog.last_print = now;
    long s = (long)std::chrono::duration_cast<std::chrono::seconds>(now - g_prog.start).count();
    std::fprintf(stderr, "[%zu/%zu %ld:%02ld] %s\n", g_prog.done, g_prog.total, s / 60, s % 60,
                 name.c_str());
}

void run_thread(ct_bench *b, benchmark::State &gb)
{
    ct_bench_state st;
    st.gb = &gb;
    st.b = b;
    st.remaining = (uint64_t)gb.max_iterations;
    const int n = gb.threads();
    if (gb.thread_index() == 0) {
        std::vector<int64_t> args;
        for (size_t i = 0; i < b->param_names.size(); i++)
            args.push_back(gb.range(i));
        std::string name = instance_name(b, args, n);
        progress_note(name, (uint64_t)gb.max_iterations);
        g_inject_asked = false;
        g_run.shared = b->def.setup ? b->def.setup(&st) : nullptr;
        // A slowdown asked for and not applied would pass for a real result.
        if (g_inject.set && !g_inject_asked && !gb.error_occurred() &&
            filter_match(g_inject.regex, name))
            ct_bench_error(&st, "CT_INJECT_NS matches this run, but its workload does not "
                                "support injection (counter/incr does): nothing was injected");
        g_run.setup_failed = gb.error_occurred();
    }
    barrier_wait(n); // setup happens-before every thread's run
    st.shared = g_run.shared;
    if (g_run.setup_failed) {
        // Every thread must still pass Google Benchmark's start/stop barriers.
        if (!gb.error_occurred())
            gb.SkipWithError(g_run.setup_msg.c_str());
        while (gb.KeepRunningBatch(1)) {}
    } else {
        st.in_run = true;
        b->def.run(&st);
        st.in_run = false;
    }
    barrier_wait(n); // every thread's run happens-before teardown
    const bool perf_counted = ct_perf_read(&st.perf, st.perf_value) != 0;
    if (b->budget_s > 0)
        gb.counters["budget_hit"] = benchmark::Counter(st.truncated ? 1.0 : 0.0);
    // Summed over the threads by Google Benchmark: perf_threads says how many
    // threads the perf sums cover; a thread that could not count them all
    // (perf_event_open failed for it) adds nothing to them.
    if (ct_perf_active())
        gb.counters["perf_threads"] = benchmark::Counter(perf_counted ? 1.0 : 0.0);
    for (int i = 0; perf_counted && i < CT_PERF_MAX; i++)
        if (st.perf_value[i] >= 0)
            gb.counters[ct_perf_names[i]] = benchmark::Counter((double)st.perf_value[i]);
    if (gb.thread_index() == 0 && b->def.teardown)
        b->def.teardown(&st, st.shared);
}

void report(ct_bench_state *st, bool failure, const char *fmt, va_list ap)
{
    char msg[1024];
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    std::string full = failure ? std::string(msg) : std::string("skipped: ") + msg;
    if (failure) {
        std::lock_guard<std::mutex> lk(g_fail_mu);
        g_failures++;
        std::fprintf(stderr, "contend: ERROR in %s (thread %d): %s\n", st->b->name.c_str(),
                     st->gb->thread_index(), msg);
    }
    if (st->gb->thread_index() == 0)
        g_run.setup_msg = full;
    if (st->failed || st->gb->error_occurred())
        return; // the first message wins
    st->failed = true;
    // Inside run(), before the loop: Google Benchmark would end this thread's
    // loop in its start barrier, out of step with the others at the end
    // barrier. Raise it once the loop has started (ct_bench_next_batch).
    if (st->in_run && !st->started)
        st->pending_error = full;
    else
        st->gb->SkipWithError(full.c_str());
}

void materialize(ct_bench *b)
{
    benchmark::internal::Benchmark *gb;
    if (b->native)
        gb = benchmark::RegisterBenchmark(b->name.c_str(), b->native);
    else
        gb = benchmark::RegisterBenchmark(b->name.c_str(),
                                          [b](benchmark::State &s) { run_thread(b, s); });
    if (!b->param_names.empty()) {
        gb->ArgNames(b->param_names);
        gb->ArgsProduct(b->param_values);
    }
    for (int t : b->threads)
        gb->Threads(t);
    if (b->real_time)
        gb->UseRealTime();
    if (b->fixed_iters)
        gb->Iterations((benchmark::IterationCount)b->fixed_iters);
}

// harness/empty/native: the loop ct_bench_register_overhead() compares with.
void empty_native(benchmark::State &state)
{
    for (auto _ : state)
        benchmark::ClobberMemory();
    state.SetItemsProcessed(state.iterations());
}

} // namespace

// ---- registration -----------------------------------------------------------

extern "C" ct_bench *ct_bench_register(const ct_bench_def *def)
{
    auto b = std::make_unique<ct_bench>();
    b->name = def->name;
    b->def = *def;
    b->def.name = b->name.c_str();
    registry().push_back(std::move(b));
    return registry().back().get();
}

extern "C" void ct_bench_param(ct_bench *b, const char *name, const int64_t *values, size_t n)
{
    b->param_names.emplace_back(name);
    b->param_values.emplace_back(values, values + n);
}

extern "C" void ct_bench_thread_counts(ct_bench *b, const int *counts, size_t n)
{
    b->threads.assign(counts, counts + n);
}

extern "C" void ct_bench_cpu_time(ct_bench *b)
{
    b->real_time = false;
}
extern "C" void ct_bench_fixed_iterations(ct_bench *b, uint64_t iters)
{
    b->fixed_iters = iters;
}
extern "C" void ct_bench_time_budget(ct_bench *b, double seconds)
{
    b->budget_s = seconds;
}

extern "C" void ct_bench_register_native_empty(void)
{
    ct_bench_def def{};
    def.name = "harness/empty/native";
    ct_bench *b = ct_bench_register(&def);
    b->native = empty_native;
}

// ---- inside a run -------------------------------------------------------------

extern "C" int ct_bench_thread_index(const ct_bench_state *st)
{
    return st->gb->thread_index();
}
extern "C" int ct_bench_threads(const ct_bench_state *st)
{
    return st->gb->threads();
}
extern "C" int64_t ct_bench_arg(const ct_bench_state *st, size_t i)
{
    return st->gb->range(i);
}
extern "C" void *ct_bench_user(const ct_bench_state *st)
{
    return st->b->def.user;
}
extern "C" void *ct_bench_shared(const ct_bench_state *st)
{
    return st->shared;
}
extern "C" uint64_t ct_bench_iterations(const ct_bench_state *st)
{
    return (uint64_t)st->gb->max_iterations;
}
extern "C" void ct_bench_batch_size(ct_bench_state *st, uint64_t n)
{
    st->batch_cap = n;
}

// Hands out iterations, and ends a thread's loop in step with the others.
//
// Google Benchmark's KeepRunningBatch(n) passes its start barrier and starts
// the timer on the first call; once the iterations are used up, a further
// call stops the timer and passes its stop barrier. Between the two we add:
//  - the time budget: at a batch boundary past the deadline, the rest of the
//    iterations are consumed unrun. Items are counted by the workload, so the
//    throughput stays honest; a design that collapses (a ticket lock with more
//    threads than cores) then costs seconds, not hours.
//  - the end barrier: a thread that is done waits (asleep) for the others
//    before its timer stops, so every thread's real time spans the whole run
//    and the reported time is the makespan: an unfair design whose favoured
//    threads finish early is not flattered by the average.
extern "C" uint64_t ct_bench_next_batch(ct_bench_state *st)
{
    benchmark::State &gb = *st->gb;
    uint64_t cap = st->batch_cap;
    const bool budget = st->b->budget_s > 0;
    uint64_t now = 0;
    if (budget && st->started) {
        // Batches of about 100 us: the clock is read rarely for fast
        // operations, and often enough for one that takes milliseconds.
        now = ct__now_ns();
        uint64_t took = now - st->batch_ns;
        if (took < 100000 && st->adaptive < (1u << 20))
            st->adaptive *= 2;
        else if (took > 1000000 && st->adaptive > 1)
            st->adaptive /= 2;
    }
    if (budget && (cap == 0 || cap > st->adaptive))
        cap = st->adaptive;
    if (!st->started) {
        uint64_t n = cap && st->remaining > cap ? cap : st->remaining;
        st->started = true;
        ct_perf_open(&st->perf); // outside the timed region
        if (!gb.KeepRunningBatch((benchmark::IterationCount)n))
            return 0;             // not reached: no error yet
        ct_perf_start(&st->perf); // one syscall
        if (budget) {
            st->batch_ns = ct__now_ns();
            st->deadline_ns = st->batch_ns + (uint64_t)(st->b->budget_s * 1e9);
        }
        st->remaining -= n;
        if (!st->pending_error.empty())
            gb.SkipWithError(st->pending_error.c_str());
        else
            return n;
    }
    if (gb.error_occurred()) {
        st->remaining = 0;
    } else if (st->remaining && budget && now > st->deadline_ns) {
        gb.KeepRunningBatch((benchmark::IterationCount)st->remaining); // consumed, not run
        st->remaining = 0;
        st->truncated = true;
    }
    if (st->remaining) {
        uint64_t n = cap && st->remaining > cap ? cap : st->remaining;
        st->batch_ns = now;
        gb.KeepRunningBatch((benchmark::IterationCount)n);
        st->remaining -= n;
        return n;
    }
    if (st->started)
        ct_perf_stop(&st->perf);
    if (st->b->def.loop_done)
        st->b->def.loop_done(st, st->shared);
    barrier_wait(gb.threads());
    while (gb.KeepRunningBatch(1)) {
        // not reached: the iterations are used up, so this call finishes
    }
    return 0;
}

extern "C" void ct_bench_pause(ct_bench_state *st)
{
    st->gb->PauseTiming();
}
extern "C" void ct_bench_resume(ct_bench_state *st)
{
    st->gb->ResumeTiming();
}
extern "C" void ct_bench_items(ct_bench_state *st, uint64_t n)
{
    st->gb->SetItemsProcessed((int64_t)n);
}

extern "C" void ct_bench_counter(ct_bench_state *st, const char *name, double value, int flags)
{
    int f = benchmark::Counter::kDefaults;
    if (flags & CT_COUNTER_RATE)
        f |= benchmark::Counter::kIsRate;
    if (flags & CT_COUNTER_AVG_THREADS)
        f |= benchmark::Counter::kAvgThreads;
    if (flags & CT_COUNTER_PER_ITER)
        f |= benchmark::Counter::kAvgIterations;
    st->gb->counters[name] = benchmark::Counter(value, (benchmark::Counter::Flags)f);
}

extern "C" void ct_bench_label(ct_bench_state *st, const char *label)
{
    st->gb->SetLabel(label);
}

extern "C" void ct_bench_error(ct_bench_state *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(st, true, fmt, ap);
    va_end(ap);
}

extern "C" void ct_bench_skip(ct_bench_state *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(st, false, fmt, ap);
    va_end(ap);
}

extern "C" bool ct_bench_failed(const ct_bench_state *st)
{
    return st->failed || st->gb->error_occurred();
}
extern "C" bool ct_bench_truncated(const ct_bench_state *st)
{
    return st->truncated;
}

extern "C" double ct_bench_inject_ns(const ct_bench_state *st)
{
    g_inject_asked = true;
    if (!g_inject.set)
        return 0;
    std::vector<int64_t> args;
    for (size_t i = 0; i < st->b->param_names.size(); i++)
        args.push_back(st->gb->range(i));
    return filter_match(g_inject.regex, instance_name(st->b, args, st->gb->threads())) ? g_inject.ns
                                                                                       : 0;
}

// ---- running ----------------------------------------------------------------

extern "C" void ct_bench_context(const char *key, const char *value)
{
    benchmark::AddCustomContext(key, value);
}

extern "C" size_t ct_bench_count(const char *filter)
{
    size_t n = 0;
    std::string f = filter ? filter : "";
    for (auto &b : registry())
        for_each_instance(b.get(), [&](const std::vector<int64_t> &args, int t) {
            n += filter_match(f, instance_name(b.get(), args, t));
        });
    return n;
}

// The value of the last --flag=value in argv, or def.
static std::string flag_value(int argc, char **argv, const char *flag, const char *def)
{
    std::string v = def, prefix = std::string("--") + flag + "=";
    for (int i = 1; i < argc; i++)
        if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0)
            v = argv[i] + prefix.size();
    return v;
}

extern "C" int ct_bench_main(int argc, char **argv)
{
    // Our defaults come first so that the user's flags override them:
    // interleave repetitions at random across competitors, so that drift of
    // this shared machine spreads over all of them.
    std::vector<char *> args;
    args.push_back(argv[0]);
    static char interleave[] = "--benchmark_enable_random_interleaving=true";
    args.push_back(interleave);
    for (int i = 1; i < argc; i++)
        args.push_back(argv[i]);
    int n = (int)args.size();
    args.push_back(nullptr);
    std::string reps_s = flag_value(n, args.data(), "benchmark_repetitions", "1");
    std::string list_s = flag_value(n, args.data(), "benchmark_list_tests", "false");
    for (int i = 1; i < n; i++)
        if (std::strcmp(args[i], "--benchmark_list_tests") == 0)
            list_s = "true";
    benchmark::Initialize(&n, args.data());
    if (benchmark::ReportUnrecognizedArguments(n, args.data()))
        return 2;

    std::string filter = benchmark::GetBenchmarkFilter();
    size_t count;
    try {
        count = ct_bench_count(filter.c_str());
    } catch (const std::regex_error &e) {
        std::fprintf(stderr, "contend: bad --benchmark_filter regex '%s': %s\n", filter.c_str(),
                     e.what());
        return 2;
    }
    if (count == 0) {
        std::fprintf(stderr,
                     "contend: no benchmark matches --benchmark_filter='%s'.\n"
                     "  Names read <family>/<workload>/<impl>/<param>:<value>.../threads:N;\n"
                     "  --benchmark_list_tests=true lists them.\n",
                     filter.c_str());
        return 2;
    }
    std::string inject_err = parse_inject(std::getenv("CT_INJECT_NS"), &g_inject);
    if (!inject_err.empty()) {
        std::fprintf(stderr, "contend: %s\n", inject_err.c_str());
        return 2;
    }
    if (g_inject.set) { // the JSON says its figures were slowed down on purpose
        ct_bench_context("ct_inject_ns", g_inject.text.c_str());
        if (ct_bench_count(g_inject.regex.c_str()) == 0)
            std::fprintf(stderr, "contend: warning: CT_INJECT_NS '%s' matches no benchmark\n",
                         g_inject.regex.c_str());
    }
    long reps = std::strtol(reps_s.c_str(), nullptr, 10);
    g_prog.total = count * (size_t)(reps > 0 ? reps : 1);
    g_prog.enabled = list_s == "false" || list_s == "0";
    g_prog.start = g_prog.last_print = std::chrono::steady_clock::now();

    // The counters this machine cannot count: the report says "not available here".
    if (const char *unavailable = ct_perf_unavailable())
        benchmark::AddCustomContext("ct_perf_unavailable", unavailable);
    for (auto &b : registry())
        materialize(b.get());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (g_failures) {
        std::fprintf(stderr, "contend: %d run(s) failed verification; see the errors above.\n",
                     g_failures);
        return 1;
    }
    return 0;
}
