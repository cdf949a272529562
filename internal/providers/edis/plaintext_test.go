package edis_test

import (
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// TestPlainTextReinstall: set/reinstall answering 200 with the plain
// message the reference shows is an accepted reinstall: the Operation
// runs to the end and the VPS gets the image; a debug line says the body
// was not JSON (without quoting it).
func TestPlainTextReinstall(t *testing.T) {
	e := newEnv(t, nil, edistest.WithSteps(1), edistest.WithPlainTextReinstall())
	op, err := e.d.Reinstall(t.Context(), edistest.RunningID, driver.ReinstallOptions{Image: edistest.Image, Password: "Pw-123456"})
	if err != nil {
		t.Fatalf("Reinstall: %v", err)
	}
	wait(t, op)
	if v, _ := e.srv.Snapshot(edistest.RunningID); v.Image != edistest.Image || !v.On {
		t.Errorf("after the reinstall: image %q on %v", v.Image, v.On)
	}
	logs := e.log.String()
	if !strings.Contains(logs, "not JSON") || strings.Contains(logs, "usually finishes") {
		t.Errorf("log %q: want a debug line about the non-JSON body, not the body", logs)
	}
}

// TestNonJSONAnswers: only a mutation's 2xx plain text counts as
// accepted; an HTML page, broken JSON, or plain text to a read is still a
// malformed response.
func TestNonJSONAnswers(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		fault  edistest.Fault
		accept bool
	}{
		{"mutation plain text", "/kvm/v2/set/poweron", edistest.Fault{Status: 200, Body: "Server is being started.", Header: map[string][]string{"Content-Type": {"text/plain"}}}, true},
		{"mutation empty 204", "/kvm/v2/set/poweron", edistest.Fault{Status: 204, Body: " "}, true},
		{"mutation HTML", "/kvm/v2/set/poweron", edistest.Fault{Status: 200, Body: "<html>maintenance</html>"}, false},
		{"mutation truncated JSON", "/kvm/v2/set/poweron", edistest.Fault{Status: 200, Body: `{"status":"succ`}, false},
		{"read plain text", pathPower, edistest.Fault{Status: 200, Body: "server powered off"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			tc.fault.Path, tc.fault.Times = tc.path, 1
			e.srv.Inject(tc.fault)
			var err error
			if tc.path == pathPower {
				_, err = e.d.GetServer(t.Context(), edistest.StoppedID)
			} else {
				_, err = e.d.Power(t.Context(), edistest.StoppedID, driver.PowerStart)
			}
			if tc.accept && err != nil {
				t.Errorf("got %v, want accepted", err)
			}
			if !tc.accept {
				if de := driverErr(t, tc.name, err); de.Class != fault.Unavailable || !strings.Contains(de.Message, "malformed") {
					t.Errorf("got %v (%s), want unavailable malformed response", err, de.Class)
				}
			}
		})
	}
}
