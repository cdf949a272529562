package edis_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
)

// rawPost posts body with contentType and returns the status and body.
func rawPost(t testing.TB, c *http.Client, u, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// rawLogin logs in with plain net/http and returns RunningID's fields.
func rawLogin(t testing.TB, srv *edistest.Server) (apiHost string, fields url.Values) {
	t.Helper()
	form := url.Values{"email": {edistest.Email}, "pw": {edistest.Password}}
	code, body := rawPost(t, srv.Client(), srv.URL+edistest.PathAuth, "application/x-www-form-urlencoded", form.Encode())
	if code != 200 {
		t.Fatalf("login: %d %s", code, body)
	}
	var r struct {
		Data map[string]struct {
			APIHost    string `json:"api_host"`
			Signature  string `json:"signature"`
			ValidUntil int64  `json:"valid_until"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	e := r.Data[edistest.RunningID]
	return e.APIHost, url.Values{"signature": {e.Signature}, "kvm_id": {edistest.RunningID},
		"valid_until": {strconv.FormatInt(e.ValidUntil, 10)}}
}

// TestEmulatorRefusesWrongRequests: the emulator is no pushover; requests
// the real API would reject are rejected, with the error envelope.
func TestEmulatorRefusesWrongRequests(t *testing.T) {
	srv := edistest.New()
	defer srv.Close()
	host, good := rawLogin(t, srv)
	api := "http://" + host
	const form = "application/x-www-form-urlencoded"
	with := func(k, v string) string {
		f := url.Values{}
		for key, vs := range good {
			f[key] = vs
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f.Encode()
	}
	jsonBody, _ := json.Marshal(map[string]string{"signature": good.Get("signature"), "kvm_id": edistest.RunningID, "valid_until": good.Get("valid_until")})
	tests := []struct {
		name, url, ctype, body string
		want                   int
	}{
		{"JSON body (the third-party client's mistake)", api + "/kvm/v2/get/power", "application/json", string(jsonBody), 400},
		{"no content type", api + "/kvm/v2/get/power", "", good.Encode(), 400},
		{"missing signature", api + "/kvm/v2/get/power", form, with("signature", ""), 400},
		{"wrong signature", api + "/kvm/v2/get/power", form, with("signature", strings.Repeat("A", 50)), 401},
		{"tampered valid_until", api + "/kvm/v2/get/power", form, with("valid_until", "9999999999"), 401},
		{"signature of another VPS", api + "/kvm/v2/get/power", form, with("kvm_id", edistest.StoppedID), 401},
		{"wrong password", srv.URL + edistest.PathAuth, form, url.Values{"email": {edistest.Email}, "pw": {"S3cret pass"}}.Encode(), 401},
		{"password not URL-encoded", srv.URL + edistest.PathAuth, form, "email=" + edistest.Email + "&pw=" + edistest.Password, 401},
		{"reinstall without /set/", api + "/kvm/v2/reinstall", form, with("image", edistest.Image), 404},
		{"reinstall with unknown image", api + "/kvm/v2/set/reinstall", form, with("image", "debian-1"), 400},
		{"VNC password of 7 characters", api + "/kvm/v2/set/vnc/enable", form, with("vnc_pw", "Ab3dEf7"), 400},
		{"mount with bad force_reset", api + "/kvm/v2/set/mount", form, with("iso", edistest.ISO) + "&force_reset=maybe", 400},
		{"PTR without api_host", srv.URL + "/get/ptr", form, with("ip", `["`+edistest.RunningIP+`"]`), 400},
		{"PTR with a plain ip", srv.URL + "/get/ptr", form, with("ip", edistest.RunningIP) + "&api_host=x", 400},
		{"cancel without type", srv.URL + edistest.PathCancel, form, url.Values{"email": {edistest.Email}, "pw": {edistest.Password}, "kvmid": {edistest.RunningID}}.Encode(), 400},
		{"cancel with kvm_id instead of kvmid", srv.URL + edistest.PathCancel, form, url.Values{"email": {edistest.Email}, "pw": {edistest.Password}, "kvm_id": {edistest.RunningID}, "type": {"Immediate"}}.Encode(), 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := rawPost(t, srv.Client(), tc.url, tc.ctype, tc.body)
			if code != tc.want {
				t.Errorf("status %d (%s), want %d", code, body, tc.want)
			}
			if !strings.Contains(body, `"status":"error"`) {
				t.Errorf("body %s lacks the error envelope", body)
			}
		})
	}
	if v, _ := srv.Snapshot(edistest.RunningID); v.CancelType != "" || v.Image != "cloudinit_debian-bookworm" {
		t.Errorf("a refused request changed the VPS: %+v", v)
	}
	// GET is refused too.
	resp, err := srv.Client().Get(api + "/kvm/v2/get/power?" + good.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
}

// rawLoginB is rawLogin for benchmarks, with the fields form-encoded.
func rawLoginB(b *testing.B, srv *edistest.Server) (string, string) {
	host, f := rawLogin(b, srv)
	return host, f.Encode()
}
