package shell

import (
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/testutil"
)

// terminalSession runs an interactive shell whose keyboard is the
// returned pipe (raw bytes, as a terminal in raw mode sends them).
func terminalSession(t *testing.T) (keys *io.PipeWriter, out *testutil.LogBuffer, s *Shell, done <-chan error) {
	t.Helper()
	cfg := config.Default()
	cfg.Database = filepath.Join(t.TempDir(), "vpsops.db")
	cfg.Demo.Speed = 1000
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	in, keys := io.Pipe()
	out = &testutil.LogBuffer{}
	s = &Shell{Runner: a.Runner, Principal: "shell:alice", In: in, Out: out, Interactive: true, Grace: time.Second}
	errc := make(chan error, 1)
	go func() { errc <- s.Run(context.Background()) }()
	t.Cleanup(func() { keys.Close() })
	return keys, out, s, errc
}

// waitFor polls out until it matches re n times (bounded).
func waitFor(t *testing.T, out *testutil.LogBuffer, re string, n int) {
	t.Helper()
	rx := regexp.MustCompile(re)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if len(rx.FindAllString(out.String(), -1)) >= n {
			return
		}
	}
	t.Fatalf("never saw %s %d times in:\n%s", re, n, out.String())
}

// Backspace, the Up arrow and Ctrl-C edit the line instead of reaching
// the parser as control characters; Ctrl-D on an empty line ends.
func TestTerminalLineEditing(t *testing.T) {
	keys, out, _, done := terminalSession(t)
	io.WriteString(keys, "whoamx\x7fi\r") // a typo, Backspace, fixed
	waitFor(t, out, `Roles:`, 1)
	io.WriteString(keys, "\x1b[A\r") // Up: the same command again
	waitFor(t, out, `Roles:`, 2)
	io.WriteString(keys, "frobnicate\x03whoami\r") // Ctrl-C clears the line
	waitFor(t, out, `Roles:`, 3)
	io.WriteString(keys, "\x04") // Ctrl-D
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if s := out.String(); strings.Contains(s, "control character") || strings.Contains(s, "error:") {
		t.Fatalf("editing keys reached the parser:\n%s", s)
	}
}

// A line that may hold a password is not kept for the Up arrow.
func TestTerminalHistorySkipsPasswords(t *testing.T) {
	keys, out, _, done := terminalSession(t)
	io.WriteString(keys, "whoami\r")
	waitFor(t, out, `Roles:`, 1)
	io.WriteString(keys, "reinstall demo-fra/fra-101 debian-12 password=hunter2-hunter2\r")
	waitFor(t, out, `Confirm reinstall`, 1)
	io.WriteString(keys, "cancel\r")
	waitFor(t, out, `Cancelled`, 1)
	io.WriteString(keys, "\x1b[A\x1b[A\r") // two back: whoami, not the reinstall
	waitFor(t, out, `Roles:`, 2)
	keys.Close()
	<-done
}

// Something printed while the user types (a notice from another
// terminal) appears above the prompt, and the half-typed line survives.
func TestTerminalOutputWhileTypingKeepsTheLine(t *testing.T) {
	keys, out, s, done := terminalSession(t)
	io.WriteString(keys, "who")
	waitFor(t, out, `vps> who`, 1)
	s.printf("[r-test1234] delete demo-nyc/nyc-204 was approved by shell:bob\n")
	waitFor(t, out, `approved by shell:bob\r\nvps> who`, 1) // redrawn under it
	io.WriteString(keys, "ami\r")
	waitFor(t, out, `Roles:`, 1)
	keys.Close()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
