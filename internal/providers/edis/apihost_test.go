package edis_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/edis"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// listedIDs lists the servers and returns their ids.
func listedIDs(t *testing.T, d *edis.Driver) []string {
	t.Helper()
	list, err := d.ListServers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

// TestAPIHostFromEDISSession: with EDIS's own session host, a VPS whose
// api_host or api_rdns is not an EDIS host (or is an IP) is skipped, so no
// signature is ever sent there. The driver keeps its default URLs and
// https; a transport carries the requests to the emulator.
func TestAPIHostFromEDISSession(t *testing.T) {
	tests := []struct {
		api, rdns string
		ok        bool
	}{
		{"7f3a21.edisglobal.com", "dns-api.edisglobal.com", true},
		{"node1.edis.at:443", "dns-api.edis.at", true},
		{"7F3A21.EdisGlobal.COM.", "DNS-API.edisglobal.com", true},
		{"edisglobal.com.evil.example", "dns-api.edisglobal.com", false},
		{"eviledisglobal.com", "dns-api.edisglobal.com", false},
		{"7f3a21.edisglobal.com", "dns-api.evil.example", false},
		{"127.0.0.1:8080", "dns-api.edisglobal.com", false},
		{"169.254.169.254", "dns-api.edisglobal.com", false},
		{"[fe80::1]:443", "dns-api.edisglobal.com", false},
		{"185.203.118.1", "dns-api.edisglobal.com", false},
	}
	for _, tc := range tests {
		t.Run(tc.api+"|"+tc.rdns, func(t *testing.T) {
			srv := edistest.New()
			t.Cleanup(srv.Close)
			srv.SetLoginHosts(edistest.RunningID, tc.api, tc.rdns)
			e := newEnvOn(t, srv, func(c *edis.Config) {
				c.SessionURL, c.OrderURL, c.APIScheme = edis.DefaultSessionURL, edis.DefaultOrderURL, "https"
				c.HTTPClient = &http.Client{Transport: &testTransport{base: srv.Client().Transport, to: hostPort(srv.URL)}}
			})
			ids := listedIDs(t, e.d)
			if got := slices.Contains(ids, edistest.RunningID); got != tc.ok {
				t.Errorf("listed %v; %s accepted = %v, want %v", ids, edistest.RunningID, got, tc.ok)
			}
			if len(ids) != 0 && !tc.ok {
				t.Errorf("the emulator's 127.0.0.1 hosts were accepted for %v", ids)
			}
			if !tc.ok && !strings.Contains(e.log.String(), "not an acceptable EDIS host") {
				t.Errorf("no warning about the skipped VPS in %q", e.log.String())
			}
		})
	}
}

// TestAPIHostFromCustomSession: with a custom session host (here the
// emulator) any well-formed host is accepted, except link-local,
// unspecified and multicast addresses.
func TestAPIHostFromCustomSession(t *testing.T) {
	for _, h := range []string{"169.254.169.254:80", "[fe80::1]:80", "[::ffff:169.254.169.254]:80", "0.0.0.0:80", "[::]:80", "224.0.0.1:80", "[ff02::1]:80"} {
		t.Run(h, func(t *testing.T) {
			srv := edistest.New()
			t.Cleanup(srv.Close)
			srv.SetLoginHosts(edistest.RunningID, h, "")
			srv.SetLoginHosts(edistest.StoppedID, "", h)
			e := newEnvOn(t, srv, nil)
			if ids := listedIDs(t, e.d); !slices.Equal(ids, []string{edistest.SuspendedID}) {
				t.Errorf("listed %v, want only %s", ids, edistest.SuspendedID)
			}
		})
	}
}
