// chanbench: the chan family's workloads written with Go's own channels, so
// Go's runtime runs beside the C designs on the same machine and charts.
// Standard library only: `go run workloads/go/*.go` from the repository root
// (as scripts/bench.sh runs it), or `go build` in workloads/go.
//
// It prints Google Benchmark's JSON (a context block and a benchmarks array,
// with per-repetition runs and mean/median/stddev/cv aggregates) under the
// same names as contend_bench, with impl "go":
//
//	chan/<workload>/go/cap:<n>/real_time/threads:<N>
//
// and the same counters: items_per_second (messages, or round trips for
// pingpong, per second), ns_per_msg, lat_p50_ns, lat_p99_ns, lat_p999_ns,
// lat_samples (one message in 16 carries a send timestamp). Goroutines play
// the threads (N is the number of goroutines; GOMAXPROCS is Go's default,
// the number of CPUs, reported in the context).
//
// Every run verifies what it received: each producer's sequence numbers
// arrive exactly once (counts, sums and sums of squares) and in order per
// consumer (not in select_both, where values take either of two channels).
// A failed check is printed to stderr, marked as an error in the JSON, and
// makes the exit status 1.
//
// Flags: -family chan|pool|go, -quick (the smaller sweep of contend_bench
// --quick), -reps N, -min_time seconds, -filter regexp, -out file (default
// stdout), -list (the names only), -threads 1,3,16.
//
// Thread counts follow the machine as contend_bench's do (sweep.go, by the
// rules of harness/ct_sweep.c): CT_NCPU or the CPUs, or the -threads list
// (make bench THREADS=); so every peer's names are the C side's.
//
// -family pool runs the pool family's empty and 10 us busy workloads as a Go
// worker pool (impl go_pool: `workers` goroutines on a channel of QUEUE_CAP
// jobs, as contend's pools) and as a goroutine per task (impl go_spawn):
//
//	pool/busy/<impl>/cost_ns:<c>/workers:<cores>/real_time/threads:<submitters>
//
// with ns_per_task; every task must run exactly once.
//
// -family go runs the go family's spawn and switch workloads with goroutines
// (impl go; switch with GOMAXPROCS 1 for its runs):
//
//	go/<spawn|switch>/go/real_time/threads:1
//
// with ns_per_op; every goroutine started must run exactly once, and each
// side of switch make exactly its yields.
//
// -family sem runs the sem family's makespan (one batch per repetition, as
// in C) and hold workloads with a buffered channel (go_chan) and a
// sync.Mutex + sync.Cond semaphore (go_cond), with ns_per_op.
//
// -family once runs the once family's race and fast workloads with
// sync.Once (impl go), with ns_per_op.
//
// -family waitgroup runs the waitgroup family's forkjoin rounds with
// sync.WaitGroup (impl go_sync), a goroutine per task, with ns_per_op.
//
// -family map runs the map family's mix with a map behind a sync.RWMutex
// (impl go_rwmutex) and with sync.Map (impl go_syncmap), with ns_per_op.
// -family objpool runs the objpool family's churn workload with sync.Pool
// (impl go_syncpool) and with plain allocation left to the garbage
// collector (impl go_alloc), with ns_per_op and rss_growth_kib.
//
// Files: chanbench.go (flags, the measurement loop), peers_chan.go (the chan
// workloads), peers_pool.go (the pool workloads), peers_go.go (the go
// workloads), sweep.go (the thread counts), gbjson.go (Google Benchmark's
// JSON), stats.go (percentiles and aggregates).
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"runtime"
	"sort"
	"time"
)

// result of one run of n iterations
type result struct {
	elapsed time.Duration
	items   uint64
	lat     []int64
	err     string
	extra   map[string]float64 // more counters, by name (go/park's resident set)
}

type bench struct {
	name    string
	threads int
	run     func(n uint64) result
}

