package edis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// TestRefusalEchoRedacted: a refusal that echoes the call's secrets — the
// root password of a reinstall, the VNC password, the session's own
// signature (short here, so its shape alone would not give it away) —
// reaches the caller with each of them replaced, whether the refusal
// comes as an HTTP error or as a 200 with "status":"error".
func TestRefusalEchoRedacted(t *testing.T) {
	const rootPW = "Root-Secret-Pw-77"
	calls := []struct {
		name, path string
		echo       []string
		run        func(ctx context.Context, d *edis.Driver) error
	}{
		{"reinstall", "/kvm/v2/set/reinstall", []string{"password", "signature"}, func(ctx context.Context, d *edis.Driver) error {
			_, err := d.Reinstall(ctx, edistest.RunningID, driver.ReinstallOptions{Image: edistest.Image, Password: rootPW})
			return err
		}},
		{"turnkey reinstall", "/kvm/v2/set/turnkey_reinstall", []string{"password", "signature"}, func(ctx context.Context, d *edis.Driver) error {
			_, err := d.Reinstall(ctx, edistest.RunningID, driver.ReinstallOptions{Image: edistest.TurnkeyImg, Password: rootPW})
			return err
		}},
		{"vnc", "/kvm/v2/set/vnc/enable", []string{"vnc_pw", "signature"}, func(ctx context.Context, d *edis.Driver) error {
			_, err := d.Console(ctx, edistest.RunningID)
			return err
		}},
		{"power", pathPower, []string{"signature", "valid_until"}, func(ctx context.Context, d *edis.Driver) error {
			_, err := d.GetServer(ctx, edistest.RunningID)
			return err
		}},
	}
	for _, status := range []int{200, 400, 500} {
		for _, c := range calls {
			t.Run(c.name+"/"+statusName(status), func(t *testing.T) {
				e := newEnv(t, nil, edistest.WithSignatureLength(20))
				e.srv.Inject(edistest.Fault{Path: c.path, Status: status, Echo: c.echo, Times: 1})
				err := c.run(t.Context(), e.d)
				de := driverErr(t, c.name, err)
				want := "rejected: [redacted] [redacted]"
				if c.name == "power" {
					want = "rejected: [redacted] " // valid_until is no secret
				}
				if !strings.Contains(de.Message, want) {
					t.Errorf("message %q lacks %q", de.Message, want)
				}
				for _, s := range append(e.srv.Signatures(), rootPW) {
					if strings.Contains(err.Error(), s) || strings.Contains(e.log.String(), s) {
						t.Errorf("error %q or the log holds secret %q", err, s)
					}
				}
			})
		}
	}
}

func statusName(code int) string {
	return map[int]string{200: "200 status error", 400: "400", 500: "500"}[code]
}

// TestRefusalEchoRedactsPasswordWithWhitespace: a root password holding a
// tab and a double space is cut out of an echoing refusal before the text
// is made one line; collapsing whitespace first changed the password, the
// changed copy no longer matched, and it reached the message and the log.
func TestRefusalEchoRedactsPasswordWithWhitespace(t *testing.T) {
	const rootPW = "Tab\tand  two-Spaces-9"
	e := newEnv(t, nil)
	e.srv.Inject(edistest.Fault{Path: "/kvm/v2/set/reinstall", Status: 400, Echo: []string{"password"}, Times: 1})
	_, err := e.d.Reinstall(t.Context(), edistest.RunningID, driver.ReinstallOptions{Image: edistest.Image, Password: rootPW})
	de := driverErr(t, "reinstall", err)
	if !strings.Contains(de.Message, "[redacted]") {
		t.Errorf("message %q redacts nothing", de.Message)
	}
	for _, leak := range []string{rootPW, "Tab and two-Spaces-9", "two-Spaces-9"} {
		if strings.Contains(err.Error(), leak) || strings.Contains(e.log.String(), leak) {
			t.Errorf("error %q or the log holds the password (as %q)", err, leak)
		}
	}
}
