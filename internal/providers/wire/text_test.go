package wire

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"3": 3 * time.Second, " 7 ": 7 * time.Second, "": 0, "soon": 0, "-2": 0, "0": 0,
		"99999999999999999": 24 * time.Hour,
		now.Add(10 * time.Second).Format(http.TimeFormat): 10 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
	} {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		if got := RetryAfter(h, now); got != want {
			t.Errorf("RetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestCleanText(t *testing.T) {
	upper := func(s string) string { return strings.ReplaceAll(s, "TOKEN", Redacted) }
	cases := []struct {
		name, in string
		secrets  []string
		want     string
	}{
		{"secret with whitespace is redacted before it is normalised",
			"bad password: a\tb  c!", []string{"a\tb  c"}, "bad password: [redacted]!"},
		{"URL-encoded echo", "got pw=a+b%26c", []string{"a b&c"}, "got pw=[redacted]"},
		{"longest first", "key abcdef", []string{"abc", "abcdef"}, "key [redacted]"},
		{"empty secret ignored", "plain", []string{""}, "plain"},
		{"ESC and BEL are not passed on", "boom\x1b]0;owned\x07 done", nil, "boom ]0;owned done"},
		{"bidi override", "a\u202eb", nil, "a b"},
		{"pattern after secrets", "TOKEN and s3cret", []string{"s3cret"}, "[redacted] and [redacted]"},
	}
	for _, c := range cases {
		if got := CleanText(c.in, c.secrets, upper); got != c.want {
			t.Errorf("%s: CleanText(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
	long := CleanText(strings.Repeat("x", 500), nil)
	if len(long) > MaxText+len("…") || !strings.HasSuffix(long, "…") {
		t.Errorf("CleanText kept %d bytes", len(long))
	}
}

func TestValidHostname(t *testing.T) {
	for h, want := range map[string]bool{
		"mail.example.com": true, "Mail.Example.COM.": true, "a-b.c9": true,
		"localhost": false, "": false, "a..b": false, "-a.b": false, "a-.b": false,
		"a_b.c": false, "é.com": false, "a.b\x1b": false,
		strings.Repeat("a", 64) + ".com": false, strings.Repeat("a.", 127) + "com": false,
	} {
		if got := ValidHostname(h); got != want {
			t.Errorf("ValidHostname(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestRedirectedIsNotRetried(t *testing.T) {
	e := Redirected("GleSYS", "server/list", 302)
	if e.Class != fault.Internal || !strings.Contains(e.Message, "HTTP 302") || e.Err != ErrRedirect {
		t.Fatalf("Redirected = %#v", e)
	}
}
