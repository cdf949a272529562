package vpsbg_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

// TestEmulatorRefuses checks the emulator is not a pushover: requests the
// real API would refuse are refused with its status and shape.
func TestEmulatorRefuses(t *testing.T) {
	srv := vpsbgtest.New()
	defer srv.Close()
	const write, read = vpsbgtest.DefaultWriteToken, vpsbgtest.DefaultReadToken
	tests := []struct {
		name, method, path, token, accept, ctype, body string
		want                                           int
		wantBody                                       string
	}{
		{"no token", "GET", "/servers", "", "application/json", "", "", 401, "Unauthenticated."},
		{"wrong token", "GET", "/servers", "nope", "application/json", "", "", 401, "Unauthenticated."},
		{"no Accept", "GET", "/servers", write, "", "", "", 406, "<html>"},
		{"html Accept", "GET", "/servers", write, "text/html", "", "", 406, "<html>"},
		{"read token POST", "POST", "/servers/2864/stop", read, "application/json", "application/json", "{}", 403, "unauthorized"},
		{"per_page too big", "GET", "/servers?per_page=100", write, "application/json", "", "", 422, "per page"},
		{"unknown route", "GET", "/nope", write, "application/json", "", "", 404, "could not be found"},
		{"wrong method", "DELETE", "/servers/2864", write, "application/json", "", "", 405, "not supported"},
		{"missing server", "GET", "/servers/999999", write, "application/json", "", "", 404, "No query results"},
		{"form-encoded cancel", "POST", "/servers/2864/cancel", write, "application/json", "application/x-www-form-urlencoded", "reason=x&now=0", 422, "reason field is required"},
		{"cancel without now", "POST", "/servers/2864/cancel", write, "application/json", "application/json", `{"reason":"x"}`, 422, "now field"},
		{"ptr not JSON", "PATCH", "/ip-addresses/416", write, "application/json", "text/plain", "mail.example.com", 422, "ptr field is required"},
		{"ptr string on v6 subnet", "PATCH", "/ip-addresses/418", write, "application/json", "application/json", `{"ptr":"v6.example.com"}`, 422, "object"},
		{"ptr bad hostname", "PATCH", "/ip-addresses/416", write, "application/json", "application/json", `{"ptr":"not a host"}`, 422, "valid hostname"},
		{"reinstall without image", "POST", "/servers/2864/reinstall", write, "application/json", "application/json", `{}`, 422, "image id field is required"},
		{"power with a form body", "POST", "/servers/2864/stop", write, "application/json", "text/plain", "x", 415, "JSON"},
		{"restart a stopped server", "POST", "/servers/27029/restart", write, "application/json", "application/json", "{}", 422, "not running"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want || !strings.Contains(string(b), tc.wantBody) {
				t.Errorf("%s %s: %d %s, want %d containing %q", tc.method, tc.path, resp.StatusCode, b, tc.want, tc.wantBody)
			}
		})
	}
}

// recorder keeps a copy of every request's headers and body.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
	next http.RoundTripper
}

type recorded struct {
	method, path string
	header       http.Header
	body         string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body string
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
		req.Body = io.NopCloser(strings.NewReader(body))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{req.Method, req.URL.Path, req.Header.Clone(), body})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// TestRequestShape: every request carries Accept, the Bearer token and
// the User-Agent; bodies are JSON with the documented fields.
func TestRequestShape(t *testing.T) {
	rec := &recorder{next: http.DefaultTransport}
	d, _ := newDriverWith(t, func(c *vpsbg.Config) { c.HTTPClient = &http.Client{Transport: rec} })
	ctx := t.Context()
	if _, err := d.ListServers(ctx); err != nil {
		t.Fatal(err)
	}
	op, err := d.Power(ctx, vpsbgtest.RunningID, driver.PowerStop)
	if err != nil {
		t.Fatal(err)
	}
	waitOp(t, op)
	if err := d.SetPTR(ctx, vpsbgtest.RunningID, vpsbgtest.RunningIP, "mail.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Destroy(ctx, vpsbgtest.StoppedID); err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{
		"POST /v1/servers/2864/stop":    `{}`,
		"PATCH /v1/ip-addresses/416":    `{"ptr":"mail.example.com"}`,
		"POST /v1/servers/27029/cancel": `{"reason":"Cancelled via vpsops","now":false}`,
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, r := range rec.reqs {
		key := r.method + " " + r.path
		if r.header.Get("Accept") != "application/json" || r.header.Get("Authorization") != "Bearer "+vpsbgtest.DefaultWriteToken ||
			!strings.HasPrefix(r.header.Get("User-Agent"), "vpsops/") {
			t.Errorf("%s: headers %v", key, r.header)
		}
		if want, ok := bodies[key]; ok {
			if r.body != want || r.header.Get("Content-Type") != "application/json" {
				t.Errorf("%s: body %q (%s), want %q as JSON", key, r.body, r.header.Get("Content-Type"), want)
			}
			delete(bodies, key)
		} else if r.method == http.MethodGet && r.body != "" {
			t.Errorf("%s has a body", key)
		}
	}
	for k := range bodies {
		t.Errorf("request %s not sent", k)
	}
}
