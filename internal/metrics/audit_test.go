package metrics_test

import (
	"testing"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/metrics"
	"github.com/vpsops/vpsops/internal/metrics/metricstest"
)

const auditAppend = "vpsops_audit_append_duration_seconds"

// Every audit batch the writer commits is timed.
func TestAuditCommitsAreTimed(t *testing.T) {
	m := metrics.New()
	a := openApp(t, dbPath(t), m, app.Options{})
	before := metricstest.Value(t, m.Registry(), auditAppend)
	// A gated request waits for its two records to be durable: at least
	// one more commit.
	must(t, a, shell("alice"), "poweroff demo-fra/fra-101")
	if after := metricstest.Value(t, m.Registry(), auditAppend); after <= before {
		t.Fatalf("%s counts %v commits after a command, %v before", auditAppend, after, before)
	}
}

// A replica's duties are 1 while held and 0 once lost; the figures of two
// processes (two Metrics) stay apart.
func TestDutiesHeld(t *testing.T) {
	m, other := metrics.New(), metrics.New()
	m.SetDuty("sweeper", true)
	metricstest.Want(t, m.Registry(), 1, "vpsops_duty_held", "duty", "sweeper")
	metricstest.Want(t, other.Registry(), 0, "vpsops_duty_held", "duty", "sweeper")
	m.SetDuty("sweeper", false)
	metricstest.Want(t, m.Registry(), 0, "vpsops_duty_held", "duty", "sweeper")

	var unmeasured *metrics.Metrics
	unmeasured.SetDuty("sweeper", true) // a nil *Metrics measures nothing, and does not panic
}