func main() {
	family := flag.String("family", "chan", "chan, pool or go")
	quick := flag.Bool("quick", false, "the smaller sweep")
	reps := flag.Int("reps", 5, "repetitions")
	minTime := flag.Float64("min_time", 0.1, "seconds each repetition runs at least")
	filter := flag.String("filter", "", "regexp on benchmark names")
	out := flag.String("out", "", "output file (default stdout)")
	listOnly := flag.Bool("list", false, "print the names -filter selects and exit (2 when none), "+
		"as contend_bench --benchmark_list_tests")
	threads := flag.String("threads", "", "thread counts 1,3,16 instead of the machine's sweep "+
		"(make bench THREADS=; sweep.go)")
	flag.Parse()
	threadsGiven := false
	flag.Visit(func(f *flag.Flag) { threadsGiven = threadsGiven || f.Name == "threads" })
	if err := sweepInit(*threads, threadsGiven); err != nil {
		fmt.Fprintln(os.Stderr, "chanbench:", err)
		os.Exit(2)
	}
	list0, perItem := chanBenches(*quick), "ns_per_msg"
	switch *family {
	case "chan":
	case "pool":
		list0, perItem = poolBenches(*quick), "ns_per_task"
	case "go":
		list0, perItem = goBenches(*quick), "ns_per_op"
	case "sem":
		list0, perItem = semBenches(*quick), "ns_per_op"
	case "once":
		list0, perItem = onceBenches(*quick), "ns_per_op"
	case "waitgroup":
		list0, perItem = waitgroupBenches(*quick), "ns_per_op"
	case "rwlock":
		list0, perItem = rwlockBenches(*quick), "ns_per_op"
	case "map":
		list0, perItem = mapBenches(*quick), "ns_per_op"
	case "objpool":
		list0, perItem = objpoolBenches(*quick), "ns_per_op"
	default:
		fmt.Fprintln(os.Stderr, "chanbench: -family must be chan, pool or go, not", *family)
		os.Exit(2)
	}
	re, err := regexp.Compile(*filter)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chanbench: bad -filter:", err)
		os.Exit(2)
	}
	if *listOnly {
		n := 0
		for _, b := range list0 {
			if re.MatchString(b.name) {
				fmt.Println(b.name)
				n++
			}
		}
		if n == 0 {
			fmt.Fprintln(os.Stderr, "chanbench: no benchmark matches -filter", *filter)
			os.Exit(2)
		}
		return
	}
	doc := newDoc(*family, *quick)
	list := []entry{} // "benchmarks": [] even when the filter matches nothing
	failed := false
	for fi, b := range list0 {
		if !re.MatchString(b.name) {
			continue
		}
		n := calibrate(b, *minTime)
		var nsPer, ips []float64
		for k := 0; k < *reps; k++ {
			runtime.GC()
			r := b.run(n)
			sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
			nsPer = append(nsPer, float64(r.elapsed.Nanoseconds())/float64(r.items))
			ips = append(ips, float64(r.items)/r.elapsed.Seconds())
			if r.err != "" {
				fmt.Fprintf(os.Stderr, "chanbench: %s: %s\n", b.name, r.err)
				failed = true
			}
			list = append(list, iteration(b, fi, k, *reps, n, r, perItem))
		}
		fmt.Fprintf(os.Stderr, "%-55s %10.1f %s (median of %d)\n", b.name, median(nsPer), perItem, len(nsPer))
		list = append(list, aggregates(b, fi, *reps, nsPer, ips, perItem)...)
	}
	doc["benchmarks"] = list
	if err := writeJSON(*out, doc); err != nil {
		fmt.Fprintln(os.Stderr, "chanbench:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// fixedIters: benchmarks whose iteration count is fixed (Google Benchmark's
// Iterations(n)), by name; the peers fill it in as they list them.
var fixedIters = map[string]uint64{}

// calibrate: grow n until one run of b lasts minTime seconds (as Google
// Benchmark does).
func calibrate(b bench, minTime float64) uint64 {
	if n, ok := fixedIters[b.name]; ok {
		return n
	}
	n := uint64(100)
	for {
		r := b.run(n)
		if r.elapsed.Seconds() >= minTime || n >= 1<<32 {
			return n
		}
		grow := minTime * 1.4 / math.Max(r.elapsed.Seconds(), 1e-9)
		n = uint64(math.Min(math.Max(float64(n)*grow, float64(n)*2), float64(n)*100))
	}
}
