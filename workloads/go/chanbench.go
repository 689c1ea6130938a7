// chanbench: the chan family's workloads written with Go's own channels, so
// Go's runtime runs beside the C designs on the same machine and charts.
// Standard library only, no module: `go run workloads/go/chanbench.go`.
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
// Flags: -family chan|pool, -quick (the smaller sweep of contend_bench
// --quick), -reps N, -min_time seconds, -filter regexp, -out file (default
// stdout).
//
// -family pool runs the pool family's empty and 10 us busy workloads as a Go
// worker pool (impl go_pool: `workers` goroutines on a channel of QUEUE_CAP
// jobs, as contend's pools) and as a goroutine per task (impl go_spawn):
//
//	pool/busy/<impl>/cost_ns:<c>/workers:2/real_time/threads:<submitters>
//
// with ns_per_task; every task must run exactly once.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

const latEvery = 16

type msg struct {
	id uint64 // producer<<40 | sequence
	ts int64  // send time (ns since start), 0 when not sampled
}

var epoch = time.Now()

func now() int64 { return int64(time.Since(epoch)) } // monotonic

// result of one run of n iterations
type result struct {
	elapsed time.Duration
	items   uint64
	lat     []int64
	err     string
}

// per-consumer tallies, merged after the run
type tally struct {
	count, sum, sq []uint64
	last           []int64
	badOrder       uint64
	lat            []int64
}

func newTally(p int) *tally {
	t := &tally{count: make([]uint64, p), sum: make([]uint64, p), sq: make([]uint64, p), last: make([]int64, p)}
	for i := range t.last {
		t.last[i] = -1
	}
	return t
}

func (t *tally) take(m msg, checkOrder bool) {
	p, s := m.id>>40, m.id&(1<<40-1)
	if checkOrder && int64(s) <= t.last[p] {
		t.badOrder++
	}
	t.last[p] = int64(s)
	t.count[p]++
	t.sum[p] += s
	t.sq[p] += s * s
	if m.ts != 0 {
		t.lat = append(t.lat, now()-m.ts)
	}
}

// verify: producer p sent n values 0..n-1, each received exactly once
func verify(tallies []*tally, producers int, n uint64) string {
	var ws, wsq uint64
	for i := uint64(0); i < n; i++ {
		ws += i
		wsq += i * i
	}
	for p := 0; p < producers; p++ {
		var c, s, sq uint64
		for _, t := range tallies {
			c, s, sq = c+t.count[p], s+t.sum[p], sq+t.sq[p]
		}
		if c != n || s != ws || sq != wsq {
			return fmt.Sprintf("producer %d: sent %d, received %d (sums match: %v)", p, n, c, s == ws && sq == wsq)
		}
	}
	for k, t := range tallies {
		if t.badOrder != 0 {
			return fmt.Sprintf("consumer %d: %d values out of per-producer order", k, t.badOrder)
		}
	}
	return ""
}

func send(p int, i uint64) msg {
	m := msg{id: uint64(p)<<40 | i}
	if i%latEvery == 0 {
		m.ts = now()
	}
	return m
}

// flow: P producers, C consumers; nch channels (1; P for select_rx; 2 for
// select_both); selectSend: producers select over both channels.
func flow(n uint64, capacity, P, C int, kind string) result {
	nch := 1
	switch kind {
	case "select_rx":
		nch = P
	case "select_both":
		nch = 2
	}
	chs := make([]chan msg, nch)
	for i := range chs {
		chs[i] = make(chan msg, capacity)
	}
	tallies := make([]*tally, C)
	done := make(chan struct{})
	prodDone := make(chan struct{})
	start := time.Now()
	for k := 0; k < C; k++ {
		tallies[k] = newTally(P)
		go func(t *tally) {
			consume(chs, t, kind != "select_both")
			done <- struct{}{}
		}(tallies[k])
	}
	for p := 0; p < P; p++ {
		go func(p int) {
			switch kind {
			case "select_both":
				a, b := chs[0], chs[1]
				for i := uint64(0); i < n; i++ {
					select {
					case a <- send(p, i):
					case b <- send(p, i):
					}
				}
			case "select_rx":
				c := chs[p]
				for i := uint64(0); i < n; i++ {
					c <- send(p, i)
				}
			default:
				c := chs[0]
				for i := uint64(0); i < n; i++ {
					c <- send(p, i)
				}
			}
			prodDone <- struct{}{}
		}(p)
	}
	for p := 0; p < P; p++ {
		<-prodDone
	}
	for _, c := range chs {
		close(c)
	}
	for k := 0; k < C; k++ {
		<-done
	}
	r := result{elapsed: time.Since(start), items: n * uint64(P)}
	for _, t := range tallies {
		r.lat = append(r.lat, t.lat...)
	}
	r.err = verify(tallies, P, n)
	return r
}

