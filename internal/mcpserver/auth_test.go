package mcpserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/config"
)

// Two fixed tokens, so that a failure prints the same thing every run.
const (
	laptopToken = "vpsops_mcp_laptop-0123456789abcdefghijklmnopqrstuvwxyzAB"
	ciToken     = "vpsops_mcp_ci-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwv"
)

func testTokens(t *testing.T) *Tokens {
	t.Helper()
	ts, err := NewTokens([]config.MCPToken{
		{Name: "laptop", SHA256: HashToken(laptopToken)},
		{Name: "ci", SHA256: HashToken(ciToken)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

var allReasons = []string{ReasonNoHeader, ReasonManyHeaders, ReasonNotBearer, ReasonEmpty, ReasonMalformed, ReasonUnknown}

func TestRequireBearer(t *testing.T) {
	tests := []struct {
		name      string
		headers   []string // Authorization values; nil = none
		principal string   // "" = refused
		reason    string
		invalid   bool // error="invalid_token" in the challenge
	}{
		{"missing", nil, "", ReasonNoHeader, false},
		{"empty header", []string{""}, "", ReasonNoHeader, false},
		{"wrong scheme", []string{"Basic dXNlcjpwYXNzd29yZA=="}, "", ReasonNotBearer, false},
		{"token without scheme", []string{laptopToken}, "", ReasonNotBearer, false},
		{"other scheme, right token", []string{"Token " + laptopToken}, "", ReasonNotBearer, false},
		{"tab after scheme", []string{"Bearer\t" + laptopToken}, "", ReasonNotBearer, false},
		{"scheme only", []string{"Bearer"}, "", ReasonEmpty, false},
		{"empty token", []string{"Bearer   "}, "", ReasonEmpty, false},
		{"wrong token", []string{"Bearer vpsops_mcp_wrong"}, "", ReasonUnknown, true},
		{"right token cut short", []string{"Bearer " + laptopToken[:len(laptopToken)-1]}, "", ReasonUnknown, true},
		{"right token and more", []string{"Bearer " + laptopToken + "x"}, "", ReasonUnknown, true},
		{"the configured hash is no token", []string{"Bearer " + HashToken(laptopToken)}, "", ReasonUnknown, true},
		{"two words", []string{"Bearer " + laptopToken + " " + ciToken}, "", ReasonMalformed, true},
		{"two headers", []string{"Bearer " + laptopToken, "Bearer " + laptopToken}, "", ReasonManyHeaders, false},
		{"right token, laptop", []string{"Bearer " + laptopToken}, "mcp:laptop", "", false},
		{"right token, ci", []string{"Bearer " + ciToken}, "mcp:ci", "", false},
		{"lower-case bearer", []string{"bearer " + ciToken}, "mcp:ci", "", false},
		{"upper-case bearer, two spaces", []string{"BEARER  " + laptopToken}, "mcp:laptop", "", false},
	}
	tokens := testTokens(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reasons []string
			var reached *http.Request
			h := RequireBearer(tokens, func(r *http.Request, reason string) { reasons = append(reasons, reason) },
				http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = r; w.WriteHeader(http.StatusNoContent) }))
			req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(`{}`))
			for _, v := range tt.headers {
				req.Header.Add("Authorization", v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if tt.principal != "" {
				if rec.Code != http.StatusNoContent || reached == nil || len(reasons) != 0 {
					t.Fatalf("status %d, reached %v, onFail %q; want the request let through", rec.Code, reached != nil, reasons)
				}
				if p, ok := PrincipalFrom(reached.Context()); !ok || p != tt.principal {
					t.Errorf("principal = %q, %v; want %q", p, ok, tt.principal)
				}
				if reached.Header.Get("Authorization") != "" {
					t.Error("the token was handed on to the next handler")
				}
				return
			}
			if rec.Code != http.StatusUnauthorized || reached != nil {
				t.Fatalf("status %d, reached %v; want 401 and next not called", rec.Code, reached != nil)
			}
			challenge := `Bearer realm="vpsops"`
			if tt.invalid {
				challenge += `, error="invalid_token"`
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, challenge)
			}
			body := rec.Body.String()
			if !strings.HasSuffix(body, "}\n") || strings.Count(body, "\n") != 1 || !json.Valid([]byte(body)) {
				t.Errorf("body %q is not one line of JSON", body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if !slices.Equal(reasons, []string{tt.reason}) {
				t.Errorf("onFail reasons = %q, want [%q]", reasons, tt.reason)
			}
			for _, sent := range tt.headers {
				for _, secret := range []string{laptopToken, ciToken, "dXNlcjpwYXNzd29yZA", "wrong"} {
					if strings.Contains(sent, secret) && (strings.Contains(body, secret) || strings.Contains(strings.Join(reasons, " "), secret)) {
						t.Errorf("what the client sent (%q) shows in the body or the reason", secret)
					}
				}
			}
		})
	}
}

// The reasons go to the audit trail as they are: fixed text, no two alike.
func TestReasonsAreFixedText(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range allReasons {
		if r == "" || seen[r] || strings.ContainsAny(r, "\r\n\t") {
			t.Errorf("reason %q is empty, repeated or not one line", r)
		}
		seen[r] = true
	}
}

func TestRequireBearerWithoutOnFail(t *testing.T) {
	h := RequireBearer(testTokens(t), nil, http.NotFoundHandler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/mcp", nil))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", rec.Code)
	}
}

// An authenticated body is read up to MaxBodyBytes and no further.
func TestRequireBearerLimitsBody(t *testing.T) {
	for _, size := range []int{MaxBodyBytes, MaxBodyBytes + 1} {
		var n int64
		var readErr error
		h := RequireBearer(testTokens(t), nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, readErr = io.Copy(io.Discard, r.Body)
		}))
		req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(strings.Repeat("x", size)))
		req.Header.Set("Authorization", "Bearer "+laptopToken)
		h.ServeHTTP(httptest.NewRecorder(), req)
		var tooBig *http.MaxBytesError
		switch {
		case size <= MaxBodyBytes && (readErr != nil || n != int64(size)):
			t.Errorf("body of %d bytes: read %d, %v; want all of it", size, n, readErr)
		case size > MaxBodyBytes && (!errors.As(readErr, &tooBig) || n > MaxBodyBytes):
			t.Errorf("body of %d bytes: read %d, %v; want http.MaxBytesError after %d", size, n, readErr, MaxBodyBytes)
		}
	}
}

