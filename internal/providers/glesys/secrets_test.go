package glesys_test

import (
	"encoding/base64"
	"github.com/vpsops/vpsops/internal/testutil"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// TestSecretsStayOut runs a session of calls, failures and faults with
// debug logging, and checks that no secret shows up in a log line or an
// error: not the API key (also when the endpoint echoes it back), not the
// Authorization header, not a wrong key, not console URLs and passwords.
func TestSecretsStayOut(t *testing.T) {
	const wrongKey = "wrong-secret-key-31337"
	srv := newEmulator(t)
	var logs testutil.LogBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := newDriver(t, srv, func(c *glesys.Config) { c.Logger = logger })
	p := providers.New("glesys", "glesys", d, providers.Options{Logger: logger, Timeout: 2 * time.Second})
	ctx := t.Context()

	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var secrets []string
	_, err := p.ListServers(ctx)
	keep(err)
	_, err = p.GetServer(ctx, glesystest.MissingID)
	keep(err)
	for _, id := range []string{glesystest.RunningID, glesystest.LegacyID} {
		c, err := p.Console(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, c.URL, c.Password)
	}
	op, err := p.Power(ctx, glesystest.RunningID, driver.PowerStop)
	keep(err)
	if op != nil {
		keep(op.Wait(ctx, func(driver.Progress) {}))
	}
	keep(p.SetPTR(ctx, glesystest.RunningID, glesystest.RunningIPv4, "bad host!"))

	// An endpoint that echoes the key in its error text, in every class.
	for _, status := range []int{400, 401, 403, 404, 429, 500} {
		srv.Inject(glesystest.Fault{Path: "/server/details", Status: status, Times: 3, // outlast the wrapper's read retries
			Message: "rejected key " + glesystest.APIKey + " for " + glesystest.Project})
		_, err = p.GetServer(ctx, glesystest.RunningID)
		keep(err)
		srv.ClearFaults()
		if err == nil || status != 404 && !strings.Contains(err.Error(), "[redacted]") { // 404 is reworded without the text
			t.Errorf("status %d: error %v does not show the echoed key redacted", status, err)
		}
	}
	srv.Inject(glesystest.Fault{Path: "/server/list", Status: 200, Body: "garbage " + glesystest.APIKey, Times: 3})
	_, err = p.ListServers(ctx)
	keep(err)

	// A wrong key, and a config error with a key set.
	bad := newDriver(t, srv, func(c *glesys.Config) { c.APIKey, c.Logger = wrongKey, logger })
	_, err = providers.New("glesys", "glesys", bad, providers.Options{Logger: logger}).ListServers(ctx)
	keep(err)
	_, err = glesys.New(glesys.Config{Project: "cl1", APIKey: wrongKey, BaseURL: "http://example.com"})
	keep(err)

	if len(errs) < 10 {
		t.Fatalf("the session produced only %d errors; it is not exercising the failure paths", len(errs))
	}
	log := logs.String()
	if !strings.Contains(log, "glesys call") {
		t.Fatal("no debug log lines were written; the test would prove nothing")
	}
	secrets = append(secrets, glesystest.APIKey, wrongKey,
		base64.StdEncoding.EncodeToString([]byte(glesystest.Project+":"+glesystest.APIKey)))
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if strings.Contains(log, s) {
			t.Errorf("log contains secret %q", s)
		}
		for _, err := range errs {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error %q contains secret %q", err, s)
			}
		}
	}
	if strings.Contains(log, "Authorization") {
		t.Error("log mentions the Authorization header")
	}
}