// consume until every channel is closed. Two or four channels: one select
// statement, a closed channel set to nil (Go's idiom); static selects keep
// reflect.Select (much slower) out of the figures, and nch is 1, 2 or 4.
func consume(chs []chan msg, t *tally, order bool) {
	switch len(chs) {
	case 1:
		for m := range chs[0] {
			t.take(m, order)
		}
	case 2:
		a, b := chs[0], chs[1]
		for a != nil || b != nil {
			select {
			case m, ok := <-a:
				if !ok {
					a = nil
					continue
				}
				t.take(m, order)
			case m, ok := <-b:
				if !ok {
					b = nil
					continue
				}
				t.take(m, order)
			}
		}
	case 4:
		c0, c1, c2, c3 := chs[0], chs[1], chs[2], chs[3]
		for c0 != nil || c1 != nil || c2 != nil || c3 != nil {
			var m msg
			var ok bool
			select {
			case m, ok = <-c0:
				if !ok {
					c0 = nil
					continue
				}
			case m, ok = <-c1:
				if !ok {
					c1 = nil
					continue
				}
			case m, ok = <-c2:
				if !ok {
					c2 = nil
					continue
				}
			case m, ok = <-c3:
				if !ok {
					c3 = nil
					continue
				}
			}
			t.take(m, order)
		}
	default:
		panic("consume: 1, 2 or 4 channels")
	}
}

func pingpong(n uint64, capacity int) result {
	a, b := make(chan uint64, capacity), make(chan uint64, capacity)
	go func() {
		for v := range a {
			b <- v
		}
		close(b)
	}()
	var lat []int64
	bad := 0
	start := time.Now()
	for i := uint64(0); i < n; i++ {
		var t0 int64
		if i%latEvery == 0 {
			t0 = now()
		}
		a <- i
		if v := <-b; v != i {
			bad++
		}
		if t0 != 0 {
			lat = append(lat, now()-t0)
		}
	}
	r := result{elapsed: time.Since(start), items: n, lat: lat}
	close(a)
	for range b {
	}
	if bad != 0 {
		r.err = fmt.Sprintf("%d pongs did not match their ping", bad)
	}
	return r
}

func seq(n uint64, capacity int) result {
	c := make(chan uint64, capacity)
	var got uint64
	bad := 0
	pending := 0
	start := time.Now()
	for i := uint64(0); i < n; i++ {
		c <- i
		if pending++; pending == capacity {
			for ; pending > 0; pending-- {
				if <-c != got {
					bad++
				}
				got++
			}
		}
	}
	r := result{elapsed: time.Since(start), items: n}
	for ; pending > 0; pending-- {
		if <-c != got {
			bad++
		}
		got++
	}
	if bad != 0 {
		r.err = fmt.Sprintf("%d values out of order", bad)
	}
	return r
}

// pipeline: generator -> square -> filter-even -> (stages-4 forwarding
// stages) -> sum, one goroutine per stage, as chan_pipeline.c does.
func pipeline(n uint64, capacity, stages int) result {
	chans := make([]chan uint64, stages-1)
	for k := range chans {
		chans[k] = make(chan uint64, capacity)
	}
	sum := make(chan uint64)
	start := time.Now()
	for k := 1; k < stages; k++ {
		go func(k int) {
			in := chans[k-1]
			if k == stages-1 {
				var s uint64
				for v := range in {
					s += v
				}
				sum <- s
				return
			}
			out := chans[k]
			for v := range in {
				switch {
				case k == 1:
					out <- v * v
				case k == 2:
					if v&1 == 0 {
						out <- v
					}
				default:
					out <- v
				}
			}
			close(out)
		}(k)
	}
	for i := uint64(0); i < n; i++ {
		chans[0] <- i
	}
	close(chans[0])
	got := <-sum
	r := result{elapsed: time.Since(start), items: n}
	var want uint64
	for i := uint64(0); i < n; i += 2 {
		want += i * i
	}
	if got != want {
		r.err = fmt.Sprintf("sum %d, expected %d", got, want)
	}
	return r
}

type bench struct {
	name    string
	threads int
	run     func(n uint64) result
}

// ---- the pool family's peers --------------------------------------------

const poolQueueCap = 128 // QUEUE_CAP of workloads/pool_tasks.c

