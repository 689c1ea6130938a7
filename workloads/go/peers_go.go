// The go family's peers: Go's goroutines beside the coroutines of
// primitives/go (workloads/go_workloads.c), with impl "go":
//
//	go/spawn/go/real_time/threads:1   start a goroutine that only calls
//	                                  wg.Done; per batch of n: Add(n), start
//	                                  n, Wait (inside the timed region)
//	go/switch/go/real_time/threads:1  GOMAXPROCS 1, two goroutines handing
//	                                  control back and forth with
//	                                  runtime.Gosched: one iteration is one
//	                                  switch
//
// each checked (every goroutine started ran exactly once; each side made
// exactly its yields), and the list of their benchmarks.

package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// goBatchCap: the most iterations in one batch; 0: the whole run is one
// batch, as go_workloads.c, which sets no ct_bench_batch_size.
const goBatchCap = 0

// goBatches calls f with the run's n iterations in batches of at most
// goBatchCap.
func goBatches(n uint64, f func(batch uint64)) {
	for n > 0 {
		b := n
		if goBatchCap > 0 && b > goBatchCap {
			b = goBatchCap
		}
		f(b)
		n -= b
	}
}

// goSpawn: n goroutines, each counting itself and calling wg.Done.
func goSpawn(n uint64) result {
	var wg sync.WaitGroup
	var ran uint64
	spawned := func() {
		atomic.AddUint64(&ran, 1)
		wg.Done()
	}
	var started uint64
	start := time.Now()
	goBatches(n, func(b uint64) {
		wg.Add(int(b))
		for i := uint64(0); i < b; i++ {
			go spawned()
		}
		started += b
		wg.Wait()
	})
	r := result{elapsed: time.Since(start), items: started}
	if got := atomic.LoadUint64(&ran); got != started {
		r.err = fmt.Sprintf("%d goroutines ran, %d started", got, started)
	}
	return r
}

// goSwitch: on one P (GOMAXPROCS 1 for the run, restored after it), two
// goroutines each yield (n+1)/2 times per batch, as go_workloads.c does.
func goSwitch(n uint64) result {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var wg sync.WaitGroup
	var made [2]uint64 // each side its own word; read after the wait
	var each, done uint64
	switcher := func(side int) {
		for i := uint64(0); i < each; i++ {
			runtime.Gosched()
			made[side]++
		}
		wg.Done()
	}
	start := time.Now()
	goBatches(n, func(b uint64) {
		each = (b + 1) / 2
		wg.Add(2)
		go switcher(0)
		go switcher(1)
		wg.Wait()
		done += 2 * each
	})
	r := result{elapsed: time.Since(start), items: done}
	if made[0] != done/2 || made[1] != done/2 {
		r.err = fmt.Sprintf("the sides yielded %d and %d times, not %d each", made[0], made[1], done/2)
	}
	return r
}

// goPark: 100 000 goroutines parked at once in a WaitGroup wait; the bytes
// in use per goroutine: the growth of the runtime's stack and heap in use
// (runtime.MemStats), since Go keeps the stacks of earlier runs resident
// and reuses them, so its resident set no longer grows (go_workloads.c
// measures its coroutines' resident set over a fresh scheduler instead).
// One park per run, whatever n.
func goPark(n uint64) result {
	const waiters = 100000
	var parked, release, exited sync.WaitGroup
	_ = n
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	start := time.Now()
	release.Add(1)
	parked.Add(waiters)
	exited.Add(waiters)
	for i := 0; i < waiters; i++ {
		go func() {
			parked.Done()
			release.Wait()
			exited.Done()
		}()
	}
	parked.Wait()
	runtime.ReadMemStats(&m1)
	release.Done()
	exited.Wait()
	r := result{elapsed: time.Since(start), items: waiters}
	inuse := func(m *runtime.MemStats) float64 { return float64(m.StackInuse + m.HeapInuse) }
	r.extra = map[string]float64{
		"bytes_per_waiter": (inuse(&m1) - inuse(&m0)) / waiters, "waiters": waiters,
	}
	return r
}

// goBenches: the go family's benchmarks, named as contend_bench names them
// with impl "go"; quick runs the same two.
func goBenches(quick bool) []bench {
	_ = quick
	return []bench{
		{"go/spawn/go/real_time/threads:1", 1, goSpawn},
		{"go/switch/go/real_time/threads:1", 1, goSwitch},
		{"go/park/go/iterations:1/real_time/threads:1", 1, goPark},
	}
}
