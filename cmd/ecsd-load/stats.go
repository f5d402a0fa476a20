package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"time"
)

// Percentiles summarizes a set of durations, in milliseconds.
type Percentiles struct {
	Count int
	P50   float64
	P90   float64
	P99   float64
	Max   float64
}

// percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of
// sorted: the smallest sample with at least p% of the samples at or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// summarize sorts samples in place and returns their percentiles.
func summarize(samples []time.Duration) Percentiles {
	slices.Sort(samples)
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
	return Percentiles{
		Count: len(samples),
		P50:   ms(percentile(samples, 50)),
		P90:   ms(percentile(samples, 90)),
		P99:   ms(percentile(samples, 99)),
		Max:   ms(percentile(samples, 100)),
	}
}

// Summary is the result of a run; --json prints it as is.
type Summary struct {
	Endpoint    string
	Instances   int
	Accounts    int
	Concurrency int
	// DurationSeconds is how long changes were sent.
	DurationSeconds float64
	// Requests counts ModifyPrepayInstanceSpec calls.
	Requests          int
	Accepted          int
	AcceptedPerSecond float64
	// Rejected counts answered errors by code (5xx codes too).
	Rejected map[string]int
	// ServerErrors are 5xx answers; TransportErrors are calls that got no
	// answer. Both count as failures.
	ServerErrors    int
	TransportErrors int
	FailureRate     float64
	RequestLatency  Percentiles
	// TimeToApplied runs from the accepted answer to the first
	// DescribeInstances poll that shows the new InstanceType.
	TimeToApplied Percentiles
	// Unapplied are accepted changes no poll saw applied before the drain
	// timeout.
	Unapplied int
	// Polls are the DescribeInstances calls that watch changes; the
	// time-to-applied error is at most PollIntervalMs plus a poll's latency.
	Polls          int
	PollErrors     int
	PollIntervalMs float64
	PollLatency    Percentiles
	// Fleet is set when the run had a --preload fleet.
	Fleet *FleetSummary `json:",omitempty"`
}

// failed reports whether too many calls failed (more than 1% 5xx or no answer).
func (s *Summary) failed() bool { return s.FailureRate > 0.01 }

func (s *Summary) print(w io.Writer) {
	p := func(name string, x Percentiles) {
		fmt.Fprintf(w, "%-18s n=%d p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms\n", name, x.Count, x.P50, x.P90, x.P99, x.Max)
	}
	fmt.Fprintf(w, "endpoint           %s (%d instances of %d accounts, concurrency %d)\n", s.Endpoint, s.Instances, s.Accounts, s.Concurrency)
	fmt.Fprintf(w, "duration           %.1fs\n", s.DurationSeconds)
	fmt.Fprintf(w, "requests           %d\n", s.Requests)
	fmt.Fprintf(w, "accepted           %d (%.1f/s)\n", s.Accepted, s.AcceptedPerSecond)
	if len(s.Rejected) == 0 {
		fmt.Fprintf(w, "rejected           none\n")
	}
	for _, code := range slices.Sorted(maps.Keys(s.Rejected)) {
		fmt.Fprintf(w, "rejected           %s: %d\n", code, s.Rejected[code])
	}
	fmt.Fprintf(w, "failures           5xx %d, no answer %d (%.2f%%)\n", s.ServerErrors, s.TransportErrors, 100*s.FailureRate)
	p("request latency", s.RequestLatency)
	p("time to applied", s.TimeToApplied)
	fmt.Fprintf(w, "unapplied          %d\n", s.Unapplied)
	fmt.Fprintf(w, "polls              %d (errors %d, one per %.1fms per batch)\n", s.Polls, s.PollErrors, s.PollIntervalMs)
	p("poll latency", s.PollLatency)
	if f := s.Fleet; f != nil {
		fmt.Fprintf(w, "fleet              %d instances of %d accounts, preloaded in %.1fs (%.0f/s), settled %.1fs later\n", f.Instances, f.Accounts, f.PreloadSeconds, f.PreloadPerSecond, f.SettleSeconds)
		fmt.Fprintf(w, "fleet reads        %.1f/s\n", f.ReadsPerSecond)
		for _, kind := range slices.Sorted(maps.Keys(f.Calls)) {
			p(kind, f.Calls[kind])
		}
		for _, kind := range slices.Sorted(maps.Keys(f.Errors)) {
			fmt.Fprintf(w, "fleet errors       %s: %d\n", kind, f.Errors[kind])
		}
	}
}
