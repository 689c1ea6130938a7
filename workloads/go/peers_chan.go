// The chan family's peers: its workloads written with Go's own channels
// (seq, spsc, mpsc, mpmc, select_rx, select_both, pingpong, pipeline, batch,
// fanin_shared/forward/select; pipework in peers_pipework.go), each
// verifying what it received, and the list of their benchmarks.

package main

import (
	"fmt"
	"reflect"
	"sync"
	"time"
)

const latEvery = 16

type msg struct {
	id uint64 // producer<<40 | sequence
	ts int64  // send time (ns since start), 0 when not sampled
}

var epoch = time.Now()

func now() int64 { return int64(time.Since(epoch)) } // monotonic

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

// consume until every channel is closed. Two to four channels: one select
// statement, a closed (or missing) channel set to nil (Go's idiom); static
// selects keep reflect.Select (much slower) out of the figures. Go has no
// select statement over a count known at run time only: beyond four
// (select_rx's producers on a machine of more than 2 cores) it is
// reflect.Select, as a Go program would write it.
func consume(chs []chan msg, t *tally, order bool) {
	if len(chs) == 3 {
		chs = append(chs[:3:3], nil) // a nil channel is never ready
	}
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
		forEachSelected(len(chs), func(i int) reflect.Value { return reflect.ValueOf(chs[i]) },
			func(v reflect.Value) { t.take(v.Interface().(msg), order) })
	}
}

