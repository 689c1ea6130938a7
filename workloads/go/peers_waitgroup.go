// The waitgroup family's peer: the forkjoin workload of
// workloads/waitgroup_workloads.c with Go's sync.WaitGroup (impl go_sync:
// `go` is the C competitor that wraps ct_wg), in Go's own idiom: each round adds threads-1, starts that many goroutines (each
// marks the round, then Done) and waits. The C workload's tasks are
// long-lived threads started by an epoch word instead (C has no cheap
// goroutine per task). Each round is checked: after Wait, every task had
// marked it.

package main

import (
	"fmt"
	"sync"
	"time"
)

func waitgroupRun(tasks int, n uint64) result {
	var wg sync.WaitGroup
	slot := make([]uint64, tasks)
	early := uint64(0)
	start := time.Now()
	for round := uint64(1); round <= n; round++ {
		wg.Add(tasks)
		for t := 0; t < tasks; t++ {
			go func(t int) {
				slot[t] = round // plain: Done/Wait order it, as in C
				wg.Done()
			}(t)
		}
		wg.Wait()
		for t := 0; t < tasks; t++ {
			if slot[t] != round {
				early++
				break
			}
		}
	}
	r := result{elapsed: time.Since(start), items: n * uint64(tasks)}
	if early != 0 {
		r.err = fmt.Sprintf("%d of %d waits returned before every task of the round had finished", early, n)
	}
	return r
}

func waitgroupBenches(quick bool) []bench {
	var bs []bench
	threads := sweepThreads(2, quickFlag(quick, 0)) // one forks, the others are tasks
	for _, t := range threads {
		t := t
		name := fmt.Sprintf("waitgroup/forkjoin/go_sync/real_time/threads:%d", t)
		bs = append(bs, bench{name, t, func(n uint64) result { return waitgroupRun(t-1, n) }})
	}
	return bs
}
