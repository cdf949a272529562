package main

import (
	"bytes"
	"fmt"
	"github.com/vpsops/vpsops/internal/testutil"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
)

// writeConfig writes a config for a fresh database with an instant demo fleet.
func writeConfig(t *testing.T, dir, extra string) string {
	t.Helper()
	path := filepath.Join(dir, "vpsops.yaml")
	cfg := fmt.Sprintf("database: %s\ndemo: {speed: 1000}\n%s", filepath.Join(dir, "vpsops.db"), extra)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// session runs the bot as principal with script on stdin and returns
// stdout, stderr and the exit status.
func session(t *testing.T, cfg, principal, script string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run([]string{"--config", cfg, "--as", principal}, strings.NewReader(script), &out, &errOut)
	return out.String(), errOut.String(), code
}

var reRequestID = regexp.MustCompile(`request (r-[a-z0-9]+)\)`)

// TestScriptedSessionCoversEveryCommand pipes a script through the real
// start-up path. Every declared command must appear in it, so a new
// command cannot ship without being driven end to end here.
func TestScriptedSessionCoversEveryCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	export := filepath.Join(dir, "audit.jsonl")
	alice := `# alice's session: everything she can do alone
help
help reinstall
whoami
providers
list
list demo-fra status=running
status demo-fra/fra-101
start demo-fra/fra-104
stop demo-fra/fra-104
reboot demo-fra/fra-101
poweroff demo-fra/fra-102
confirm
reset demo-fra/fra-102
cancel
images demo-fra/fra-101
reinstall demo-fra/fra-101 debian-12 password='correct horse battery'
confirm
console demo-fra/fra-101
login demo-fra/fra-104
isos demo-fra/fra-101
iso mount demo-fra/fra-101 systemrescue-11
iso unmount demo-fra/fra-101
ptr demo-fra/fra-101
ptr set demo-fra/fra-101 192.0.2.11 web1.example.com
ptr reset demo-fra/fra-101 192.0.2.11
snapshots demo-fra/fra-101
snapshot create demo-fra/fra-101 before-upgrade
delete demo-nyc/nyc-204
confirm
delete demo-fra/fra-103
confirm
approvals
audit limit=5
audit server=demo-fra/fra-101
audit verify
audit export ` + export + `
exit
`
	out, errOut, code := session(t, cfg, "shell:alice", alice)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if strings.Contains(out, "error:") {
		t.Fatalf("the script hit an error:\n%s", out)
	}
	for _, want := range []string{
		"vpsops commands", "reinstall <server> <image>", "demo-owner", "Demo (FRA)", "demo-fra/fra-101",
		"start done", "stop done", "reboot done", "poweroff done", "Cancelled reset", "debian-12",
		"reinstalled with debian-12", "Only you can see", "Password:", "Initial login of demo-fra/fra-104", "systemrescue-11", "mounted",
		"unmounted", "PTR of 192.0.2.11 set to web1.example.com", "reset", "Snapshot before-upgrade",
		"Approval needed: delete demo-nyc/nyc-204", "demo-fra/fra-103 deleted", "Audit trail intact", "Exported",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out, "correct horse battery") {
		t.Error("the password the user typed was echoed back")
	}
	// Every declared command is exercised by this session or bob's below.
	bobScript := "approvals\napproval %[1]s\napprove %[1]s\ndeny %[1]s too late\n"
	script := alice + bobScript
	reg := commands.Builtin()
	for _, c := range reg.All() {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(c.Name) + `\b`).MatchString(script) {
			t.Errorf("command %q is not exercised by the scripted session", c.Name)
		}
	}

	// bob, in a second session on the same database, approves alice's
	// demo-nyc delete; his deny afterwards finds it already decided.
	ids := reRequestID.FindAllStringSubmatch(out, -1)
	var nycID string
	for _, m := range ids {
		if strings.Contains(out, "Approval needed: delete demo-nyc/nyc-204 (request "+m[1]+")") {
			nycID = m[1]
		}
	}
	if nycID == "" {
		t.Fatalf("no approval request id in:\n%s", out)
	}
	out, errOut, code = session(t, cfg, "shell:bob", fmt.Sprintf(bobScript, nycID))
	if code != 1 { // his last command, the late deny, failed
		t.Fatalf("bob: exit %d, want 1: %s", code, errOut)
	}
	for _, want := range []string{nycID, "shell:alice", "demo-nyc/nyc-204 deleted", "already succeeded"} {
		if !strings.Contains(out, want) {
			t.Errorf("bob's output lacks %q:\n%s", want, out)
		}
	}

	data, err := os.ReadFile(export)
	if err != nil || bytes.Count(data, []byte("\n")) < 40 {
		t.Fatalf("export: %d lines, %v", bytes.Count(data, []byte("\n")), err)
	}
	db, _ := os.ReadFile(filepath.Join(dir, "vpsops.db"))
	wal, _ := os.ReadFile(filepath.Join(dir, "vpsops.db-wal"))
	if bytes.Contains(append(db, wal...), []byte("correct horse battery")) || bytes.Contains(data, []byte("correct horse battery")) {
		t.Fatal("the reinstall password reached the database or the export")
	}
}

