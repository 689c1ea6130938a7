// The rwlock family's peer: the rwlock/mix workload with Go's sync.RWMutex
// (impl go_rwmutex) and sync.Mutex (impl go_mutex) guarding the same small
// record, every snapshot checked whole and the final record checked against
// the writes made, and the list of their benchmarks.

package main

import (
	"fmt"
	"sync"
	"time"
)

const (
	rwlockWords = 4    // CT_RWLOCK_WORDS of primitives/rwlock/rwlock.h
	rwlockOps   = 2000 // OPS_PER_THREAD of workloads/rwlock_mix.c: a fixed count
)

type rwRecord struct{ w [rwlockWords]uint64 }

// rwLocker: what both impls offer; the mutex reads under Lock.
type rwLocker interface {
	RLock()
	RUnlock()
	Lock()
	Unlock()
}

type mutexAsRW struct{ sync.Mutex }

func (m *mutexAsRW) RLock()   { m.Lock() }
func (m *mutexAsRW) RUnlock() { m.Unlock() }

// rwlockRun: threads goroutines run n operations each, readPct% reads (spread
// evenly, as the C workload's Bresenham), each holding its critical section
// for cs; a write adds 1 to every word.
func rwlockRun(n uint64, l rwLocker, readPct int, cs time.Duration, threads int) result {
	var rec rwRecord
	var wg sync.WaitGroup
	writes := make([]uint64, threads)
	torn := make([]uint64, threads)
	maxWait := make([]time.Duration, threads)
	start := time.Now()
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			acc := 0
			for i := uint64(0); i < n; i++ {
				acc += readPct
				if acc >= 100 {
					acc -= 100
					l.RLock()
					snap := rec
					spinFor(cs)
					l.RUnlock()
					for w := 1; w < rwlockWords; w++ {
						if snap.w[w] != snap.w[0] {
							torn[t]++
						}
					}
				} else {
					t0 := time.Now()
					l.Lock()
					for w := range rec.w {
						rec.w[w]++
					}
					spinFor(cs)
					l.Unlock()
					if d := time.Since(t0); d > maxWait[t] {
						maxWait[t] = d
					}
					writes[t]++
				}
			}
		}(t)
	}
	wg.Wait()
	r := result{elapsed: time.Since(start), items: n * uint64(threads), extra: map[string]float64{}}
	var total, tornAll uint64
	var longest time.Duration
	for t := 0; t < threads; t++ {
		total += writes[t]
		tornAll += torn[t]
		if maxWait[t] > longest {
			longest = maxWait[t]
		}
	}
	r.extra["reads_torn"] = float64(tornAll)
	r.extra["writer_max_wait_us"] = float64(longest.Nanoseconds()) / 1e3
	if tornAll != 0 {
		r.err = fmt.Sprintf("%d torn snapshots", tornAll)
	}
	for w := range rec.w {
		if rec.w[w] != total {
			r.err = fmt.Sprintf("word %d of the final record is %d after %d writes", w, rec.w[w], total)
			break
		}
	}
	return r
}

func rwlockBenches(quick bool) []bench {
	var bs []bench
	reads, css := []int{50, 90, 99, 100}, []int{0, 100, 1000}
	threads := sweepThreads(1, quickFlag(quick, sweepSparse))
	if quick {
		reads, css = []int{50, 99}, []int{0}
	}
	for _, impl := range []string{"go_mutex", "go_rwmutex"} {
		for _, rd := range reads {
			for _, cs := range css {
				for _, t := range threads {
					impl, rd, cs, t := impl, rd, cs, t
					name := fmt.Sprintf("rwlock/mix/%s/reads:%d/cs_ns:%d/real_time/threads:%d", impl, rd, cs, t)
					fixedIters[name] = rwlockOps
					bs = append(bs, bench{name, t, func(n uint64) result {
						var l rwLocker = &sync.RWMutex{}
						if impl == "go_mutex" {
							l = &mutexAsRW{}
						}
						return rwlockRun(n, l, rd, time.Duration(cs), t)
					}})
				}
			}
		}
	}
	return bs
}
