package metrics_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/metrics"
)

// openApp opens the real wiring, measured by m, on the SQLite file db
// with the demo fleet running instantly; shell:alice is an admin.
func openApp(t testing.TB, db string, m *metrics.Metrics, o app.Options, change ...func(*config.Config)) *app.App {
	t.Helper()
	policy := filepath.Join(filepath.Dir(db), "policy.csv")
	if err := os.WriteFile(policy, []byte(vpsops.DefaultPolicy+"\ng, shell:alice, admin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Database = db
	cfg.Demo.Speed = 1000
	cfg.Policy.Policy = policy
	for _, c := range change {
		c(cfg)
	}
	o.Metrics = m
	a, err := app.Open(context.Background(), cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func dbPath(t testing.TB) string { return filepath.Join(t.TempDir(), "vpsops.db") }

func shell(user string) commands.Request {
	return commands.Request{Source: "shell", Principal: commands.Principal("shell:" + user), CanConfirm: true}
}

// run runs a chat line as q and returns the result and error.
func run(a *app.App, q commands.Request, line string) (commands.Result, error) {
	return a.Runner.RunText(context.Background(), q, line)
}

// must runs a chat line that must succeed.
func must(t testing.TB, a *app.App, q commands.Request, line string) commands.Result {
	t.Helper()
	res, err := run(a, q, line)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return res
}

// value is the figure of the series name{labels} (label pairs) in m's
// registry, as a scrape would read it: a counter's or gauge's value, a
// histogram's count of observations; 0 for a series not there.
func value(t testing.TB, m *metrics.Metrics, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, s := range mf.GetMetric() {
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
	}
	return 0
}

// labelValues lists the values label takes among the series of name.
func labelValues(t testing.TB, m *metrics.Metrics, name, label string) []string {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var out []string
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, s := range mf.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == label {
					out = append(out, l.GetValue())
				}
			}
		}
	}
	return out
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

// eventually waits until value reaches want: for figures recorded just
// after an answer was sent. The deadline bounds a hang; it measures
// nothing.
func eventually(t testing.TB, m *metrics.Metrics, want float64, name string, labels ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for value(t, m, name, labels...) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s{%s} = %v, want %v", name, strings.Join(labels, ","), value(t, m, name, labels...), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wantValue fails the test unless name{labels} is want.
func wantValue(t testing.TB, m *metrics.Metrics, want float64, name string, labels ...string) {
	t.Helper()
	if got := value(t, m, name, labels...); got != want {
		t.Errorf("%s{%s} = %v, want %v", name, strings.Join(labels, ","), got, want)
	}
}
