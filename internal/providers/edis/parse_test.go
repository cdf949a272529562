package edis

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

func TestParsePower(t *testing.T) {
	for text, want := range map[string]driver.Status{
		"server powered on":     driver.StatusRunning,
		"server powered off":    driver.StatusStopped,
		"Server is ON":          driver.StatusRunning,
		"reinstall in progress": driver.StatusReinstalling,
		"reinstallation":        driver.StatusReinstalling,
		"shutoff":               driver.StatusStopped,
		"":                      driver.StatusUnknown,
		"online?":               driver.StatusUnknown, // "online" is not the word "on"
	} {
		if got := parsePower(text); got != want {
			t.Errorf("parsePower(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestParseValidUntil(t *testing.T) {
	tests := []struct {
		raw, echo string
		unix      int64
		ok        bool
	}{
		{`1789456123`, "1789456123", 1789456123, true},
		{`"1789456123"`, "1789456123", 1789456123, true},
		{`"2025-01-12T15:30:00Z"`, "2025-01-12T15:30:00Z", 1736695800, true},
		{`"tomorrow"`, "", 0, false},
		{`null`, "", 0, false},
		{`-5`, "", 0, false},
	}
	for _, tc := range tests {
		echo, at, ok := parseValidUntil(json.RawMessage(tc.raw))
		if ok != tc.ok || echo != tc.echo || (ok && at.Unix() != tc.unix) {
			t.Errorf("parseValidUntil(%s) = %q %v %v", tc.raw, echo, at, ok)
		}
	}
}

func TestValidHost(t *testing.T) {
	for h, want := range map[string]bool{
		"7f3a21.edisglobal.com":         true,
		"127.0.0.1:8080":                true,
		"[::1]:443":                     true,
		"":                              false,
		"evil.com/path":                 false,
		"user@evil.com":                 false,
		"evil.com?x=1":                  false,
		"https://7f3a21.edisglobal.com": false,
		"host:99999":                    false,
		"a b":                           false,
	} {
		if got := validHost(h); got != want {
			t.Errorf("validHost(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestRedactTokens(t *testing.T) {
	sig := strings.Repeat("aB3", 17)
	got := redactTokens("sig=" + sig + " short=abc123 end")
	if strings.Contains(got, sig) || !strings.Contains(got, "short=abc123 end") || !strings.Contains(got, "[redacted]") {
		t.Errorf("redactTokens = %q", got)
	}
}

func TestKeywordClass(t *testing.T) {
	tests := []struct {
		msg  string
		c    fault.Class
		busy bool
		auth bool
	}{
		{"invalid signature", fault.Unauthenticated, false, true},
		{"kvm_id is not hosted on this node (migrated)", fault.Unauthenticated, false, true},
		{"another action is in progress", fault.Conflict, true, false},
		{"server is already powered on", fault.Conflict, false, false},
		{"IP 1.2.3.4 does not belong to kvm_1", fault.PermissionDenied, false, false},
		{"product not found", fault.NotFound, false, false},
		{"invalid image", fault.Invalid, false, false},
		{"the moon is wrong", "", false, false},
	}
	for _, tc := range tests {
		c, busy, auth := keywordClass(tc.msg)
		if c != tc.c || busy != tc.busy || auth != tc.auth {
			t.Errorf("keywordClass(%q) = %q %v %v", tc.msg, c, busy, auth)
		}
	}
}

func TestChartSeries(t *testing.T) {
	fields := map[string]json.RawMessage{
		"status": json.RawMessage(`"success"`),
		"b":      json.RawMessage(`"{\"labels\":[1],\"datasets\":[{\"label\":\"Included Traffic [GB]\",\"data\":[\"4000\",null]}]}"`),
		"a":      json.RawMessage(`{"label":"Cumulative Traffic [GB]","data":[1,2.5]}`),
		"junk":   json.RawMessage(`[1,2]`),
	}
	got := chartSeries(fields)
	if len(got) != 2 || got[0].Label != "Cumulative Traffic [GB]" || got[1].Data[0] != 4000 || len(got[1].Data) != 1 {
		t.Fatalf("chartSeries = %+v", got)
	}
	if v, ok := find(got, labelTrafficUsed); !ok || v != 2.5 {
		t.Errorf("find used = %v %v", v, ok)
	}
}

func TestVNCPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		p := vncPassword()
		if len(p) != 8 || strings.Trim(p, vncPasswordAlphabet) != "" {
			t.Fatalf("vncPassword() = %q", p)
		}
		seen[p] = true
	}
	if len(seen) < 99 {
		t.Errorf("only %d distinct passwords of 100", len(seen))
	}
}
