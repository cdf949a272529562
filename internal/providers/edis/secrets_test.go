package edis_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// TestNoSecretsLeak runs a session of calls, failures and faults included,
// with debug logging, and checks that no error and no log line holds the
// password, a signature, the root password or the VNC password.
func TestNoSecretsLeak(t *testing.T) {
	e := newEnv(t, nil, edistest.WithSteps(1))
	const rootPW = "Root-Secret-Pw-77"
	var errs []string
	var vncPW string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err.Error(), driverErr(t, "call", err).Message)
			if de := driverErr(t, "call", err); de.Err != nil {
				errs = append(errs, de.Err.Error())
			}
		}
	}
	ctx := t.Context()
	_, err := e.d.ListServers(ctx)
	note(err)
	_, err = e.d.GetServer(ctx, edistest.MissingID)
	note(err)
	// A provider message echoing the password and a signature-shaped token.
	e.srv.Inject(edistest.Fault{Path: pathPower, Status: 400, Times: 1,
		Body: `{"status":"error","msg":"bad login ` + edistest.Password + ` / ` + url.QueryEscape(edistest.Password) + ` sig ` + strings.Repeat("Zq9", 17) + `"}`})
	_, err = e.d.GetServer(ctx, edistest.RunningID)
	note(err)
	for _, f := range []edistest.Fault{{Status: 401, Times: 2}, {Status: 429, Times: 1}, {Status: 502, Times: 1}, {Status: 200, Body: "{trunc", Times: 1}} {
		f.Path = pathPower
		e.srv.Inject(f)
		_, err = e.d.GetServer(ctx, edistest.RunningID)
		note(err)
	}
	e.srv.RevokeSessions()
	op, err := e.d.Reinstall(ctx, edistest.RunningID, driver.ReinstallOptions{Image: edistest.Image, Password: rootPW})
	note(err)
	if err == nil {
		for _, p := range wait(t, op) {
			errs = append(errs, p.Message)
		}
	}
	_, err = e.d.Reinstall(ctx, edistest.RunningID, driver.ReinstallOptions{Image: "nope", Password: rootPW})
	note(err)
	c, err := e.d.Console(ctx, edistest.RunningID)
	note(err)
	if c != nil {
		vncPW = c.Password
	}
	note(e.d.SetPTR(ctx, edistest.RunningID, "198.18.0.1", "x.example.com"))
	bad, err := edis.New(edis.Config{Email: edistest.Email, Password: "Other+Secret=1", SessionURL: e.srv.URL, APIScheme: "http", HTTPClient: e.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.ListServers(ctx)
	note(err)

	secrets := append([]string{edistest.Password, url.QueryEscape(edistest.Password), rootPW, "Other+Secret=1", strings.Repeat("Zq9", 17)}, e.srv.Signatures()...)
	if vncPW != "" {
		secrets = append(secrets, vncPW)
	}
	if len(e.srv.Signatures()) < 3 {
		t.Fatalf("only %d signatures issued; the session did too little", len(e.srv.Signatures()))
	}
	logs := e.log.String()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("log output contains secret %q", s)
		}
		for _, msg := range errs {
			if strings.Contains(msg, s) {
				t.Errorf("error %q contains secret %q", msg, s)
			}
		}
	}
	if len(errs) < 8 || logs == "" {
		t.Errorf("collected %d errors and %d bytes of logs; the session did too little", len(errs), len(logs))
	}
}
