package app

import (
	"context"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/metrics"
	"github.com/vpsops/vpsops/internal/metrics/metricstest"
	"github.com/vpsops/vpsops/internal/pgtest"
)

// TestTheSweeperDutyIsShownInTheMetrics: on PostgreSQL a serving replica
// campaigns for the sweeper duty, and vpsops_duty_held says it holds it.
func TestTheSweeperDutyIsShownInTheMetrics(t *testing.T) {
	cfg := config.Default()
	cfg.Database = pgtest.URL(t)
	m := metrics.New()
	a, err := Open(context.Background(), cfg, Options{Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	wait := a.Background(ctx, time.Second, nil)
	deadline := time.Now().Add(30 * time.Second)
	for metricstest.Value(t, m.Registry(), "vpsops_duty_held", "duty", SweeperDuty) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the only replica never showed the sweeper duty as held")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	wait()
	if v := metricstest.Value(t, m.Registry(), "vpsops_duty_held", "duty", SweeperDuty); v != 0 {
		t.Fatalf("after stopping, vpsops_duty_held = %v", v)
	}
}
