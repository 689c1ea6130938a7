// The sem family's peers: the makespan and hold workloads of
// workloads/sem_workloads.c with Go's own semaphores:
//
//	go_chan  the seeds' make(chan struct{}, n): send to acquire, receive to release
//	go_cond  a count under sync.Mutex with a sync.Cond (x/sync/semaphore's
//	         idea, without its FIFO of waiters)
//
// each run checked as in C (never more holders than tokens, every task once,
// every token back), and the list of their benchmarks.

package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

const (
	semTasks   = 100  // MAKESPAN_TASKS of sem_workloads.c
	semLimit   = 10   // MAKESPAN_LIMIT
	semTaskUs  = 5000 // MAKESPAN_TASK_US: the seeds' 50 ms, scaled down by 10
	semHoldCap = 4    // hold's tokens
)

type semaphore interface {
	acquire()
	release()
	tryAcquire() bool
}

type chanSem chan struct{}

func (s chanSem) acquire() { s <- struct{}{} }
func (s chanSem) release() { <-s }
func (s chanSem) tryAcquire() bool {
	select {
	case s <- struct{}{}:
		return true
	default:
		return false
	}
}

type condSem struct {
	mu   sync.Mutex
	cond *sync.Cond
	free int
}

func newCondSem(n int) *condSem {
	s := &condSem{free: n}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *condSem) acquire() {
	s.mu.Lock()
	for s.free == 0 {
		s.cond.Wait()
	}
	s.free--
	s.mu.Unlock()
}

func (s *condSem) release() {
	s.mu.Lock()
	s.free++
	s.mu.Unlock()
	s.cond.Signal()
}

func (s *condSem) tryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.free == 0 {
		return false
	}
	s.free--
	return true
}

func newSem(impl string, n int) semaphore {
	if impl == "go_chan" {
		return make(chanSem, n)
	}
	return newCondSem(n)
}

// occupancy: holders now and the most at once.
type occupancy struct{ in, peak int32 }

func (o *occupancy) enter() {
	now := atomic.AddInt32(&o.in, 1)
	for p := atomic.LoadInt32(&o.peak); now > p && !atomic.CompareAndSwapInt32(&o.peak, p, now); p = atomic.LoadInt32(&o.peak) {
	}
}

func (o *occupancy) leave() { atomic.AddInt32(&o.in, -1) }

// semCheck: the verification both workloads share.
func semCheck(s semaphore, o *occupancy, limit int) string {
	if o.peak > int32(limit) {
		return fmt.Sprintf("%d holders at once, limit %d", o.peak, limit)
	}
	got := 0
	for got <= limit && s.tryAcquire() {
		got++
	}
	if got != limit {
		return fmt.Sprintf("after the run %d tokens were free, expected %d", got, limit)
	}
	return ""
}

// semMakespan: n batches of the seeds' workload, each 100 goroutines that
// acquire, sleep, release.
func semMakespan(impl string, n uint64) result {
	s, o := newSem(impl, semLimit), &occupancy{}
	ran := make([]uint64, semTasks)
	start := time.Now()
	for b := uint64(0); b < n; b++ {
		var wg sync.WaitGroup
		for t := 0; t < semTasks; t++ {
			wg.Add(1)
			go func(t int) {
				defer wg.Done()
				s.acquire()
				o.enter()
				time.Sleep(semTaskUs * time.Microsecond)
				ran[t]++
				o.leave()
				s.release()
			}(t)
		}
		wg.Wait()
	}
	r := result{elapsed: time.Since(start), items: n * semTasks, extra: map[string]float64{"peak_holders": float64(o.peak)}}
	r.err = semCheck(s, o, semLimit)
	for t, c := range ran {
		if r.err == "" && c != n {
			r.err = fmt.Sprintf("task %d ran %d times in %d batches", t, c, n)
		}
	}
	return r
}

// semHold: threads goroutines, each n acquire/release pairs back to back.
func semHold(impl string, threads int, n uint64) result {
	s, o := newSem(impl, semHoldCap), &occupancy{}
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < threads; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := uint64(0); i < n; i++ {
				s.acquire()
				o.enter()
				o.leave()
				s.release()
			}
		}()
	}
	wg.Wait()
	r := result{elapsed: time.Since(start), items: n * uint64(threads), extra: map[string]float64{"peak_holders": float64(o.peak)}}
	r.err = semCheck(s, o, semHoldCap)
	return r
}

func semBenches(quick bool) []bench {
	var bs []bench
	threads := sweepThreads(1, quickFlag(quick, 0))
	for _, impl := range []string{"go_chan", "go_cond"} {
		impl := impl
		name := fmt.Sprintf("sem/makespan/%s/tasks:%d/limit:%d/task_us:%d/iterations:1/real_time/threads:1",
			impl, semTasks, semLimit, semTaskUs)
		fixedIters[name] = 1 // one batch is the makespan, as in C
		bs = append(bs, bench{name, 1, func(n uint64) result { return semMakespan(impl, n) }})
		for _, t := range threads {
			t := t
			name := fmt.Sprintf("sem/hold/%s/limit:%d/real_time/threads:%d", impl, semHoldCap, t)
			bs = append(bs, bench{name, t, func(n uint64) result { return semHold(impl, t, n) }})
		}
	}
	return bs
}