// Every configured hash is consulted: each of several tokens, wherever it
// stands in the list, yields its own principal (a loop that stopped early,
// or let a later entry overwrite a match, would fail one of them).
func TestPrincipalConsultsEveryHash(t *testing.T) {
	var cts []config.MCPToken
	var toks []string
	for i := range 5 {
		tok := fmt.Sprintf("vpsops_mcp_token-%d", i)
		toks = append(toks, tok)
		cts = append(cts, config.MCPToken{Name: fmt.Sprintf("t%d", i), SHA256: HashToken(tok)})
	}
	tokens, err := NewTokens(cts)
	if err != nil {
		t.Fatal(err)
	}
	for i, tok := range toks {
		if p, ok := tokens.Principal("Bearer " + tok); !ok || p != fmt.Sprintf("mcp:t%d", i) {
			t.Errorf("token %d: principal %q, %v", i, p, ok)
		}
	}
	if p, ok := tokens.Principal("Bearer vpsops_mcp_token-5"); ok {
		t.Errorf("unconfigured token accepted as %q", p)
	}
	var none *Tokens
	if p, ok := none.Principal("Bearer " + toks[0]); ok {
		t.Errorf("nil Tokens accepted %q", p)
	}
}

func TestNewTokens(t *testing.T) {
	good := HashToken(laptopToken)
	tests := []struct {
		name string
		ts   []config.MCPToken
		want string // "" = accepted
	}{
		{"none", nil, "at least one token"},
		{"upper-case hash", []config.MCPToken{{Name: "a", SHA256: strings.ToUpper(good)}}, ""},
		{"bad name", []config.MCPToken{{Name: "Laptop", SHA256: good}}, "mcp.tokens[0].name"},
		{"empty name", []config.MCPToken{{Name: "", SHA256: good}}, "mcp.tokens[0].name"},
		{"short hash", []config.MCPToken{{Name: "a", SHA256: good[:62]}}, "mcp.tokens[0].sha256"},
		{"not hex", []config.MCPToken{{Name: "a", SHA256: strings.Repeat("z", 64)}}, "mcp.tokens[0].sha256"},
		{"duplicate name", []config.MCPToken{{Name: "a", SHA256: good}, {Name: "a", SHA256: HashToken(ciToken)}}, "mcp.tokens[1].name"},
		{"duplicate token", []config.MCPToken{{Name: "a", SHA256: good}, {Name: "b", SHA256: strings.ToUpper(good)}}, "mcp.tokens[1].sha256"},
	}
	for _, tt := range tests {
		_, err := NewTokens(tt.ts)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one naming %q", tt.name, err, tt.want)
		case err != nil && strings.Contains(strings.ToLower(err.Error()), good[:16]):
			t.Errorf("%s: error quotes the hash: %v", tt.name, err)
		}
	}
}

