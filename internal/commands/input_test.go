package commands_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// A password typed in the wrong place (a space before "=", where the image
// goes, as a whole line) is refused without being echoed, and reaches
// neither the audit database nor another user's `audit`.
func TestMisplacedPasswordNeverReachesTheAuditTrail(t *testing.T) {
	const pw = "S3cretQz7unique"
	a := newTestApp(t)
	for _, line := range []string{
		"reinstall demo-fra/fra-101 debian-12 password =" + pw,
		"reinstall demo-fra/fra-101 debian-12 password = " + pw,
		"reinstall demo-fra/fra-101 " + pw,         // a valid name: the provider offers no such image
		"reinstall demo-fra/fra-101 " + pw + "!x#", // not even a valid name
		"password=" + pw,
		pw,
		"reinstall " + pw + " debian-12", // typed where the server goes
	} {
		err := a.fail(t, shellReq(alice), line)
		if strings.Contains(commands.PlainError(err), pw) {
			t.Errorf("%q: the error echoes the password: %v", line, err)
		}
	}
	res := a.run(t, shellReq(bob), "audit limit=50")
	if out := commands.Plain(res, false); strings.Contains(out, pw) || !strings.Contains(out, "rejected") {
		t.Fatalf("bob's audit shows the password, or nothing:\n%s", out)
	}
	for _, f := range []string{a.path, a.path + "-wal"} {
		data, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(pw)) {
			t.Fatalf("the password is in %s", f)
		}
	}
}

func TestHelpSuggestsTheNearestCommand(t *testing.T) {
	a := newTestApp(t)
	for line, want := range map[string]string{
		"help snapshto":        "did you mean `help snapshot`?",
		"help rebot":           "did you mean `help reboot`?",
		"help snapshot creat":  "did you mean `help snapshot create`?",
		"help frobnicate":      `no command "frobnicate"; type`,
		"help password hunter": "no such command; type",
	} {
		if err := a.fail(t, shellReq(alice), line); !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", line, err, want)
		}
	}
	res := a.run(t, shellReq(alice), "help iso")
	if out := commands.Plain(res, true); !strings.Contains(out, "iso mount <server> <iso>") {
		t.Fatalf("help iso:\n%s", out)
	}
}

// `approvals pending` filters by the state its own STATE column shows.
func TestApprovalsByState(t *testing.T) {
	a := newTestApp(t)
	res := a.run(t, shellReq(alice), "delete demo-nyc/nyc-204")
	a.run(t, shellReq(alice), "confirm "+res.Pending.ID)
	a.run(t, shellReq(alice), "poweroff demo-fra/fra-102")
	for line, want := range map[string]string{
		"approvals pending":    "delete demo-nyc/nyc-204",
		"approvals confirming": "poweroff demo-fra/fra-102",
	} {
		out := commands.Plain(a.run(t, shellReq(alice), line), true)
		if !strings.Contains(out, "1 request\n") || !strings.Contains(out, want) {
			t.Errorf("%s:\n%s", line, out)
		}
	}
}

// A deny reason reaches the requester's terminal and the audit trail: an
// escape sequence in it, quoted past the parser or sent as JSON over MCP,
// is refused before anything is stored.
func TestFreeTextRefusesTerminalEscapes(t *testing.T) {
	a := newTestApp(t)
	id := a.run(t, shellReq(alice), "delete demo-nyc/nyc-201").Pending.ID
	a.run(t, shellReq(alice), "confirm "+id)
	for _, reason := range []string{"\x1b]0;pwned\x07", "bell\x07", "vt\vff\f", "bidi\u202eevil"} {
		q := shellReq(bob)
		q.Command, q.Args = "deny", map[string]any{"id": id, "reason": reason}
		_, err := a.Runner.Run(context.Background(), q)
		if fault.ClassOf(err) != fault.Invalid || !strings.Contains(err.Error(), "control or invisible character") {
			t.Fatalf("deny reason %q: %v", reason, err)
		}
		_, err = a.Runner.RunText(context.Background(), shellReq(bob), "deny "+id+" \""+reason+"\"")
		if fault.ClassOf(err) != fault.Invalid {
			t.Fatalf("typed deny reason %q: %v", reason, err)
		}
	}
	if req, _ := a.Approvals.Get(context.Background(), id); req.State != approval.Pending {
		t.Fatalf("request is %s after refused denials", req.State)
	}
	for _, f := range []string{a.path, a.path + "-wal"} {
		raw, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("\x1b]0;pwned")) {
			t.Fatalf("an escape sequence reached %s", f)
		}
	}
}