// spinFor busies the goroutine for about d, as ct_work_spin does in C.
func spinFor(d time.Duration) {
	if d <= 0 {
		return
	}
	for end := time.Now().Add(d); time.Now().Before(end); {
	}
}

// poolRun: submitters goroutines submit n tasks each; workers goroutines (or
// one goroutine per task, if spawn) run them; each task marks its slot, and
// every slot must be marked exactly once.
func poolRun(n uint64, cost time.Duration, workers, submitters int, spawn bool) result {
	total := n * uint64(submitters)
	ran := make([]uint32, total)
	jobs := make(chan uint64, poolQueueCap)
	var wg sync.WaitGroup
	task := func(id uint64) {
		spinFor(cost)
		atomic.AddUint32(&ran[id], 1)
	}
	start := time.Now()
	if !spawn {
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range jobs {
					task(id)
				}
			}()
		}
	}
	var subs sync.WaitGroup
	for s := 0; s < submitters; s++ {
		subs.Add(1)
		go func(s int) {
			defer subs.Done()
			for i := uint64(0); i < n; i++ {
				id := uint64(s)*n + i
				if spawn {
					wg.Add(1)
					go func() { defer wg.Done(); task(id) }()
				} else {
					jobs <- id
				}
			}
		}(s)
	}
	subs.Wait()
	close(jobs)
	wg.Wait()
	r := result{elapsed: time.Since(start), items: total}
	for id, c := range ran {
		if c != 1 {
			r.err = fmt.Sprintf("task %d ran %d times", id, c)
			break
		}
	}
	return r
}

func poolBenches(quick bool) []bench {
	var bs []bench
	subs := []int{2, 8}
	if quick {
		subs = []int{2}
	}
	for _, impl := range []string{"go_pool", "go_spawn"} {
		for _, cost := range []int{0, 10000} {
			for _, t := range subs {
				impl, cost, t := impl, cost, t
				name := fmt.Sprintf("pool/busy/%s/cost_ns:%d/workers:2/real_time/threads:%d", impl, cost, t)
				bs = append(bs, bench{name, t, func(n uint64) result {
					return poolRun(n, time.Duration(cost), 2, t, impl == "go_spawn")
				}})
			}
		}
	}
	return bs
}

func benches(quick bool) []bench {
	var bs []bench
	pick := func(full, q []int) []int {
		if quick {
			return q
		}
		return full
	}
	name := func(w string, capacity, threads int) string {
		return fmt.Sprintf("chan/%s/go/cap:%d/real_time/threads:%d", w, capacity, threads)
	}
	add := func(w string, capacity, threads int, f func(n uint64) result) {
		bs = append(bs, bench{name(w, capacity, threads), threads, f})
	}
	for _, c := range pick([]int{1, 64, 1024}, []int{64}) {
		c := c
		add("seq", c, 1, func(n uint64) result { return seq(n, c) })
	}
	for _, c := range pick([]int{0, 1, 64, 1024}, []int{0, 64}) {
		c := c
		add("spsc", c, 2, func(n uint64) result { return flow(n, c, 1, 1, "spsc") })
		for _, t := range pick([]int{2, 4}, []int{2}) {
			t := t
			add("mpsc", c, t+1, func(n uint64) result { return flow(n, c, t, 1, "mpsc") })
		}
		for _, t := range pick([]int{1, 2, 4}, []int{1, 2}) {
			t := t
			add("mpmc", c, 2*t, func(n uint64) result { return flow(n, c, t, t, "mpmc") })
		}
	}
	for _, c := range []int{0, 64} {
		c := c
		for _, t := range pick([]int{2, 4}, []int{2}) {
			t := t
			add("select_rx", c, t+1, func(n uint64) result { return flow(n, c, t, 1, "select_rx") })
		}
		for _, t := range pick([]int{1, 2}, []int{1}) {
			t := t
			add("select_both", c, 2*t, func(n uint64) result { return flow(n, c, t, t, "select_both") })
		}
	}
	for _, c := range []int{0, 1} {
		c := c
		add("pingpong", c, 2, func(n uint64) result { return pingpong(n, c) })
	}
	for _, c := range pick([]int{0, 64}, []int{64}) {
		for _, k := range pick([]int{4, 6, 8}, []int{4}) {
			c, k := c, k
			add("pipeline", c, k, func(n uint64) result { return pipeline(n, c, k) })
		}
	}
	return bs
}

func percentile(v []int64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(v)))) - 1
	if i < 0 {
		i = 0
	}
	return float64(v[i])
}

type entry map[string]interface{}

