package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
)

// With Slack configured and no terminal the bot serves Slack headless,
// and checks its token first: Slack that cannot be reached stops the
// start with one line, before any shell. --shell with the same
// configuration runs the shell alone and never calls Slack.
func TestHeadlessStartChecksSlackAndShellRunsAlone(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL + "/api/"
	dead.Close()
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-test-1")
	cfg := writeConfig(t, t.TempDir(), "slack: {bot_token: \"${SLACK_BOT_TOKEN}\", app_token: xapp-test-1, approvals_channel: C1, api_url: \""+deadURL+"\"}\n")
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"--config", cfg}, null, &out, &errOut)
	if code != 2 || strings.Contains(out.String(), "vps>") || !strings.Contains(errOut.String(), "bot: slack: checking the bot token") {
		t.Fatalf("exit %d\nstdout: %q\nstderr: %s", code, out.String(), errOut.String())
	}
	if strings.Contains(errOut.String(), "xoxb-test-1") {
		t.Fatalf("the bot token reached stderr: %s", errOut.String())
	}
	out.Reset()
	errOut.Reset()
	code = run([]string{"--config", cfg, "--shell", "--as", "shell:alice"}, strings.NewReader("whoami\n"), &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "shell:alice") {
		t.Fatalf("--shell: exit %d\nstdout: %q\nstderr: %s", code, out.String(), errOut.String())
	}
}

// The exit status is that of the last command: scripts and cron see a
// failure at the end, and a failure followed by a success is a success.
func TestExitStatusIsTheLastCommands(t *testing.T) {
	cfg := writeConfig(t, t.TempDir(), "")
	for script, want := range map[string]int{
		"whoami\n":                                    0,
		"whoami\nstatus demo-fra/nope-1\n":            1,
		"frobnicate\n":                                1,
		"status demo-fra/nope-1\nwhoami\n":            0,
		"status demo-fra/nope-1\n# a comment\nexit\n": 1,
		"": 0,
	} {
		if _, errOut, code := session(t, cfg, "shell:alice", script); code != want {
			t.Errorf("%q: exit %d, want %d: %s", script, code, want, errOut)
		}
	}
}

// On a terminal a failure is shown once: the shell's error line, not also
// an INFO log record on the same screen. --log-level brings them back.
func TestTerminalShowsAFailureOnce(t *testing.T) {
	stdinIsTerminal = func(io.Reader) bool { return true }
	defer func() { stdinIsTerminal = isTerminalForReal }()
	cfg := writeConfig(t, t.TempDir(), "")
	var out, errOut bytes.Buffer
	code := run([]string{"--config", cfg, "--as", "shell:alice"}, strings.NewReader("status demo-fra/nope-1\r"), &out, &errOut)
	if code != 1 || strings.Count(out.String(), "nope-1") != 2 || errOut.Len() != 0 { // echoed as typed, then the error
		t.Fatalf("exit %d\nstdout: %q\nstderr: %s", code, out.String(), errOut.String())
	}
	errOut.Reset()
	run([]string{"--config", cfg, "--as", "shell:alice", "--log-level", "info"}, strings.NewReader("status demo-fra/nope-1\r"), io.Discard, &errOut)
	if !strings.Contains(errOut.String(), "command failed") {
		t.Fatalf("--log-level info: %s", errOut.String())
	}
}

// After a restart, a bare confirm takes the one request still waiting for
// the user's confirmation, which the start banner listed.
func TestBareConfirmAfterRestart(t *testing.T) {
	cfg := writeConfig(t, t.TempDir(), "")
	session(t, cfg, "shell:alice", "poweroff demo-fra/fra-102\n")
	out, _, code := session(t, cfg, "shell:alice", "confirm\n")
	if code != 0 || !regexp.MustCompile(`waiting for your confirmation: poweroff demo-fra/fra-102 \(web-2, 192.0.2.12\)\. Expires \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC`).MatchString(out) || !strings.Contains(out, "poweroff done") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// Two waiting: it names them rather than guess.
	session(t, cfg, "shell:alice", "poweroff demo-fra/fra-101\nreset demo-fra/fra-103\n")
	out, _, _ = session(t, cfg, "shell:alice", "cancel\n")
	if !strings.Contains(out, "2 requests wait for your confirmation") || strings.Contains(out, "Cancelled") {
		t.Fatalf("two waiting:\n%s", out)
	}
}
