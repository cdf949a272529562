package metrics_test

import (
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/metrics"
	"github.com/vpsops/vpsops/internal/metrics/metricstest"
)

const commandsTotal = "vpsops_commands_total"

// Every way a command ends is counted once, by its registry name: user
// text never becomes a label.
func TestCommandsAreCountedByHowTheyEnded(t *testing.T) {
	m := metrics.New()
	a := openApp(t, dbPath(t), m, app.Options{})
	alice := shell("alice")

	must(t, a, alice, "status demo-fra/fra-101")
	must(t, a, alice, "reboot demo-fra/fra-101")
	if _, err := run(a, alice, "frobnicate the-secret-word"); err == nil {
		t.Fatal("an unknown command ran")
	}
	if _, err := run(a, alice, "status"); err == nil {
		t.Fatal("status without a server ran")
	}
	if _, err := a.Runner.Run(context.Background(), commands.Request{Source: "mcp", Principal: "mcp:agent",
		Command: "delete", Args: map[string]any{"server": "demo-fra/fra-101"}}); err == nil {
		t.Fatal("an agent deleted a server")
	}
	asked := must(t, a, alice, "poweroff demo-fra/fra-102").Pending
	if asked == nil {
		t.Fatal("poweroff did not stop at the confirm gate")
	}
	if _, err := a.Runner.Confirm(context.Background(), alice, asked.ID); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		command, outcome string
		want             float64
	}{
		{"status", commands.OutcomeOK, 1},
		{"reboot", commands.OutcomeOK, 1},
		{commands.UnknownCommand, commands.OutcomeRejected, 1},
		{"status", commands.OutcomeRejected, 1},
		{"delete", commands.OutcomeDenied, 1},
		{"poweroff", commands.OutcomeNeedsConfirm, 1},
		{"confirm", commands.OutcomeOK, 1},
		{"poweroff", commands.OutcomeOK, 1},
	} {
		metricstest.Want(t, m.Registry(), c.want, commandsTotal, "command", c.command, "outcome", c.outcome)
	}
	if n := testutil.CollectAndCount(m.Registry(), commandsTotal); n != 8 {
		t.Errorf("%d series of %s, want the 8 above", n, commandsTotal)
	}
	for _, v := range metricstest.LabelValues(t, m.Registry(), commandsTotal, "command") {
		if strings.Contains(v, "frobnicate") {
			t.Errorf("a word the user typed became a label: %q", v)
		}
	}
}