func main() {
	family := flag.String("family", "chan", "chan or pool")
	quick := flag.Bool("quick", false, "the smaller sweep")
	reps := flag.Int("reps", 5, "repetitions")
	minTime := flag.Float64("min_time", 0.1, "seconds each repetition runs at least")
	filter := flag.String("filter", "", "regexp on benchmark names")
	out := flag.String("out", "", "output file (default stdout)")
	flag.Parse()
	list0, perItem := benches(*quick), "ns_per_msg"
	switch *family {
	case "chan":
	case "pool":
		list0, perItem = poolBenches(*quick), "ns_per_task"
	default:
		fmt.Fprintln(os.Stderr, "chanbench: -family must be chan or pool, not", *family)
		os.Exit(2)
	}
	re, err := regexp.Compile(*filter)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chanbench: bad -filter:", err)
		os.Exit(2)
	}
	host, _ := os.Hostname()
	doc := entry{
		"context": entry{
			"date": time.Now().Format(time.RFC3339), "host_name": host, "executable": os.Args[0],
			"num_cpus": runtime.NumCPU(), "library_build_type": "release", "ct_family": *family,
			"ct_impl": "go", "go_version": runtime.Version(), "gomaxprocs": runtime.GOMAXPROCS(0),
			"ct_quick": map[bool]string{true: "1", false: "0"}[*quick],
		},
	}
	var list []entry
	failed := false
	for fi, b := range list0 {
		if !re.MatchString(b.name) {
			continue
		}
		// Grow n until one run lasts min_time (as Google Benchmark does).
		n := uint64(100)
		for {
			r := b.run(n)
			if r.elapsed.Seconds() >= *minTime || n >= 1<<32 {
				break
			}
			grow := *minTime * 1.4 / math.Max(r.elapsed.Seconds(), 1e-9)
			n = uint64(math.Min(math.Max(float64(n)*grow, float64(n)*2), float64(n)*100))
		}
		var nsPer, ips []float64
		for k := 0; k < *reps; k++ {
			runtime.GC()
			r := b.run(n)
			sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
			ns := float64(r.elapsed.Nanoseconds()) / float64(r.items)
			nsPer = append(nsPer, ns)
			ips = append(ips, float64(r.items)/r.elapsed.Seconds())
			e := entry{
				"name": b.name, "family_index": fi, "per_family_instance_index": 0,
				"run_name": b.name, "run_type": "iteration", "repetitions": *reps,
				"repetition_index": k, "threads": b.threads, "iterations": n,
				"real_time": float64(r.elapsed.Nanoseconds()) / float64(n), "cpu_time": 0.0,
				"time_unit": "ns", "items_per_second": float64(r.items) / r.elapsed.Seconds(),
				perItem: ns, "budget_hit": 0,
			}
			if len(r.lat) > 0 {
				e["lat_p50_ns"], e["lat_p99_ns"] = percentile(r.lat, 0.5), percentile(r.lat, 0.99)
				e["lat_p999_ns"], e["lat_samples"] = percentile(r.lat, 0.999), len(r.lat)
			}
			if r.err != "" {
				e["error_occurred"], e["error_message"] = true, r.err
				fmt.Fprintf(os.Stderr, "chanbench: %s: %s\n", b.name, r.err)
				failed = true
			}
			list = append(list, e)
		}
		fmt.Fprintf(os.Stderr, "%-55s %10.1f %s (median of %d)\n", b.name, median(nsPer), perItem, len(nsPer))
		for _, agg := range []string{"mean", "median", "stddev", "cv"} {
			list = append(list, entry{
				"name": b.name + "_" + agg, "family_index": fi, "per_family_instance_index": 0,
				"run_name": b.name, "run_type": "aggregate", "repetitions": *reps,
				"threads": b.threads, "aggregate_name": agg, "time_unit": "ns",
				"ns_per_msg": aggregate(agg, nsPer), "items_per_second": aggregate(agg, ips),
			})
		}
	}
	doc["benchmarks"] = list
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "chanbench:", err)
			os.Exit(2)
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		fmt.Fprintln(os.Stderr, "chanbench:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// aggregate: Google Benchmark's mean, median, stddev (sample) and cv of v.
func aggregate(name string, v []float64) float64 {
	m, sd := meanSD(v)
	switch name {
	case "mean":
		return m
	case "median":
		return median(v)
	case "stddev":
		return sd
	}
	if m == 0 {
		return 0
	}
	return sd / m
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func meanSD(v []float64) (float64, float64) {
	var m, q float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	if len(v) < 2 {
		return m, 0
	}
	for _, x := range v {
		q += (x - m) * (x - m)
	}
	return m, math.Sqrt(q / float64(len(v)-1))
}
