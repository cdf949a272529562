// Package metricstest reads figures from a Prometheus registry the way a
// scrape would, for tests that drive real code paths and then check what
// an operator would see.
package metricstest

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Value is the figure of the series name{labels} (label pairs; series
// with further labels match too) gathered from g: a counter's or
// gauge's value, a histogram's count of observations, 0 for a series not
// there.
func Value(t testing.TB, g prometheus.Gatherer, name string, labels ...string) float64 {
	t.Helper()
	for _, s := range series(t, g, name) {
		if !hasLabels(s, labels) {
			continue
		}
		switch {
		case s.Counter != nil:
			return s.Counter.GetValue()
		case s.Gauge != nil:
			return s.Gauge.GetValue()
		case s.Histogram != nil:
			return float64(s.Histogram.GetSampleCount())
		}
	}
	return 0
}

// Want fails the test unless name{labels} is want.
func Want(t testing.TB, g prometheus.Gatherer, want float64, name string, labels ...string) {
	t.Helper()
	if got := Value(t, g, name, labels...); got != want {
		t.Errorf("%s{%s} = %v, want %v", name, strings.Join(labels, ","), got, want)
	}
}

// Eventually waits until name{labels} is want: for figures recorded just
// after an answer was sent, which the test may see first. The deadline
// bounds a hang; it measures nothing.
func Eventually(t testing.TB, g prometheus.Gatherer, want float64, name string, labels ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for Value(t, g, name, labels...) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s{%s} = %v, want %v", name, strings.Join(labels, ","), Value(t, g, name, labels...), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// LabelValues lists the values label takes among the series of name.
func LabelValues(t testing.TB, g prometheus.Gatherer, name, label string) []string {
	t.Helper()
	var out []string
	for _, s := range series(t, g, name) {
		for _, l := range s.GetLabel() {
			if l.GetName() == label {
				out = append(out, l.GetValue())
			}
		}
	}
	return out
}

func series(t testing.TB, g prometheus.Gatherer, name string) []*dto.Metric {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()
		}
	}
	return nil
}

func hasLabels(s *dto.Metric, pairs []string) bool {
	have := map[string]string{}
	for _, l := range s.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if have[pairs[i]] != pairs[i+1] {
			return false
		}
	}
	return true
}
