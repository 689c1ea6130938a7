// The objpool family's peers: the objpool/churn workload of
// workloads/objpool_workloads.c with Go's sync.Pool (impl go_syncpool) and
// with plain allocation left to the garbage collector (impl go_alloc),
// checked as in C (each object stamped on get and its stamp checked on put,
// gets and puts matching, W x threads objects taken at rest distinct), with
// the resident-set growth as a counter, and the list of their benchmarks.

package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"time"
	"unsafe"
)

const (
	stampHeld = 0x48454c44f00dcafe // STAMP_HELD of objpool_workloads.c
	stampFree = 0x46524545deadbeef // STAMP_FREE
)

// objSource: what both impls offer (go_alloc's put only drops the reference).
type objSource interface {
	get() *[]byte
	put(b *[]byte)
}

type syncPool struct{ p sync.Pool }

func (s *syncPool) get() *[]byte  { return s.p.Get().(*[]byte) }
func (s *syncPool) put(b *[]byte) { s.p.Put(b) }

type plainAlloc struct{ size int }

func (a *plainAlloc) get() *[]byte {
	b := make([]byte, a.size)
	return &b
}
func (a *plainAlloc) put(*[]byte) {}

// objpoolSlot: one goroutine's counts, read after the run.
type objpoolSlot struct {
	gets, puts, heldAtGet, stolenAtPut uint64
	_                                  [32]byte // its own cache line
}

// rssPages: the resident pages of the process (0 if unreadable).
func rssPages() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, resident float64
	if _, err := fmt.Sscan(string(b), &size, &resident); err != nil {
		return 0
	}
	return resident
}

// take: an object made this goroutine's: checked, stamped, one word per line written.
func take(src objSource, s *objpoolSlot, id uint64, seq *uint64) (*[]byte, uint64) {
	o := src.get()
	b := *o
	s.gets++
	if binary.LittleEndian.Uint64(b[0:]) == stampHeld {
		s.heldAtGet++ // somebody holds it: a double hand-out
	}
	*seq++
	mine := id<<40 | *seq
	binary.LittleEndian.PutUint64(b[0:], stampHeld)
	binary.LittleEndian.PutUint64(b[8:], mine)
	for off := 64; off+8 <= len(b); off += 64 {
		binary.LittleEndian.PutUint64(b[off:], *seq)
	}
	return o, mine
}

// give: the stamp must still be ours; then it goes back.
func give(src objSource, s *objpoolSlot, o *[]byte, mine uint64) {
	b := *o
	if binary.LittleEndian.Uint64(b[0:]) != stampHeld || binary.LittleEndian.Uint64(b[8:]) != mine {
		s.stolenAtPut++
	}
	binary.LittleEndian.PutUint64(b[0:], stampFree)
	src.put(o)
	s.puts++
}

// objpoolRun: threads goroutines each hold held objects of size bytes and
// run n iterations of put-the-oldest, get-a-new-one.
func objpoolRun(n uint64, newSrc func() objSource, size, held, threads int) result {
	rssBefore := rssPages()
	src := newSrc()
	slots := make([]objpoolSlot, threads)
	var wg, ready sync.WaitGroup
	gate := make(chan struct{})
	for t := 0; t < threads; t++ {
		wg.Add(1)
		ready.Add(1)
		go func(t int) {
			defer wg.Done()
			s := &slots[t]
			objs := make([]*[]byte, held)
			mine := make([]uint64, held)
			seq := uint64(0)
			for i := range objs { // the working set, before the timed loop
				objs[i], mine[i] = take(src, s, uint64(t), &seq)
			}
			ready.Done()
			<-gate
			k := 0
			for i := uint64(0); i < n; i++ {
				give(src, s, objs[k], mine[k])
				objs[k], mine[k] = take(src, s, uint64(t), &seq)
				if k++; k == held {
					k = 0
				}
			}
			for i := range objs { // every object back
				give(src, s, objs[i], mine[i])
			}
		}(t)
	}
	ready.Wait()
	start := time.Now()
	close(gate)
	wg.Wait()
	r := result{elapsed: time.Since(start), items: n * uint64(threads), extra: map[string]float64{}}
	var gets, puts, heldAtGet, stolen uint64
	for _, s := range slots {
		gets, puts, heldAtGet, stolen = gets+s.gets, puts+s.puts, heldAtGet+s.heldAtGet, stolen+s.stolenAtPut
	}
	switch {
	case heldAtGet+stolen > 0:
		r.err = fmt.Sprintf("%d double hand-outs (%d gets found an object still held, %d puts "+
			"found another holder's stamp)", heldAtGet+stolen, heldAtGet, stolen)
	case gets != puts:
		r.err = fmt.Sprintf("%d gets but %d puts: objects not back", gets, puts)
	default: // at rest: threads x held objects taken at once are distinct
		seen := map[uintptr]bool{}
		var s objpoolSlot
		taken := make([]*[]byte, 0, threads*held)
		for i := 0; i < threads*held; i++ {
			o, _ := take(src, &s, 0, new(uint64))
			p := uintptr(unsafe.Pointer(&(*o)[0]))
			if seen[p] || s.heldAtGet > 0 {
				r.err = fmt.Sprintf("at rest, a double hand-out among %d objects taken at once",
					threads*held)
			}
			seen[p] = true
			taken = append(taken, o)
		}
		for _, o := range taken {
			binary.LittleEndian.PutUint64((*o)[0:], stampFree)
			src.put(o)
		}
	}
	r.extra["rss_growth_kib"] = (rssPages() - rssBefore) * float64(os.Getpagesize()) / 1024
	return r
}

func objpoolBenches(quick bool) []bench {
	var bs []bench
	threads, sizes, helds := sweepThreads(1, quickFlag(quick, 0)), []int{64, 4096}, []int{16}
	impls := []struct {
		name string
		src  func(size int) objSource
	}{
		{"go_syncpool", func(size int) objSource {
			return &syncPool{p: sync.Pool{New: func() any { b := make([]byte, size); return &b }}}
		}},
		{"go_alloc", func(size int) objSource { return &plainAlloc{size: size} }},
	}
	for _, impl := range impls {
		for _, size := range sizes {
			for _, held := range helds {
				for _, t := range threads {
					impl, size, held, t := impl, size, held, t
					name := fmt.Sprintf("objpool/churn/%s/size:%d/held:%d/real_time/threads:%d",
						impl.name, size, held, t)
					bs = append(bs, bench{name, t, func(n uint64) result {
						return objpoolRun(n, func() objSource { return impl.src(size) }, size, held, t)
					}})
				}
			}
		}
	}
	return bs
}