// TestTwoTerminals runs alice's and bob's sessions at the same time on
// one database, as two terminals would: alice asks, bob approves, and
// alice's terminal is told the outcome.
func TestTwoTerminals(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	aliceIn, aliceW := io.Pipe()
	var aliceOut testutil.LogBuffer
	done := make(chan int)
	go func() { done <- run([]string{"--config", cfg, "--as", "shell:alice"}, aliceIn, &aliceOut, io.Discard) }()

	fmt.Fprintln(aliceW, "delete demo-nyc/nyc-202")
	id := waitFor(t, &aliceOut, reRequestID)
	fmt.Fprintln(aliceW, "confirm")
	waitFor(t, &aliceOut, regexp.MustCompile(`Approval needed`))

	out, _, code := session(t, cfg, "shell:bob", "approve "+id+"\n")
	if code != 0 || !strings.Contains(out, "demo-nyc/nyc-202 deleted") {
		t.Fatalf("bob: %d %s", code, out)
	}
	waitFor(t, &aliceOut, regexp.MustCompile(`\[`+id+`\] delete demo-nyc/nyc-202 was approved by shell:bob and succeeded`))
	aliceW.Close()
	if code := <-done; code != 0 {
		t.Fatalf("alice exited %d", code)
	}
}

func TestBadConfigExitsTwoNamingTheKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	os.WriteFile(path, []byte("database: x.db\nproviders:\n  - {name: g, type: glesys, project: cl1, api_key: SUPERSECRETKEY}\n  - {name: g, type: demo}\napprovals: {ttl: -5m}\n"), 0o600)
	var out, errOut bytes.Buffer
	code := run([]string{"--config", path}, strings.NewReader(""), &out, &errOut)
	if code != 2 {
		t.Fatalf("exit %d, want 2; stderr %s", code, errOut.String())
	}
	msg := errOut.String()
	for _, want := range []string{"providers[1].name", "approvals.ttl"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not name %s: %s", want, msg)
		}
	}
	if strings.Contains(msg, "SUPERSECRETKEY") {
		t.Fatal("the error shows a secret")
	}
	if code := run([]string{"--config", filepath.Join(dir, "missing.yaml")}, strings.NewReader(""), io.Discard, io.Discard); code != 2 {
		t.Fatalf("missing config: exit %d", code)
	}
	if code := run([]string{"--bogus"}, strings.NewReader(""), io.Discard, io.Discard); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
	if code := run([]string{"--as", "mcp:x"}, strings.NewReader(""), io.Discard, io.Discard); code != 2 {
		t.Fatalf("--as mcp: exit %d", code)
	}
}

func TestVersionAndHelp(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"--version"}, nil, &out, io.Discard); code != 0 || !strings.HasPrefix(out.String(), "vpsops bot ") {
		t.Fatalf("--version: %d %q", code, out.String())
	}
	var errOut bytes.Buffer
	if code := run([]string{"--help"}, nil, io.Discard, &errOut); code != 0 || !strings.Contains(errOut.String(), "-as string") {
		t.Fatalf("--help: %d %q", code, errOut.String())
	}
}

