package policy

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
)

// writeFile writes text to dir/name and returns the path.
func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	// Write to a temporary name and rename, as editors do, so a poller
	// never reads a half-written file.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// withPolicy returns an Enforcer over the default model and the default
// policy plus extra lines, loaded from files in a temporary directory.
func withPolicy(t testing.TB, extra ...string) (*Enforcer, Options) {
	t.Helper()
	dir := t.TempDir()
	o := Options{
		ModelPath:  writeFile(t, dir, "model.conf", vpsops.DefaultModel),
		PolicyPath: writeFile(t, dir, "policy.csv", vpsops.DefaultPolicy+"\n"+strings.Join(extra, "\n")+"\n"),
	}
	e, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e, o
}

// waitFor polls cond until it holds, failing after a generous deadline.
// It is for waiting on another goroutine's progress (Watch polling files),
// not for measuring time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// logBuffer is a concurrency-safe log sink for asserting on log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) contains(s string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Contains(l.buf.String(), s)
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
