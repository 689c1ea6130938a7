// The once family's peers: the race and fast workloads of
// workloads/once_workloads.c with Go's sync.Once (impl go), each run checked
// as in C (every round's init exactly once, no Do returning before it), and
// the list of their benchmarks.

package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

const (
	onceRounds = 20000 // RACE_ROUNDS of once_workloads.c
	onceInitNs = 200
)

type onceRound struct {
	once sync.Once
	runs int32
	mark int32
	init func() // made before the timed region: no closure per Do
}

// onceRun: threads goroutines each call Do on rounds[i % len(rounds)] for
// i < n; the first there runs an init of initNs of busy work.
func onceRun(rounds []onceRound, threads int, n uint64, initNs time.Duration) result {
	for i := range rounds {
		r := &rounds[i]
		r.init = func() {
			atomic.AddInt32(&r.runs, 1)
			spinFor(initNs)
			atomic.StoreInt32(&r.mark, 1)
		}
	}
	var wg sync.WaitGroup
	var early int64
	start := time.Now()
	for g := 0; g < threads; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bad := int64(0)
			for i := uint64(0); i < n; i++ {
				r := &rounds[i%uint64(len(rounds))]
				r.once.Do(r.init)
				if atomic.LoadInt32(&r.mark) == 0 {
					bad++
				}
			}
			atomic.AddInt64(&early, bad)
		}()
	}
	wg.Wait()
	res := result{elapsed: time.Since(start), items: n * uint64(threads)}
	for i := range rounds {
		if res.err == "" && rounds[i].runs != 1 {
			res.err = fmt.Sprintf("round %d: the init ran %d times", i, rounds[i].runs)
		}
	}
	if res.err == "" && early != 0 {
		res.err = fmt.Sprintf("%d calls returned before the init had finished", early)
	}
	return res
}

func onceBenches(quick bool) []bench {
	var bs []bench
	threads := sweepThreads(1, quickFlag(quick, 0))
	for _, t := range threads {
		t := t
		name := fmt.Sprintf("once/race/go/rounds:%d/init_ns:%d/iterations:%d/real_time/threads:%d",
			onceRounds, onceInitNs, onceRounds, t)
		fixedIters[name] = onceRounds // each goroutine calls every round once, as in C
		bs = append(bs, bench{name, t, func(n uint64) result {
			return onceRun(make([]onceRound, onceRounds), t, n, onceInitNs)
		}})
		name = fmt.Sprintf("once/fast/go/real_time/threads:%d", t)
		bs = append(bs, bench{name, t, func(n uint64) result {
			rounds := make([]onceRound, 1)
			onceRun(rounds, 1, 1, 0) // done before the run: every timed Do is the fast path
			return onceRun(rounds, t, n, 0)
		}})
	}
	return bs
}
