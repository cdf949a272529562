package config

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// envOf returns an env lookup over m.
func envOf(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// filesOf returns a readFile over m; other paths do not exist.
func filesOf(m map[string]string) func(string) ([]byte, error) {
	return func(path string) ([]byte, error) {
		if v, ok := m[path]; ok {
			return []byte(v), nil
		}
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
}

// mustParse parses doc and fails the test on error.
func mustParse(t *testing.T, doc string, env map[string]string) *Config {
	t.Helper()
	cfg, err := Parse([]byte(doc), envOf(env), filesOf(nil))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

// problemsOf returns the FieldErrors inside err, failing unless err is a *Error.
func problemsOf(t *testing.T, err error) []*FieldError {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *config.Error", err, err)
	}
	return ce.Problems
}

// wantProblem fails unless err holds a problem at key whose message
// contains substr; it returns that problem.
func wantProblem(t *testing.T, err error, key, substr string) *FieldError {
	t.Helper()
	if err == nil {
		t.Fatalf("want a problem at %q (%q), got no error", key, substr)
	}
	for _, p := range problemsOf(t, err) {
		if p.Key == key && strings.Contains(p.Error(), substr) {
			return p
		}
	}
	t.Fatalf("want a problem at %q containing %q, got:\n%v", key, substr, err)
	return nil
}