// waitFor polls out until re matches (bounded), returning the first group.
func waitFor(t *testing.T, out *testutil.LogBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			if len(m) > 1 {
				return m[len(m)-1]
			}
			return m[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("never saw %s in:\n%s", re, out.String())
	return ""
}

// A line far over the limit is refused with one line and the session goes
// on (it used to end the bot with "token too long").
func TestOversizedLineIsRefusedNotFatal(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	script := "status " + strings.Repeat("x", 200*1024) + "\nwhoami\naudit limit=5\n"
	out, errOut, code := session(t, cfg, "shell:alice", script)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "error: input too long") || !strings.Contains(out, "Roles:") || !strings.Contains(out, "rejected") {
		t.Fatalf("output:\n%.2000s", out)
	}
	// The shell cuts the line just past the limit; the error must not
	// state that cut length as the line's.
	if strings.Contains(out, "2049") {
		t.Fatalf("the error reports the cut length:\n%.2000s", out)
	}
}

// Adding audit.hmac_key to a database whose chain began without one is
// refused at start, naming the setting, instead of failing every later
// action that needs an audit record.
func TestAuditKeyChangeFailsAtStart(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	if _, errOut, code := session(t, cfg, "shell:alice", "whoami\n"); code != 0 {
		t.Fatalf("first start: %d %s", code, errOut)
	}
	t.Setenv("AUDIT_KEY", "0123456789abcdef0123456789abcdef")
	keyed := writeConfig(t, dir, "audit: {hmac_key: \"${AUDIT_KEY}\"}\n")
	_, errOut, code := session(t, keyed, "shell:alice", "whoami\n")
	if code != 1 || !strings.Contains(errOut, "audit.hmac_key") || strings.Contains(errOut, "0123456789abcdef0123456789abcdef") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// Configuration problems found at start (policy files, a provider URL)
// end with one clear message and exit status 2, never a panic.
func TestStartFailuresAreClear(t *testing.T) {
	dir := t.TempDir()
	badPolicy := filepath.Join(dir, "bad.csv")
	os.WriteFile(badPolicy, []byte("p, viewer, *, server.teleport\n"), 0o600)
	t.Setenv("GLESYS_KEY", "k-123456")
	for name, tt := range map[string]struct{ extra, want string }{
		"missing policy": {"policy: {policy: " + filepath.Join(dir, "nope.csv") + "}\n", "nope.csv"},
		"bad policy":     {"policy: {policy: " + badPolicy + "}\n", "server.teleport"},
		"plain http API": {"providers:\n  - {name: g, type: glesys, project: cl1, api_key: \"${GLESYS_KEY}\", base_url: \"http://api.example.com\"}\n", "providers[0].base_url"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := writeConfig(t, t.TempDir(), tt.extra)
			_, errOut, code := session(t, cfg, "shell:alice", "whoami\n")
			if code != 2 || !strings.Contains(errOut, tt.want) || strings.Contains(errOut, "panic") {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if strings.Contains(errOut, "k-123456") {
				t.Fatal("a secret reached the error")
			}
		})
	}
}

// A session that starts while a request waits for its user says so: the
// second terminal of the demo sees alice's pending delete at once.
func TestSessionStartShowsWaitingRequests(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	out, _, _ := session(t, cfg, "shell:alice", "delete demo-nyc/nyc-204\nconfirm\nreboot demo-fra/fra-101\npoweroff demo-fra/fra-102\n")
	id := reRequestID.FindStringSubmatch(out)[1]
	out, _, code := session(t, cfg, "shell:bob", "")
	if code != 0 || !strings.Contains(out, "["+id+"] shell:alice asks to delete demo-nyc/nyc-204") || strings.Contains(out, "poweroff") {
		t.Fatalf("bob's start:\n%s", out)
	}
	out, _, _ = session(t, cfg, "shell:alice", "")
	if !strings.Contains(out, "waiting for your confirmation: poweroff demo-fra/fra-102") {
		t.Fatalf("alice's start:\n%s", out)
	}
}

// A bare confirm with two requests open names them instead of guessing.
func TestBareConfirmWithTwoOpenAsks(t *testing.T) {
	cfg := writeConfig(t, t.TempDir(), "")
	out, _, _ := session(t, cfg, "shell:alice", "poweroff demo-fra/fra-101\nreset demo-fra/fra-102\nconfirm\ncancel\n")
	if !strings.Contains(out, "2 requests wait for your confirmation") || strings.Contains(out, "reset done") || strings.Contains(out, "poweroff done") {
		t.Fatalf("output:\n%s", out)
	}
	out, _, _ = session(t, cfg, "shell:alice", "reboot demo-fra/fra-103\npoweroff demo-fra/fra-103\nconfirm\n")
	if !strings.Contains(out, "poweroff done") {
		t.Fatalf("one open request: %s", out)
	}
}
