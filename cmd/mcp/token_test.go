package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/mcpserver"
)

var tokenOutput = regexp.MustCompile(`^token \(shown once, store it in your client's configuration\):
  (vpsops_mcp_[A-Za-z0-9_-]{43})
add to vpsops.yaml under mcp.tokens:
(  - \{name: ([a-z0-9_-]+), sha256: ([0-9a-f]{64})\})
$`)

func TestTokenNew(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runToken([]string{"new", "claude-laptop"}, &out, &errOut); code != 0 || errOut.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	m := tokenOutput.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output does not have the documented form:\n%s", out.String())
	}
	token, entry, name, hash := m[1], m[2], m[3], m[4]
	if name != "claude-laptop" {
		t.Errorf("name = %q", name)
	}
	if mcpserver.HashToken(token) != hash {
		t.Errorf("printed hash is not the hash of the printed token")
	}
	// The printed line pasted under mcp.tokens is a configuration that
	// accepts the printed token.
	cfg, err := config.Parse([]byte("mcp:\n  http: 127.0.0.1:8080\n  tokens:\n"+entry+"\n"), func(string) (string, bool) { return "", false }, nil)
	if err != nil {
		t.Fatalf("pasted entry: %v", err)
	}
	tokens, err := mcpserver.NewTokens(cfg.MCP.Tokens)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := tokens.Principal("Bearer " + token); !ok || p != "mcp:claude-laptop" {
		t.Errorf("printed token: principal %q, %v", p, ok)
	}

	var again bytes.Buffer
	runToken([]string{"new", "claude-laptop"}, &again, &errOut)
	if m2 := tokenOutput.FindStringSubmatch(again.String()); m2 == nil || m2[1] == token {
		t.Errorf("a second token is not a fresh one:\n%s", again.String())
	}
}

func TestTokenUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"new"},
		{"list"},
		{"new", "a", "b"},
		{"new", ""},
		{"new", "Laptop"},
		{"new", "-laptop"},
		{"new", "a.b"},
		{"new", "a\x1b[31m"},
		{"new", strings.Repeat("a", 64)},
	} {
		var out, errOut bytes.Buffer
		code := runToken(args, &out, &errOut)
		msg := errOut.String()
		if code != 2 || out.Len() != 0 {
			t.Errorf("%q: exit %d, stdout %q; want 2 and nothing on stdout", args, code, out.String())
		}
		if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") || strings.Contains(msg, "\x1b") {
			t.Errorf("%q: stderr %q is not one clean line", args, msg)
		}
	}
}

func TestTokenHelp(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runToken([]string{"--help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "mcp token new NAME") {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
}
