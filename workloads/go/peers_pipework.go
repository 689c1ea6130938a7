// The pipework peer: chan_pipework.c's pipeline with Go's own channels, K
// goroutine stages each spinning work_ns per item (the second 4x when
// slow:1), and the same work run sequentially in one goroutine.

package main

import (
	"fmt"
	"time"
)

const pipeworkCap = 64 // PW_CAP of chan_pipework.c

type pwItem struct {
	seq, acc uint64
	tGen     int64
}

// pwFold: stage k's contribution, as pw_fold in C.
func pwFold(acc uint64, k int, seq uint64) uint64 {
	return acc*0x9E3779B97F4A7C15 + (seq ^ uint64(k)<<56) + 1
}

func pwExpected(stages int, seq uint64) uint64 {
	var acc uint64
	for k := 0; k < stages; k++ {
		acc = pwFold(acc, k, seq)
	}
	return acc
}

func pwStageWork(work time.Duration, slow bool, k int, it *pwItem) {
	if slow && k == 1 {
		work *= 4
	}
	spinFor(work)
	it.acc = pwFold(it.acc, k, it.seq)
}

// pwSink: every item in order with every stage's fold, its latency kept.
type pwSink struct {
	got, bad uint64
	sum      int64
	lat      []int64
}

func (s *pwSink) take(stages int, it pwItem) {
	if it.seq != s.got || it.acc != pwExpected(stages, it.seq) {
		s.bad++
	}
	s.got++
	l := now() - it.tGen
	s.lat = append(s.lat, l)
	s.sum += l
}

func (s *pwSink) result(n uint64, elapsed time.Duration) result {
	r := result{elapsed: elapsed, items: n, lat: s.lat, extra: map[string]float64{}}
	if s.got > 0 {
		r.extra["ns_per_item"] = float64(elapsed.Nanoseconds()) / float64(s.got)
		r.extra["lat_mean_ns"] = float64(s.sum) / float64(s.got)
	}
	if s.bad != 0 || s.got != n {
		r.err = fmt.Sprintf("%d items generated, %d reached the sink, %d not in order or with a wrong result",
			n, s.got, s.bad)
	}
	return r
}

// pipework: stage 0 generates and works, stages 1..K-1 are goroutines, the
// last also the sink.
func pipework(n uint64, work time.Duration, slow bool, stages int) result {
	chans := make([]chan pwItem, stages-1)
	for k := range chans {
		chans[k] = make(chan pwItem, pipeworkCap)
	}
	sink := &pwSink{lat: make([]int64, 0, n)}
	sunk := make(chan struct{})
	start := time.Now()
	for k := 1; k < stages; k++ {
		go func(k int) {
			for it := range chans[k-1] {
				pwStageWork(work, slow, k, &it)
				if k == stages-1 {
					sink.take(stages, it)
				} else {
					chans[k] <- it
				}
			}
			if k == stages-1 {
				close(sunk)
			} else {
				close(chans[k])
			}
		}(k)
	}
	for i := uint64(0); i < n; i++ {
		it := pwItem{seq: i, tGen: now()}
		pwStageWork(work, slow, 0, &it)
		chans[0] <- it
	}
	close(chans[0])
	<-sunk
	return sink.result(n, time.Since(start))
}

func pipeworkSequential(n uint64, work time.Duration, slow bool, stages int) result {
	sink := &pwSink{lat: make([]int64, 0, n)}
	start := time.Now()
	for i := uint64(0); i < n; i++ {
		it := pwItem{seq: i, tGen: now()}
		for k := 0; k < stages; k++ {
			pwStageWork(work, slow, k, &it)
		}
		sink.take(stages, it)
	}
	return sink.result(n, time.Since(start))
}

// pipeworkBenches: named as contend_bench names them, the pipeline as impl
// "go", the baseline as "go_sequential"; quick: work_ns 1000 only. Stages 4
// only, contend_bench's default (its FULL=1 adds 2 and 8).
func pipeworkBenches(quick bool) []bench {
	var bs []bench
	works, stagesList := []int{0, 1000, 10000}, []int{4}
	if quick {
		works = []int{1000}
	}
	for _, w := range works {
		for _, s := range []int{0, 1} {
			for _, k := range stagesList {
				w, s, k := w, s, k
				d := time.Duration(w) * time.Nanosecond
				bs = append(bs, bench{fmt.Sprintf("chan/pipework/go/work_ns:%d/slow:%d/cap:%d/real_time/threads:%d",
					w, s, pipeworkCap, k), k, func(n uint64) result { return pipework(n, d, s == 1, k) }})
				bs = append(bs, bench{fmt.Sprintf("chan/pipework/go_sequential/work_ns:%d/slow:%d/stages:%d/real_time/threads:1",
					w, s, k), 1, func(n uint64) result { return pipeworkSequential(n, d, s == 1, k) }})
			}
		}
	}
	return bs
}
