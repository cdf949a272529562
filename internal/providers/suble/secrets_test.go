package suble_test

import (
	"errors"
	"github.com/vpsops/vpsops/internal/testutil"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/suble"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

// TestSecretsStayOut runs a session of calls, failures and faults with
// both credential kinds and debug logging, and checks that no credential
// or console secret shows up in an error, an error chain or the log.
func TestSecretsStayOut(t *testing.T) {
	for _, login := range []bool{false, true} {
		t.Run(map[bool]string{false: "token", true: "login"}[login], func(t *testing.T) {
			srv := newEmu(t, subletest.WithSteps(1))
			var logs testutil.LogBuffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			d := newDriver(t, srv, func(c *suble.Config) {
				c.Logger = logger
				if login {
					withLogin(c)
				}
			})
			p := providers.New("suble", "suble", d, providers.Options{Timeout: 500 * time.Millisecond, Logger: logger})
			ctx := t.Context()
			var errs []error
			note := func(err error) {
				if err != nil {
					errs = append(errs, err)
				}
			}
			const reinstallPW = "Reinstall-Secret-77"
			secrets := []string{subletest.Token, subletest.Password, reinstallPW}

			_, err := p.ListServers(ctx)
			note(err)
			c, err := p.Console(ctx, subletest.RunningID)
			if err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, c.Password, strings.SplitN(c.URL, "ticket=", 2)[1])
			srv.ExpireSessions()
			_, err = p.GetServer(ctx, subletest.RunningID)
			note(err)
			// The API echoing a credential back must not leak it either.
			// (It can only redact what it holds: the token, or the password.)
			held := subletest.Token
			if login {
				held = subletest.Password
			}
			srv.Inject(subletest.Fault{Path: listPath, Status: 400, Body: `{"error":"bad credential ` + held + `"}`, Times: 1})
			_, err = d.ListServers(ctx)
			note(err)
			for _, f := range []subletest.Fault{
				{Status: 401, Times: 1}, {Status: 403, Times: 1}, {Status: 429, RetryAfter: time.Second, Times: 1},
				{Status: 500, Times: 3}, {Status: 200, Body: "{garbage", Times: 3}, {Delay: 2 * time.Second, Times: 1},
			} {
				f.Path = vpsPath(subletest.RunningID, "control")
				srv.Inject(f)
				_, err = p.Power(ctx, subletest.RunningID, driver.PowerStart)
				note(err)
				srv.ClearFaults()
			}
			_, err = p.Reinstall(ctx, subletest.RunningID, driver.ReinstallOptions{Image: "debian-12", Password: reinstallPW})
			note(err)
			_, err = p.Reinstall(ctx, subletest.RunningID, driver.ReinstallOptions{Image: "nope", Password: reinstallPW})
			note(err)
			op, err := p.Reinstall(ctx, subletest.StoppedID, driver.ReinstallOptions{Image: "debian-12", Password: reinstallPW})
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			note(op.Wait(ctx, func(pr driver.Progress) { msgs = append(msgs, pr.Message, pr.Status) }))
			msgs = append(msgs, op.Description)

			bad := subletest.Fault{Path: "/auth/login", Status: 403, Body: `{"error":"Invalid email or password."}`}
			srv.Inject(bad)
			d2 := newDriver(t, srv, withLogin, func(c *suble.Config) { c.Logger = logger })
			_, err = d2.ListServers(ctx)
			note(err)

			if len(errs) < 8 {
				t.Fatalf("only %d errors collected; the session did not fail as planned: %v", len(errs), errs)
			}
			var texts []string
			for _, e := range errs {
				for x := e; x != nil; x = errors.Unwrap(x) {
					texts = append(texts, x.Error())
				}
			}
			texts = append(texts, msgs...)
			texts = append(texts, logs.String())
			for _, s := range secrets {
				for _, txt := range texts {
					if strings.Contains(txt, s) {
						t.Errorf("secret %.6s… appears in %q", s, txt)
					}
				}
			}
			if !strings.Contains(logs.String(), "suble request") {
				t.Error("no debug lines were logged, so the log check proves nothing")
			}
		})
	}
}
