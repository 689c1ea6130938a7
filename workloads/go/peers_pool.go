// The pool family's peers: the busy workload as a Go worker pool (impl
// go_pool) and as a goroutine per task (impl go_spawn), every task checked to
// run exactly once, and the list of their benchmarks.

package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

const poolQueueCap = 128 // QUEUE_CAP of workloads/pool_common.c

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
	workers := ncpu() // the C workload's pool size: the cores its sweep follows
	// submitters: 2 and 4x the cores in every sweep, as pool_busy.c's (quick: the first)
	subs := sweepThreads(2, sweepQuick)
	if quick {
		subs = subs[:1]
	}
	for _, impl := range []string{"go_pool", "go_spawn"} {
		for _, cost := range []int{0, 10000} {
			for _, t := range subs {
				impl, cost, t := impl, cost, t
				name := fmt.Sprintf("pool/busy/%s/cost_ns:%d/workers:%d/real_time/threads:%d",
					impl, cost, workers, t)
				bs = append(bs, bench{name, t, func(n uint64) result {
					return poolRun(n, time.Duration(cost), workers, t, impl == "go_spawn")
				}})
			}
		}
	}
	return bs
}
