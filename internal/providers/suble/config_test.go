package suble

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestConfigValidation(t *testing.T) {
	const secret = "Very-Secret-Value-1"
	tests := []struct {
		name string
		cfg  Config
		want string // field named in the error; "" for valid
	}{
		{"token", Config{Project: "p1", Token: secret}, ""},
		{"login", Config{Project: "p1", Email: "a@example.com", Password: secret}, ""},
		{"no project", Config{Token: secret}, "Project"},
		{"project with slash", Config{Project: "p1/../x", Token: secret}, "Project"},
		{"no credentials", Config{Project: "p1"}, "Token"},
		{"both", Config{Project: "p1", Token: secret, Email: "a@example.com", Password: secret}, "Token"},
		{"email only", Config{Project: "p1", Email: "a@example.com"}, "Password"},
		{"password only", Config{Project: "p1", Password: secret}, "Email"},
		{"token whitespace", Config{Project: "p1", Token: secret + " x"}, "Token"},
		{"bad product", Config{Project: "p1", Token: secret, Products: []string{"vm 1"}}, "Products[0]"},
		{"ftp base", Config{Project: "p1", Token: secret, BaseURL: "ftp://api.suble.io"}, "BaseURL"},
		{"relative base", Config{Project: "p1", Token: secret, BaseURL: "/api"}, "BaseURL"},
		{"base with user", Config{Project: "p1", Token: secret, BaseURL: "https://u:" + secret + "@api.suble.io"}, "BaseURL"},
		{"plain http to a remote host", Config{Project: "p1", Token: secret, BaseURL: "http://api.suble.io"}, "BaseURL"},
		{"plain http to loopback", Config{Project: "p1", Token: secret, BaseURL: "http://127.0.0.1:8080"}, ""},
		{"base with query", Config{Project: "p1", Token: secret, BaseURL: "https://api.suble.io/?k=" + secret}, "BaseURL"},
		{"project dot-dot", Config{Project: "..", Token: secret}, "Project"},
		{"empty ssh key", Config{Project: "p1", Token: secret, RebuildSSHKeys: []string{""}}, "RebuildSSHKeys[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(tc.cfg)
			if tc.want == "" {
				if err != nil || d == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New accepted %s", tc.name)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s", err, tc.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q contains the secret", err)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	d, err := New(Config{Project: "p1", Token: "t0ken"})
	if err != nil {
		t.Fatal(err)
	}
	if d.base != DefaultBaseURL || d.cfg.PollInterval != DefaultPollInterval || d.cfg.MetadataTTL != DefaultMetadataTTL ||
		d.cfg.HTTPClient == nil || d.cfg.Clock == nil || d.cfg.Logger == nil || !strings.HasPrefix(d.ua, "vpsops/") {
		t.Errorf("defaults not applied: %+v", d.cfg)
	}
}

// TestHTTPClient: the default client has a timeout, and every client the
// driver uses (default or the caller's) refuses redirects without the
// caller's own client being changed.
func TestHTTPClient(t *testing.T) {
	d, err := New(Config{Project: "p1", Token: "t0ken"})
	if err != nil {
		t.Fatal(err)
	}
	if d.cfg.HTTPClient.Timeout != 30*time.Second || d.cfg.HTTPClient.CheckRedirect == nil {
		t.Errorf("default client: timeout %s, redirect check %v", d.cfg.HTTPClient.Timeout, d.cfg.HTTPClient.CheckRedirect != nil)
	}
	own := &http.Client{Timeout: 5 * time.Second}
	d, err = New(Config{Project: "p1", Token: "t0ken", HTTPClient: own})
	if err != nil {
		t.Fatal(err)
	}
	if d.cfg.HTTPClient.Timeout != 5*time.Second || d.cfg.HTTPClient.CheckRedirect == nil || own.CheckRedirect != nil {
		t.Error("the caller's client is not used as a redirect-refusing copy")
	}
}

func TestResetToDelay(t *testing.T) {
	now := mustTime(t, "2026-01-01T00:00:00Z")
	for v, want := range map[string]int64{"30": 30, "1767225660": 60, "-1": -1, "x": -1} {
		got, ok := resetToDelay(v, now)
		if want < 0 {
			if ok {
				t.Errorf("%q accepted", v)
			}
			continue
		}
		if !ok || int64(got.Seconds()) != want {
			t.Errorf("%q → %s, %v; want %ds", v, got, ok, want)
		}
	}
}