var tokenRE = regexp.MustCompile(`^vpsops_mcp_[A-Za-z0-9_-]{43}$`)

func TestNewToken(t *testing.T) {
	a, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if !tokenRE.MatchString(a) || !tokenRE.MatchString(b) {
		t.Errorf("tokens %q, %q do not look like %s", a, b, tokenRE)
	}
	if a == b {
		t.Error("two tokens are the same")
	}
	// A fresh token and its hash make a configuration the loader accepts,
	// and a server that accepts the token.
	c := config.Default()
	c.MCP.Tokens = []config.MCPToken{{Name: "new", SHA256: HashToken(a)}}
	if err := c.Validate(); err != nil {
		t.Errorf("config with a new token: %v", err)
	}
	tokens, err := NewTokens(c.MCP.Tokens)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := tokens.Principal("Bearer " + a); !ok || p != "mcp:new" {
		t.Errorf("new token: principal %q, %v", p, ok)
	}
}

func TestHashToken(t *testing.T) {
	// sha256("test"), the hash in config/example.yaml
	if got := HashToken("test"); got != "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" {
		t.Errorf("HashToken(test) = %s", got)
	}
}

func TestPrincipalFromEmptyContext(t *testing.T) {
	if p, ok := PrincipalFrom(httptest.NewRequest(http.MethodGet, "/", nil).Context()); ok {
		t.Errorf("principal %q in a context nobody set", p)
	}
}

func TestHealth(t *testing.T) {
	for _, tt := range []struct {
		method string
		code   int
		body   string
	}{
		{http.MethodGet, 200, "ok\n"},
		{http.MethodHead, 200, ""},
		{http.MethodPost, 405, "method not allowed\n"},
		{http.MethodDelete, 405, "method not allowed\n"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(Health))
		req, _ := http.NewRequest(tt.method, srv.URL+"/healthz", nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if resp.StatusCode != tt.code || string(body) != tt.body {
			t.Errorf("%s: %d %q, want %d %q", tt.method, resp.StatusCode, body, tt.code, tt.body)
		}
		if tt.code == 405 && resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: Allow = %q", tt.method, resp.Header.Get("Allow"))
		}
	}
}

// FuzzPrincipal: no header panics, and one is accepted only when it is
// "Bearer" (any case), spaces, and exactly a configured token, giving that
// token's principal.
func FuzzPrincipal(f *testing.F) {
	for _, s := range []string{"", "Bearer", "Bearer ", "bearer " + laptopToken, "Bearer  " + ciToken, "Bearer " + laptopToken + " ",
		"Basic " + laptopToken, "Bearer\x00" + ciToken, "Bearer " + HashToken(ciToken), "BEARER " + laptopToken[:20]} {
		f.Add(s)
	}
	tokens, err := NewTokens([]config.MCPToken{
		{Name: "laptop", SHA256: HashToken(laptopToken)},
		{Name: "ci", SHA256: HashToken(ciToken)},
	})
	if err != nil {
		f.Fatal(err)
	}
	principals := map[string]string{laptopToken: "mcp:laptop", ciToken: "mcp:ci"}
	f.Fuzz(func(t *testing.T, header string) {
		p, ok := tokens.Principal(header)
		var want string
		for tok, principal := range principals {
			scheme, cut := strings.CutSuffix(header, tok)
			if cut && len(scheme) > len("Bearer") && strings.EqualFold(scheme[:6], "Bearer") && strings.Trim(scheme[6:], " ") == "" {
				want = principal
			}
		}
		if ok != (want != "") || p != want {
			t.Fatalf("Principal(%q) = %q, %v; want %q", header, p, ok, want)
		}
	})
}