// forEachSelected receives with reflect.Select over n channels until every
// one is closed, handing each value to take.
func forEachSelected(n int, ch func(i int) reflect.Value, take func(v reflect.Value)) {
	cases := make([]reflect.SelectCase, n)
	for i := range cases {
		cases[i] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: ch(i)}
	}
	for open := n; open > 0; {
		i, v, ok := reflect.Select(cases)
		if !ok {
			cases[i].Chan = reflect.Value{} // a zero Value: never ready
			open--
			continue
		}
		take(v)
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

// batch: the seeds' Batcher with its bugs fixed, as chan_batch.c: P
// producers, one batcher that processes a batch (batchCost of busy work,
// whatever its size) when it holds size items, when its oldest item has
// waited flush, or when the channel is closed (the tail).
const batchCost = 5 * time.Microsecond // FLUSH_NS of chan_batch.c

func batch(n uint64, size int, flush time.Duration, P int) result {
	ch := make(chan msg, 64)
	t := newTally(P)
	var batches, oversize uint64
	done := make(chan struct{})
	start := time.Now()
	go func() {
		buf := make([]msg, 0, size)
		timer := time.NewTimer(time.Hour)
		stop := func() { // stop the timer and drain a tick that already fired
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		}
		stop()
		process := func() {
			spinFor(batchCost)
			for _, m := range buf {
				t.take(m, true)
			}
			if len(buf) > size {
				oversize++
			}
			batches++
			buf = buf[:0]
		}
		for {
			var due <-chan time.Time
			if len(buf) > 0 {
				due = timer.C
			}
			select {
			case m, ok := <-ch:
				if !ok {
					if len(buf) > 0 {
						process()
					}
					close(done)
					return
				}
				buf = append(buf, m)
				if len(buf) == 1 {
					timer.Reset(flush)
				}
				if len(buf) == size {
					stop()
					process()
				}
			case <-due:
				process()
			}
		}
	}()
	prodDone := make(chan struct{})
	for p := 0; p < P; p++ {
		go func(p int) {
			for i := uint64(0); i < n; i++ {
				ch <- send(p, i)
			}
			prodDone <- struct{}{}
		}(p)
	}
	for p := 0; p < P; p++ {
		<-prodDone
	}
	close(ch)
	<-done
	r := result{elapsed: time.Since(start), items: n * uint64(P), lat: t.lat}
	r.err = verify([]*tally{t}, P, n)
	if r.err == "" && oversize != 0 {
		r.err = fmt.Sprintf("%d batches above size %d", oversize, size)
	}
	if batches != 0 {
		r.extra = map[string]float64{"batches": float64(batches),
			"items_per_batch": float64(r.items) / float64(batches)}
	}
	return r
}

// fanin: one source, W workers doing work on each item (v -> 3v+1), their
// results merged into one sink: through one shared channel ("shared"), a
// forwarder goroutine per worker (the seeds' merge: "forward"), or one
// select over the workers' channels ("select"), as chan_fan.c does. The
// sink checks every item arrived once.
func fanin(n uint64, W int, work time.Duration, kind string) result {
	in, out := make(chan uint64, 64), make(chan uint64, 64)
	mids := make([]chan uint64, W)
	var workers, forwarders sync.WaitGroup
	for w := range mids {
		mids[w] = out
		if kind != "shared" {
			mids[w] = make(chan uint64, 64)
		}
	}
	seen := make([]uint8, n)
	var got, bad uint64
	sunk := make(chan struct{})
	start := time.Now()
	go func() {
		for v := range out {
			if v%3 != 1 || (v-1)/3 >= n {
				bad++
			} else if seen[(v-1)/3] < 2 {
				seen[(v-1)/3]++
			}
			got++
		}
		close(sunk)
	}()
	for w := 0; w < W; w++ {
		workers.Add(1)
		go func(to chan uint64) {
			defer workers.Done()
			for v := range in {
				spinFor(work)
				to <- 3*v + 1
			}
			if kind != "shared" {
				close(to)
			}
		}(mids[w])
	}
	switch kind {
	case "shared":
		go func() { workers.Wait(); close(out) }()
	case "forward":
		for w := 0; w < W; w++ {
			forwarders.Add(1)
			go func(from chan uint64) {
				defer forwarders.Done()
				for v := range from {
					out <- v
				}
			}(mids[w])
		}
		go func() { forwarders.Wait(); close(out) }()
	case "select": // up to 4 workers: a static select, closed inputs set to nil
		if W > 4 { // beyond: reflect.Select (see consume)
			go func() {
				forEachSelected(W, func(i int) reflect.Value { return reflect.ValueOf(mids[i]) },
					func(v reflect.Value) { out <- v.Interface().(uint64) })
				close(out)
			}()
			break
		}
		go func() {
			ins := make([]chan uint64, 4)
			copy(ins, mids)
			open := W
			for open > 0 {
				var v uint64
				var ok bool
				var i int
				select {
				case v, ok = <-ins[0]:
					i = 0
				case v, ok = <-ins[1]:
					i = 1
				case v, ok = <-ins[2]:
					i = 2
				case v, ok = <-ins[3]:
					i = 3
				}
				if !ok {
					ins[i] = nil
					open--
					continue
				}
				out <- v
			}
			close(out)
		}()
	}
	for i := uint64(0); i < n; i++ {
		in <- i
	}
	close(in)
	<-sunk
	r := result{elapsed: time.Since(start), items: got}
	wrong := uint64(0)
	for _, s := range seen {
		if s != 1 {
			wrong++
		}
	}
	if wrong != 0 || bad != 0 || got != n {
		r.err = fmt.Sprintf("%d items sent, %d reached the sink: %d not exactly once, %d not a worker's result",
			n, got, wrong, bad)
	}
	return r
}

// chanBenches: the chan family's benchmarks, named as contend_bench names
// them with impl "go"; quick is the smaller sweep of contend_bench --quick.
func chanBenches(quick bool) []bench {
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
	// the counts of chan_flow.c, chan_fan.c and chan_batch.c (sweep.go)
	q := quickFlag(quick, 0)
	producers := sweepRole(2, 1, q)               // mpsc, select_rx: the cores, 2x; + 1 consumer
	mpmc := sweepThreads(2, q)                    // threads: half produce, the rest consume
	pairs := sweepRole(1, 2, q)                   // select_both: half the cores, the cores
	workers := sweepRole(2, 1, q)                 // fan-in: the cores, 2x
	batchProducers := sweepRole(2, 1, sweepQuick) // the cores, in every sweep
	for _, c := range pick([]int{1, 64, 1024}, []int{64}) {
		c := c
		add("seq", c, 1, func(n uint64) result { return seq(n, c) })
	}
	for _, c := range pick([]int{0, 1, 64, 1024}, []int{0, 64}) {
		c := c
		add("spsc", c, 2, func(n uint64) result { return flow(n, c, 1, 1, "spsc") })
		for _, t := range producers {
			t := t
			add("mpsc", c, t+1, func(n uint64) result { return flow(n, c, t, 1, "mpsc") })
		}
		for _, T := range mpmc {
			P, C := T/2, T-T/2 // as chan_flow.c's roles()
			add("mpmc", c, T, func(n uint64) result { return flow(n, c, P, C, "mpmc") })
		}
	}
	for _, c := range []int{0, 64} {
		c := c
		for _, t := range producers {
			t := t
			add("select_rx", c, t+1, func(n uint64) result { return flow(n, c, t, 1, "select_rx") })
		}
		for _, t := range pairs {
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
	for _, W := range workers {
		for _, k := range []struct {
			kind    string
			threads int
		}{{"shared", W + 2}, {"forward", 2*W + 2}, {"select", W + 3}} {
			W, k := W, k
			bs = append(bs, bench{fmt.Sprintf("chan/fanin_%s/go/work_ns:1000/real_time/threads:%d",
				k.kind, k.threads), k.threads, func(n uint64) result {
				return fanin(n, W, time.Microsecond, k.kind)
			}})
		}
	}
	for _, size := range pick([]int{1, 16, 256}, []int{1, 256}) {
		for _, P := range batchProducers {
			size, flushUs, P := size, 50, P
			bs = append(bs, bench{fmt.Sprintf("chan/batch/go/size:%d/flush_us:%d/real_time/threads:%d",
				size, flushUs, P+1), P + 1, func(n uint64) result {
				return batch(n, size, time.Duration(flushUs)*time.Microsecond, P)
			}})
		}
	}
	return append(bs, pipeworkBenches(quick)...)
}
