// sweep.go: the thread counts every peer sweeps, by the rules of
// harness/ct_sweep.c (ct_bench_sweep_threads, ct_bench_sweep_role), so that
// each peer's names are contend_bench's for the same workload on the same
// machine (the report pairs them by name): the core count is CT_NCPU when
// set, else runtime.NumCPU(); -threads 1,3,16 (scripts/bench.sh passes
// THREADS=) replaces the counts. Read once, in sweepInit, before the peers
// list their benchmarks.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

const (
	sweepMax   = 64   // CT_SWEEP_MAX: the most counts a list gives
	sweepLimit = 1024 // the most threads (and pretend cores) accepted
)

// flags, as ct_bench.h's
const (
	sweepQuick  = 1 << 0 // the first and the last only (a role: the first)
	sweepSparse = 1 << 1 // without the 2x point
)

var (
	sweepNcpu  int
	sweepGiven []int
)

// parseCount: a decimal count 1..sweepLimit, digits only (as ct_sweep.c's
// parse_count: no sign, no blanks), or -1.
func parseCount(s string) int {
	if s == "" || len(s) >= 16 || strings.Trim(s, "0123456789") != "" {
		return -1
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || v > sweepLimit {
		return -1
	}
	return v
}

// sweepInit reads CT_NCPU and the -threads list ("" for the default sweep);
// a bad value is an error of one line.
func sweepInit(threads string, given bool) error {
	if env := os.Getenv("CT_NCPU"); env != "" {
		if sweepNcpu = parseCount(env); sweepNcpu < 0 {
			return fmt.Errorf("CT_NCPU='%s' is not a core count (1..%d)", env, sweepLimit)
		}
	} else {
		sweepNcpu = runtime.NumCPU()
		if sweepNcpu > sweepLimit {
			sweepNcpu = sweepLimit
		}
	}
	sweepGiven = nil
	if !given {
		return nil
	}
	for _, f := range strings.Split(threads, ",") {
		v := parseCount(f)
		if v < 0 || len(sweepGiven) == sweepMax {
			return fmt.Errorf("-threads '%s': want up to %d comma-separated counts, each 1..%d",
				threads, sweepMax, sweepLimit)
		}
		sweepGiven = append(sweepGiven, v)
	}
	return nil
}

// ncpu: the core count the sweeps follow.
func ncpu() int {
	return sweepNcpu
}

// addCount appends v (raised to min) unless it is there already.
func addCount(out []int, v, min int) []int {
	if v < min {
		v = min
	}
	for _, x := range out {
		if x == v {
			return out
		}
	}
	return append(out, v)
}

// givenCounts: the -threads list, each raised to min: it replaces every sweep.
func givenCounts(min int) []int {
	var out []int
	for _, v := range sweepGiven {
		out = addCount(out, v, min)
	}
	return out
}

// sweepThreads: 1, 2, 4, ... up to the core count, then 2x and 4x it (as
// ct_bench_sweep_threads); min raises smaller counts; a list replaces them.
func sweepThreads(min int, flags int) []int {
	var out []int
	if min < 1 {
		min = 1
	}
	if sweepGiven != nil {
		return givenCounts(min)
	}
	n := ncpu()
	var all []int
	for p := 1; p < n; p *= 2 {
		all = append(all, p)
	}
	all = append(all, n)
	if flags&sweepSparse == 0 {
		all = append(all, 2*n)
	}
	all = append(all, 4*n)
	if flags&sweepQuick != 0 {
		all = []int{all[0], all[len(all)-1]}
	}
	for _, v := range all {
		out = addCount(out, v, min)
	}
	return out
}

// sweepRole: the counts of one role (producers, workers, pairs), as
// ct_bench_sweep_role: the core count over divisor, then twice the core
// count over divisor (quick: the first only); min raises; a list replaces.
func sweepRole(min, divisor int, flags int) []int {
	var out []int
	if min < 1 {
		min = 1
	}
	if divisor < 1 {
		divisor = 1
	}
	if sweepGiven != nil {
		return givenCounts(min)
	}
	out = addCount(out, ncpu()/divisor, min)
	if flags&sweepQuick == 0 {
		out = addCount(out, 2*ncpu()/divisor, min)
	}
	return out
}

// quickFlag: sweepQuick for -quick, else flags.
func quickFlag(quick bool, flags int) int {
	if quick {
		return sweepQuick
	}
	return flags
}
