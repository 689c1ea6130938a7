// Statistics over the repetitions and the latency samples, as Google
// Benchmark computes its aggregates.

package main

import (
	"math"
	"sort"
)

// percentile: the q-quantile of v, sorted (nearest rank).
func percentile(v []int64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(v)))) - 1
	if i < 0 {
		i = 0
	}
	return float64(v[i])
}

// aggregate: Google Benchmark's mean, median, stddev (sample) and cv of v.
func aggregate(name string, v []float64) float64 {
	m, sd := meanSD(v)
	switch name {
	case "mean":
		return m
	case "median":
		return median(v)
	case "stddev":
		return sd
	}
	if m == 0 {
		return 0
	}
	return sd / m
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func meanSD(v []float64) (float64, float64) {
	var m, q float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	if len(v) < 2 {
		return m, 0
	}
	for _, x := range v {
		q += (x - m) * (x - m)
	}
	return m, math.Sqrt(q / float64(len(v)-1))
}
