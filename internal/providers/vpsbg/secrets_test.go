package vpsbg_test

import (
	"github.com/vpsops/vpsops/internal/testutil"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

// TestSecretsStayOut runs a session of calls, failures and faults —
// including provider messages that echo a secret — with debug logging,
// and checks that no token or password reaches an error, a log line, a
// description or a progress message.
func TestSecretsStayOut(t *testing.T) {
	const password = "Root-Pw-7c1d-secret"
	secrets := []string{vpsbgtest.DefaultWriteToken, vpsbgtest.DefaultReadToken, password}
	var logs testutil.LogBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d, srv := newDriverWith(t, func(c *vpsbg.Config) {
		c.ReadToken = vpsbgtest.DefaultReadToken
		c.Logger = logger
	})
	p := providers.New("bg", "vpsbg", d, providers.Options{Timeout: 2 * time.Second, Logger: logger})
	ctx := t.Context()
	var texts []string
	keep := func(err error) {
		if err != nil {
			texts = append(texts, err.Error())
		}
	}
	wait := func(op *driver.Operation, err error) {
		keep(err)
		if op == nil {
			return
		}
		texts = append(texts, op.Description)
		if op.Wait != nil {
			keep(op.Wait(ctx, func(pr driver.Progress) { texts = append(texts, pr.Status, pr.Message) }))
		}
	}

	_, err := p.ListServers(ctx)
	keep(err)
	_, err = p.GetServer(ctx, vpsbgtest.RunningID)
	keep(err)
	// Provider messages echoing secrets.
	srv.Inject(vpsbgtest.Fault{Method: http.MethodPost, Path: detailsPath + "/reinstall", Status: 422, Times: 1,
		Body: `{"message":"The password ` + password + ` is too weak.","errors":{"password":["weak"]}}`})
	wait(p.Reinstall(ctx, vpsbgtest.RunningID, driver.ReinstallOptions{Image: "73", Password: password}))
	srv.Inject(vpsbgtest.Fault{Method: http.MethodGet, Path: detailsPath, Status: 409, Times: 1,
		Body: `{"message":"token ` + vpsbgtest.DefaultReadToken + ` conflicts"}`})
	_, err = d.GetServer(ctx, vpsbgtest.RunningID)
	keep(err)
	// Faults of every kind.
	for _, f := range []vpsbgtest.Fault{
		{Status: 401}, {Status: 403}, {Status: 423}, {Status: 429, RetryAfter: 9 * time.Second},
		{Status: 500}, {Status: 200, Body: "{truncated"}, {Status: 200, Body: "<html>garbage</html>"},
	} {
		f.Method, f.Path, f.Times = http.MethodPost, detailsPath+"/stop", 1
		srv.Inject(f)
		wait(p.Power(ctx, vpsbgtest.RunningID, driver.PowerStop))
	}
	wait(p.Reinstall(ctx, vpsbgtest.RunningID, driver.ReinstallOptions{Image: "81", Password: password}))
	keep(p.SetPTR(ctx, vpsbgtest.RunningID, vpsbgtest.RunningIP, "mail.example.com"))
	wait(p.Destroy(ctx, vpsbgtest.StoppedID))
	srv.Revoke(vpsbgtest.DefaultReadToken)
	_, err = p.ListServers(ctx)
	keep(err)
	_, err = vpsbg.New(vpsbg.Config{Token: "bad token " + password})
	keep(err)

	if len(texts) < 10 {
		t.Fatalf("session produced only %d texts; the test would prove nothing", len(texts))
	}
	all := strings.Join(texts, "\n") + "\n" + logs.String()
	if !strings.Contains(logs.String(), "status=") {
		t.Fatal("no debug request lines were logged")
	}
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("secret %q leaked into errors, descriptions, progress or logs", s[:6]+"…")
		}
	}
	if !strings.Contains(all, "[redacted]") {
		t.Error("the echoed secrets were not redacted (or the faults did not fire)")
	}
}
