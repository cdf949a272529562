package config

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse checks that no input panics, that every failure is a *Error,
// that a secret supplied from the environment or a file never appears in an
// error unless the document itself contains that text, and that whatever
// Parse accepts also passes Validate.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(example),
		specExample,
		"",
		"database: ${S_DB:-x.db}\n",
		"providers: [{name: a, type: edis, email: a@b.c, password: ${S_PW}}]",
		"audit: {hmac_key_file: /s}\n",
		"providers:\n  - name: g\n    type: glesys\n    project: ${S_P}\n    api_key_file: /s\n",
		"a: &x [1]\nb: *x\n",
		"aliases: {web: demo-fra/1}\n",
		"approvals: {ttl: ${S_TTL}}\n",
		"slack: {bot_token: '$${S}', app_token: \"${S_A:-xapp-}\"}\n",
		"mcp: {read_only: true, disable_destructive: ${S_B}, state_key_file: /s, http: ':8080'}\n",
	} {
		f.Add([]byte(seed))
	}
	const secret = "Fz-S3cr3t"
	env := func(name string) (string, bool) {
		if strings.HasPrefix(name, "S") {
			return secret + "-env", true
		}
		return "", false
	}
	readFile := func(path string) ([]byte, error) {
		if path == "/s" {
			return []byte(secret + "-file\n"), nil
		}
		return nil, os.ErrNotExist
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data, env, readFile)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("error %v (%T) is not a *Error with problems", err, err)
			}
			if !bytes.Contains(data, []byte(secret)) && strings.Contains(err.Error(), secret) {
				t.Fatalf("error leaks a secret: %v", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Parse accepted a config that Validate rejects: %v", err)
		}
	})
}
