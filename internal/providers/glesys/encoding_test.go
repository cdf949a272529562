package glesys_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// TestEmulatorRejects checks that the emulator refuses what the real API
// would, so the driver's passing tests mean something.
func TestEmulatorRejects(t *testing.T) {
	srv := newEmulator(t)
	type req struct {
		path, contentType, body, accept string
		auth                            bool
	}
	tests := []struct {
		name     string
		r        req
		status   int
		text     string // in status.text
		isXML    bool
		noChange bool // the server must still exist afterwards
	}{
		{"no auth", req{"/server/list", "", "", "application/json", false}, 401, "Unauthorized", false, false},
		{"text/plain body", req{"/server/details", "text/plain", "serverid=kvm3652342", "application/json", true}, 400, "Content-Type", false, false},
		{"bad JSON", req{"/server/details", "application/json", `{"serverid":`, "application/json", true}, 400, "JSON", false, false},
		{"missing serverid", req{"/server/details", "application/json", `{}`, "application/json", true}, 400, "serverid", false, false},
		{"destroy without keepip", req{"/server/destroy", "application/json", `{"serverid":"kvm3652342"}`, "application/json", true}, 400, "keepip", false, true},
		{"bad stop type", req{"/server/stop", "application/json", `{"serverid":"kvm3652342","type":"gentle"}`, "application/json", true}, 400, "type", false, false},
		{"bad PTR", req{"/ip/setptr", "application/json", `{"ipaddress":"203.0.113.121","data":"not a host!"}`, "application/json", true}, 400, "data", false, false},
		{"unknown function", req{"/server/reinstall", "application/json", `{"serverid":"kvm3652342"}`, "application/json", true}, 404, "Unknown function", false, false},
		{"XML without Accept", req{"/server/list", "", "", "", true}, 200, "", true, false},
		{"form body works", req{"/server/details", "application/x-www-form-urlencoded", "serverid=kvm3652342&includestate=yes", "application/json", true}, 200, "OK", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+tc.r.path, strings.NewReader(tc.r.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.r.contentType != "" {
				r.Header.Set("Content-Type", tc.r.contentType)
			}
			if tc.r.accept != "" {
				r.Header.Set("Accept", tc.r.accept)
			}
			if tc.r.auth {
				r.SetBasicAuth(glesystest.Project, glesystest.APIKey)
			}
			resp, err := srv.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("HTTP %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.isXML {
				if !strings.HasPrefix(string(body), "<?xml") {
					t.Errorf("body %q is not XML", body)
				}
				return
			}
			var env struct {
				Response struct {
					Status struct {
						Code int    `json:"code"`
						Text string `json:"text"`
					} `json:"status"`
				} `json:"response"`
			}
			if err := json.Unmarshal(body, &env); err != nil {
				t.Fatalf("not the envelope: %v: %s", err, body)
			}
			if env.Response.Status.Code != tc.status || !strings.Contains(env.Response.Status.Text, tc.text) {
				t.Errorf("status %+v, want code %d text containing %q", env.Response.Status, tc.status, tc.text)
			}
			if _, exists := srv.Running(glesystest.RunningID); tc.noChange && !exists {
				t.Error("a refused destroy destroyed the server")
			}
		})
	}
}
