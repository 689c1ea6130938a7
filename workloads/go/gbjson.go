// Google Benchmark's JSON, as contend_bench writes it: a context block and a
// benchmarks array of per-repetition runs and mean/median/stddev/cv
// aggregates, so scripts/report.py and compare.py read it as they read ours.

package main

import (
	"encoding/json"
	"os"
	"runtime"
	"time"
)

type entry map[string]interface{}

// newDoc: the document with its context block; benchmarks are added later.
func newDoc(family string, quick bool) entry {
	host, _ := os.Hostname()
	return entry{
		"context": entry{
			"date": time.Now().Format(time.RFC3339), "host_name": host, "executable": os.Args[0],
			"num_cpus": runtime.NumCPU(), "library_build_type": "release", "ct_family": family,
			"ct_impl": "go", "go_version": runtime.Version(), "gomaxprocs": runtime.GOMAXPROCS(0),
			"ct_quick": map[bool]string{true: "1", false: "0"}[quick],
		},
	}
}

// iteration: the entry of repetition k of benchmark b (family index fi), a
// run of n iterations; perItem names its ns-per-item counter. r.lat must be
// sorted.
func iteration(b bench, fi, k, reps int, n uint64, r result, perItem string) entry {
	e := entry{
		"name": b.name, "family_index": fi, "per_family_instance_index": 0,
		"run_name": b.name, "run_type": "iteration", "repetitions": reps,
		"repetition_index": k, "threads": b.threads, "iterations": n,
		"real_time": float64(r.elapsed.Nanoseconds()) / float64(n), "cpu_time": 0.0,
		"time_unit": "ns", "items_per_second": float64(r.items) / r.elapsed.Seconds(),
		perItem: float64(r.elapsed.Nanoseconds()) / float64(r.items), "budget_hit": 0,
	}
	if len(r.lat) > 0 {
		e["lat_p50_ns"], e["lat_p99_ns"] = percentile(r.lat, 0.5), percentile(r.lat, 0.99)
		e["lat_p999_ns"], e["lat_samples"] = percentile(r.lat, 0.999), len(r.lat)
	}
	for k, v := range r.extra {
		e[k] = v
	}
	if r.err != "" {
		e["error_occurred"], e["error_message"] = true, r.err
	}
	return e
}

// aggregates: the mean, median, stddev and cv entries of benchmark b over
// its repetitions' ns per item (the counter perItem, as in iteration) and
// items per second.
func aggregates(b bench, fi, reps int, nsPer, ips []float64, perItem string) []entry {
	var list []entry
	for _, agg := range []string{"mean", "median", "stddev", "cv"} {
		list = append(list, entry{
			"name": b.name + "_" + agg, "family_index": fi, "per_family_instance_index": 0,
			"run_name": b.name, "run_type": "aggregate", "repetitions": reps,
			"threads": b.threads, "aggregate_name": agg, "time_unit": "ns",
			perItem: aggregate(agg, nsPer), "items_per_second": aggregate(agg, ips),
		})
	}
	return list
}

// writeJSON writes doc, indented, to the file out, or to stdout if out is "".
func writeJSON(out string, doc entry) error {
	w := os.Stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
