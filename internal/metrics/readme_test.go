package metrics_test

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/metrics"
)

type noRequests struct{}

func (noRequests) Count(context.Context, ...approval.State) (map[approval.State]int, error) {
	return map[approval.State]int{}, nil
}

// The README's metrics table names every vpsops_ metric a process
// exports, and nothing else.
func TestREADMEMetricsTable(t *testing.T) {
	m := metrics.New()
	if err := m.CountApprovals(noRequests{}); err != nil {
		t.Fatal(err)
	}
	m.CommandFinished("status", "ok")
	m.ProviderCall("demo-fra", "get server", "", time.Millisecond)
	m.AuditCommitted(1, time.Millisecond)
	m.SetDuty("poster", true)
	m.ChatAck("slack", "command", time.Millisecond)
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var exported []string
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "vpsops_") {
			exported = append(exported, mf.GetName())
		}
	}
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, row := range regexp.MustCompile("(?m)^\\| `(vpsops_[a-z_]+)` \\|").FindAllStringSubmatch(string(data), -1) {
		documented = append(documented, row[1])
	}
	slices.Sort(exported)
	slices.Sort(documented)
	if !slices.Equal(exported, documented) {
		t.Fatalf("README metrics table lists %v, a process exports %v", documented, exported)
	}
}
