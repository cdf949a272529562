package commands_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/commands"
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
