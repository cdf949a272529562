package cyberpanel_test

import (
	"context"
	"github.com/vpsops/vpsops/internal/testutil"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// TestSecretsStayOut runs a session of calls, failures and faults with
// debug logging and checks that neither the API key nor the console URL
// shows up in a log line or an error.
func TestSecretsStayOut(t *testing.T) {
	srv := newEmu(t, cyberpaneltest.WithPowerPolls(1))
	var logs testutil.LogBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := newDriver(t, srv, func(c *cyberpanel.Config) { c.Logger = logger })
	p := providers.New("cp", "cyberpanel", d, providers.Options{Logger: logger, Timeout: 2 * time.Second})
	ctx := t.Context()
	var errs []string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	wait := func(op *driver.Operation, err error) {
		note(err)
		if err == nil {
			note(op.Wait(ctx, func(driver.Progress) {}))
		}
	}

	_, err := p.ListServers(ctx)
	note(err)
	_, err = p.GetServer(ctx, "45")
	note(err)
	wait(p.Power(ctx, "45", driver.PowerStop))
	wait(p.CreateSnapshot(ctx, "45", "before_upgrade"))
	c, err := p.Console(ctx, "45")
	note(err)
	if c == nil || c.URL == "" {
		t.Fatal("no console URL to look for")
	}
	// Faults, one of which echoes the key in its message.
	srv.Inject(cyberpaneltest.Fault{Path: "/vps/45", Status: 401, Code: "INVALID_API_KEY", Times: 1})
	_, err = p.GetServer(ctx, "45")
	note(err)
	srv.Inject(cyberpaneltest.Fault{Path: "/vps/45", Status: 400, Code: "WEIRD",
		Message: "key " + cyberpaneltest.APIKey + " is odd", Times: 1})
	_, err = p.GetServer(ctx, "45")
	note(err)
	srv.Inject(cyberpaneltest.Fault{Path: "/vps/45", Status: 200, Body: "{garbage " + cyberpaneltest.APIKey, Times: 1})
	_, err = d.GetServer(ctx, "45")
	note(err)
	srv.Inject(cyberpaneltest.Fault{Path: "/vps/45/console", Status: 500, Code: "CONSOLE_FAILED", Times: 1})
	_, err = p.Console(ctx, "45")
	note(err)
	srv.Inject(cyberpaneltest.Fault{Path: "/vps/45/snapshots", Delay: time.Second})
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err = d.Snapshots(short, "45")
	cancel()
	note(err)
	srv.ClearFaults()
	wait(p.Destroy(ctx, "46"))
	srv.Inject(cyberpaneltest.Fault{Path: "/vps/45/start", Status: 429, Code: "RATE_LIMIT_EXCEEDED", RetryAfter: time.Minute, Times: 1})
	_, err = p.Power(ctx, "45", driver.PowerStart)
	note(err)
	_, err = cyberpanel.New(cyberpanel.Config{APIKey: "cyp_live_not a key " + cyberpaneltest.APIKey})
	note(err)
	_, err = cyberpanel.New(cyberpanel.Config{APIKey: cyberpaneltest.APIKey, BaseURL: "https://user:" + cyberpaneltest.APIKey + "@x/?q"})
	note(err)

	if len(errs) < 8 {
		t.Fatalf("only %d errors collected; the session did not exercise the failures", len(errs))
	}
	all := strings.Join(errs, "\n") + "\n" + logs.String()
	if !strings.Contains(logs.String(), "/vps/45/console") {
		t.Fatal("debug log lacks the requests; the check below would prove nothing")
	}
	for name, secret := range map[string]string{"API key": cyberpaneltest.APIKey, "key body": cyberpaneltest.APIKey[9:],
		"console URL": c.URL, "console query": "console=kvm"} {
		if strings.Contains(all, secret) {
			t.Errorf("%s appears in errors or logs:\n%s", name, all)
		}
	}
}
