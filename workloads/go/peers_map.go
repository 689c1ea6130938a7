// The map family's peer: the map/mix workload with a Go map behind a
// sync.RWMutex (impl go_rwmutex, the seeds' SafeMap) and with sync.Map (impl
// go_syncmap), on the same keys, operations and checks as
// workloads/map_mix.c, and the list of their benchmarks.

package main

import (
	"fmt"
	"sync"
	"time"
)

const mapOps = 50000 // OPS_PER_THREAD of workloads/map_mix.c: a fixed count

// goMap: the verbs the workload uses; insert is insert-if-absent (true: stored).
type goMap interface {
	get(k uint64) (uint64, bool)
	insert(k, v uint64) (uint64, bool)
	del(k uint64) bool
	put(k, v uint64)
}

type rwMap struct {
	mu sync.RWMutex
	m  map[uint64]uint64
}

func (r *rwMap) get(k uint64) (uint64, bool) {
	r.mu.RLock()
	v, ok := r.m[k]
	r.mu.RUnlock()
	return v, ok
}

func (r *rwMap) insert(k, v uint64) (uint64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.m[k]; ok {
		return old, false
	}
	r.m[k] = v
	return v, true
}

func (r *rwMap) del(k uint64) bool {
	r.mu.Lock()
	_, ok := r.m[k]
	delete(r.m, k)
	r.mu.Unlock()
	return ok
}

func (r *rwMap) put(k, v uint64) {
	r.mu.Lock()
	r.m[k] = v
	r.mu.Unlock()
}

type syncMap struct{ m sync.Map }

func (s *syncMap) get(k uint64) (uint64, bool) {
	v, ok := s.m.Load(k)
	if !ok {
		return 0, false
	}
	return v.(uint64), true
}

func (s *syncMap) insert(k, v uint64) (uint64, bool) {
	got, loaded := s.m.LoadOrStore(k, v)
	return got.(uint64), !loaded
}

func (s *syncMap) del(k uint64) bool {
	_, loaded := s.m.LoadAndDelete(k)
	return loaded
}

func (s *syncMap) put(k, v uint64) { s.m.Store(k, v) }

func mapValue(key uint64, writer int, seq uint64) uint64 {
	return key<<32 | uint64(writer)<<24 | seq&0xffffff
}

func mapValueOK(key, v uint64, threads int) bool {
	return v>>32 == key && (v>>24)&0xff <= uint64(threads)
}

// mapRun: the map holds a fixed half of [0, keys) (the same half as in C);
// threads goroutines run n operations each on keys drawn by the same
// xorshift64*: updatePct% updates (half inserts, half deletes), the rest
// gets. Verified by sequential replay, as in C.
func mapRun(n uint64, m goMap, updatePct int, keys uint64, threads int) result {
	initial := make([]int64, keys)
	for i := uint64(0); i < keys/2; i++ {
		k := (i * 0x9e3779b97f4a7c15) & (keys - 1)
		m.put(k, mapValue(k, 0, i))
		initial[k] = 1
	}
	net := make([][]int32, threads)
	bad := make([]uint64, threads)
	badKey := make([]uint64, threads)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for t := 0; t < threads; t++ {
		net[t] = make([]int32, keys)
		wg.Add(1)
		go func(t int) {
			defer wg.Done()
			x := uint64(0x2545f4914f6cdd1d) * uint64(t+1)
			mine, seq := net[t], uint64(0)
			<-start
			for i := uint64(0); i < n; i++ {
				x ^= x >> 12
				x ^= x << 25
				x ^= x >> 27
				rnd := x * 0x2545f4914f6cdd1d
				key := (rnd >> 32) & (keys - 1)
				if int((rnd&0xffff)%100) < updatePct {
					if rnd&0x10000 == 0 {
						if m.del(key) {
							mine[key]--
						}
						continue
					}
					v, stored := m.insert(key, mapValue(key, t+1, seq))
					seq++
					if stored {
						mine[key]++
					} else if !mapValueOK(key, v, threads) && bad[t] == 0 {
						bad[t], badKey[t] = 1, key
					}
				} else if v, ok := m.get(key); ok && !mapValueOK(key, v, threads) && bad[t] == 0 {
					bad[t], badKey[t] = 1, key
				}
			}
		}(t)
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	r := result{elapsed: time.Since(t0), items: n * uint64(threads)}
	for t := 0; t < threads; t++ {
		if bad[t] != 0 {
			r.err = fmt.Sprintf("key %d: a get returned a value no thread wrote for that key", badKey[t])
			return r
		}
	}
	differ := 0
	for k := uint64(0); k < keys; k++ {
		expect := initial[k]
		for t := 0; t < threads; t++ {
			expect += int64(net[t][k])
		}
		v, ok := m.get(k)
		present := int64(0)
		if ok {
			present = 1
			if !mapValueOK(k, v, threads) {
				r.err = fmt.Sprintf("key %d: the map holds %#x, which no thread wrote for that key", k, v)
				return r
			}
		}
		if expect != present {
			if differ == 0 {
				r.err = fmt.Sprintf("key %d: the replay of the successful operations leaves %d, "+
					"but the map holds %d", k, expect, present)
			}
			differ++
		}
	}
	if differ != 0 {
		r.err += fmt.Sprintf(" (%d keys differ)", differ)
	}
	return r
}

func mapBenches(quick bool) []bench {
	var bs []bench
	updates, ranges, threads := []int{0, 10, 50}, []uint64{4096}, sweepThreads(1, quickFlag(quick, 0))
	if quick {
		updates = []int{0, 50}
	}
	for _, impl := range []string{"go_rwmutex", "go_syncmap"} {
		for _, up := range updates {
			for _, keys := range ranges {
				for _, t := range threads {
					impl, up, keys, t := impl, up, keys, t
					name := fmt.Sprintf("map/mix/%s/updates:%d/range:%d/real_time/threads:%d",
						impl, up, keys, t)
					fixedIters[name] = mapOps
					bs = append(bs, bench{name, t, func(n uint64) result {
						var m goMap = &syncMap{}
						if impl == "go_rwmutex" {
							m = &rwMap{m: make(map[uint64]uint64, keys)}
						}
						return mapRun(n, m, up, keys, t)
					}})
				}
			}
		}
	}
	return bs
}
