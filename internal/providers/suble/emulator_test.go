package suble_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
)

// TestEmulatorRefuses checks that the emulator rejects what the real API
// would, with the documented envelope, so driver tests against it mean
// something.
func TestEmulatorRefuses(t *testing.T) {
	control := vpsPath(subletest.StoppedID, "control")
	tests := []struct {
		name              string
		method, path      string
		auth, perm, ctype string
		body              string
		wantStatus        int
		wantError         string
	}{
		{"no token", "GET", vpsPath(subletest.RunningID, "status"), "", "READ_VPS", "", "", 401, "Unauthorized"},
		{"bad token", "GET", listPath, "Bearer nope", "", "", "", 401, "Unauthorized"},
		{"apikey scheme", "GET", listPath, "apikey " + subletest.Token, "", "", "", 401, "Unauthorized"},
		{"missing permission", "GET", vpsPath(subletest.RunningID, "status"), "Bearer " + subletest.Token, "", "", "", 403, "Insufficient permissions to access this resource"},
		{"wrong permission", "POST", control, "Bearer " + subletest.Token, "READ_VPS", "application/json", `{"action":"start"}`, 403, "Insufficient permissions to access this resource"},
		{"form body", "POST", control, "Bearer " + subletest.Token, "VPS_CONTROL", "application/x-www-form-urlencoded", "action=start", 400, ""},
		{"no action", "POST", control, "Bearer " + subletest.Token, "VPS_CONTROL", "application/json", `{}`, 400, "Invalid action"},
		{"bad action", "POST", control, "Bearer " + subletest.Token, "VPS_CONTROL", "application/json", `{"action":"reset"}`, 400, "Invalid action"},
		{"broken json", "POST", control, "Bearer " + subletest.Token, "VPS_CONTROL", "application/json", `{"action":`, 400, ""},
		{"rebuild without version", "POST", vpsPath(subletest.StoppedID, "rebuild"), "Bearer " + subletest.Token, "VPS_DELETE", "application/json", `{"os":"debian"}`, 400, ""},
		{"rebuild unknown os", "POST", vpsPath(subletest.StoppedID, "rebuild"), "Bearer " + subletest.Token, "VPS_DELETE", "application/json", `{"os":"debian","version":"9"}`, 400, ""},
		{"rebuild running", "POST", vpsPath(subletest.RunningID, "rebuild"), "Bearer " + subletest.Token, "VPS_DELETE", "application/json", `{"os":"debian","version":"12"}`, 400, "Error, the vps must be offline to rebuild."},
		{"rebuild with control permission", "POST", vpsPath(subletest.StoppedID, "rebuild"), "Bearer " + subletest.Token, "VPS_CONTROL", "application/json", `{"os":"debian","version":"12"}`, 403, ""},
		{"status by POST", "POST", vpsPath(subletest.RunningID, "status"), "Bearer " + subletest.Token, "READ_VPS", "", "", 405, ""},
		{"other project", "GET", "/projects/prj_other/products", "Bearer " + subletest.Token, "", "", "", 404, "Project not found"},
		{"login bad password", "POST", "/auth/login", "", "", "application/json", `{"email":"` + subletest.Email + `","password":"x"}`, 403, "Invalid email or password."},
		{"login as form", "POST", "/auth/login", "", "", "application/x-www-form-urlencoded", "email=a&password=b", 400, ""},
		{"refresh unknown", "POST", "/auth/refresh", "", "", "application/json", `{"refresh_token":"eyJ.x"}`, 401, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newEmu(t)
			req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range map[string]string{"Authorization": tc.auth, "Permission": tc.perm, "Content-Type": tc.ctype} {
				if v != "" {
					req.Header.Set(k, v)
				}
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var env struct {
				Error string `json:"error"`
			}
			if resp.StatusCode != tc.wantStatus || json.Unmarshal(raw, &env) != nil || env.Error == "" ||
				tc.wantError != "" && env.Error != tc.wantError {
				t.Errorf("got %d %s, want %d {\"error\":%q}", resp.StatusCode, raw, tc.wantStatus, tc.wantError)
			}
		})
	}
}

// TestEmulatorTransitions: an action takes the configured polls.
func TestEmulatorTransitions(t *testing.T) {
	srv := newEmu(t, subletest.WithSteps(2))
	get := func() string {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+vpsPath(subletest.StoppedID, "status"), nil)
		req.Header.Set("Authorization", "Bearer "+subletest.Token)
		req.Header.Set("Permission", "READ_VPS")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var st struct{ Status string }
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
		return st.Status
	}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+vpsPath(subletest.StoppedID, "control"), strings.NewReader(`{"action":"start"}`))
	req.Header.Set("Authorization", "Bearer "+subletest.Token)
	req.Header.Set("Permission", "VPS_CONTROL")
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("start: HTTP %d", resp.StatusCode)
	}
	if got := []string{get(), get(), get()}; got[0] != "stopped" || got[1] != "running" || got[2] != "running" {
		t.Errorf("statuses after start: %v, want stopped then running", got)
	}
}
