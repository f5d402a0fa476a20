package main

import (
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	// 1ms..100ms: the nearest rank of p is p ms.
	var sorted []time.Duration
	for i := 1; i <= 100; i++ {
		sorted = append(sorted, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {90, 90 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0.1, time.Millisecond}} {
		if got := percentile(sorted, c.p); got != c.want {
			t.Errorf("percentile(1..100ms, %v) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(nil) = %v, want 0", got)
	}
	one := []time.Duration{7 * time.Millisecond}
	if got := percentile(one, 1); got != 7*time.Millisecond {
		t.Errorf("percentile of one sample = %v, want 7ms", got)
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	// Unsorted on purpose; 10 samples: p50 is the 5th, p90 the 9th, p99 and max the 10th.
	samples := []time.Duration{
		9 * time.Millisecond, 1 * time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 2 * time.Millisecond,
		5 * time.Millisecond, 4 * time.Millisecond, 8 * time.Millisecond, 1500 * time.Microsecond, 6 * time.Millisecond,
	}
	got := summarize(samples)
	want := Percentiles{Count: 10, P50: 4, P90: 9, P99: 10, Max: 10}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if got := summarize(nil); got != (Percentiles{}) {
		t.Errorf("summarize(nil) = %+v, want zero", got)
	}
}

func TestSummaryPrintAndFailure(t *testing.T) {
	t.Parallel()
	s := Summary{
		Endpoint: "127.0.0.1:1", Instances: 2, Concurrency: 1, DurationSeconds: 2, Requests: 200, Accepted: 190, AcceptedPerSecond: 95,
		Rejected: map[string]int{"LastOrderProcessing": 8}, ServerErrors: 2, FailureRate: 0.01,
	}
	if s.failed() {
		t.Error("1% failures must not fail the run")
	}
	var b strings.Builder
	s.print(&b)
	for _, want := range []string{"accepted           190 (95.0/s)", "rejected           LastOrderProcessing: 8", "5xx 2, no answer 0 (1.00%)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
	s.ServerErrors, s.FailureRate = 3, 0.015
	if !s.failed() {
		t.Error("1.5% failures must fail the run")
	}
}
