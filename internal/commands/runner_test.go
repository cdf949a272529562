package commands_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
)

const alice, bob, carol = "shell:alice", "shell:bob", "discord:1234567890"

func TestReadCommandIsAuditedTwice(t *testing.T) {
	a := newTestApp(t)
	res := a.run(t, shellReq(alice), "status demo-fra/fra-101")
	contains(t, res.Title, "demo-fra/fra-101")
	if res.Data == nil || len(res.Fields) == 0 {
		t.Fatalf("status returned no fields or data: %+v", res)
	}
	if got := a.stages(t, ""); strings.Join(got, ",") != "requested,executed" {
		t.Fatalf("stages = %v", got)
	}
	rec := a.lastRecord(t)
	if rec.Outcome != "ok" || rec.Target != "demo-fra/fra-101" || rec.Principal != alice || rec.Source != "shell" || rec.Rule == "" {
		t.Fatalf("executed record = %+v", rec)
	}
}

func TestBadInputIsRejectedAndAudited(t *testing.T) {
	a := newTestApp(t)
	for _, tt := range []struct{ line, want, usage string }{
		{"frobnicate", "unknown command", ""},
		{"reboot", "missing server", "reboot <server>"},
		{"status demo-fra/../../etc", "not a server reference", "status <server>"},
		{"ptr set demo-fra/fra-101 999.1.1.1 a.example.com", "not an IP address", "ptr set <server> <ip> <hostname>"},
		{"ptr set demo-fra/fra-101 192.0.2.1 not_a_host", "not a fully qualified hostname", "ptr set <server> <ip> <hostname>"},
		{"ptr set demo-fra/fra-101 192.0.2.1 bad_label.example.com", "not a valid hostname", "ptr set <server> <ip> <hostname>"},
		{"reinstall demo-fra/fra-101 debian-12 password=short", "at least 8", "reinstall <server> <image> [password=<pw>]"},
		{"status nosuch/fra-101", "nosuch", ""},
		{"status " + strings.Repeat("x", 300), "too long", "status <server>"},
	} {
		err := a.fail(t, shellReq(alice), tt.line)
		contains(t, err.Error(), tt.want)
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error is not one line: %q", tt.line, err)
		}
		if u := commands.UsageOf(err); u != tt.usage {
			t.Errorf("%q: usage %q, want %q", tt.line, u, tt.usage)
		}
		if rec := a.lastRecord(t); rec.Stage != "rejected" || rec.Principal != alice {
			t.Errorf("%q: last audit record %+v, want a rejection", tt.line, rec)
		}
	}
}

func TestDenyByDefault(t *testing.T) {
	a := newTestApp(t)
	err := a.fail(t, shellReq(carol), "status demo-fra/fra-101")
	if fault.ClassOf(err) != fault.PermissionDenied {
		t.Fatalf("class %s: %v", fault.ClassOf(err), err)
	}
	rec := a.lastRecord(t)
	if rec.Stage != "denied" || rec.Rule == "" || rec.ErrorClass != "permission_denied" {
		t.Fatalf("record = %+v", rec)
	}
	// list spans servers: refused outright for someone with no grant at all.
	if err := a.fail(t, shellReq(carol), "list"); fault.ClassOf(err) != fault.PermissionDenied {
		t.Fatalf("list: %v", err)
	}
}

func TestDestructiveNeedsConfirmation(t *testing.T) {
	a := newTestApp(t)
	q := shellReq(alice)
	res := a.run(t, q, "delete demo-fra/fra-102")
	if res.Pending == nil || res.Pending.Gate != "confirm" {
		t.Fatalf("delete did not stop at the confirm gate: %+v", res)
	}
	id := res.Pending.ID
	// Still there: nothing ran.
	a.run(t, q, "status demo-fra/fra-102")
	// Nobody else can confirm it.
	if err := a.fail(t, shellReq(bob), "confirm "+id); fault.ClassOf(err) != fault.PermissionDenied {
		t.Fatalf("bob confirming alice's request: %v", err)
	}
	res = a.run(t, q, "confirm "+id)
	contains(t, res.Title, "deleted")
	if err := a.fail(t, q, "status demo-fra/fra-102"); fault.ClassOf(err) != fault.NotFound {
		t.Fatalf("deleted server still answers: %v", err)
	}
	// A second confirm (double click) does nothing.
	if err := a.fail(t, q, "confirm "+id); fault.ClassOf(err) != fault.Conflict {
		t.Fatalf("second confirm: %v", err)
	}
	// bob's refused confirm and the double click are on the record too.
	want := "requested,confirm_requested,denied,confirmed,executed,rejected"
	if got := strings.Join(a.stages(t, id), ","); got != want {
		t.Fatalf("stages %s, want %s", got, want)
	}
}

func TestCancelDoesNothing(t *testing.T) {
	a := newTestApp(t)
	q := shellReq(alice)
	id := a.run(t, q, "poweroff demo-fra/fra-101").Pending.ID
	a.run(t, q, "cancel "+id)
	if res := a.run(t, q, "status demo-fra/fra-101"); !strings.Contains(res.Title, "running") {
		t.Fatalf("server changed after cancel: %s", res.Title)
	}
	if err := a.fail(t, q, "confirm "+id); fault.ClassOf(err) != fault.Conflict {
		t.Fatalf("confirm after cancel: %v", err)
	}
}

// delete on demo-nyc needs approval (policy.csv p2 rule): alice confirms,
// she cannot approve herself, an MCP client cannot approve, bob can.
func TestApprovalFlow(t *testing.T) {
	a := newTestApp(t)
	q := shellReq(alice)
	id := a.run(t, q, "delete demo-nyc/nyc-201").Pending.ID
	res := a.run(t, q, "confirm "+id)
	if res.Pending == nil || res.Pending.Gate != "approval" {
		t.Fatalf("after confirm: %+v, want an approval request", res)
	}
	if err := a.fail(t, q, "approve "+id); fault.ClassOf(err) != fault.PermissionDenied {
		t.Fatalf("self-approval: %v", err)
	}
	_, err := a.Runner.Decide(context.Background(), commands.Request{Source: "mcp", Principal: "mcp:bot"}, id, true, "")
	if fault.ClassOf(err) != fault.PermissionDenied {
		t.Fatalf("mcp approval: %v", err)
	}
	// carol may not even see the request: she is told what she would be
	// told of an id that does not exist (ids are no oracle), and the
	// attempt is on the record as denied.
	err = a.fail(t, shellReq(carol), "approve "+id)
	if nf := a.fail(t, shellReq(carol), "approve r-zzzzzzzz"); fault.ClassOf(err) != fault.NotFound || strings.ReplaceAll(err.Error(), id, "r-zzzzzzzz") != nf.Error() {
		t.Fatalf("approval by someone who may not see it: %v (unknown id: %v)", err, nf)
	}
	res = a.run(t, shellReq(bob), "approve "+id)
	contains(t, res.Title, "deleted")
	if err := a.fail(t, shellReq(bob), "approve "+id); fault.ClassOf(err) != fault.Conflict {
		t.Fatalf("second approval: %v", err)
	}
	req, _ := a.Approvals.Get(context.Background(), id)
	if req.State != approval.Succeeded || req.DecidedBy != bob {
		t.Fatalf("request = %+v", req)
	}
	// Three refused approvals (alice herself, the MCP client, carol) are
	// on the record before bob's.
	// ... and so is bob's second click.
	want := "requested,confirm_requested,confirmed,approval_requested,denied,denied,denied,approved,executed,rejected"
	if got := strings.Join(a.stages(t, id), ","); got != want {
		t.Fatalf("stages %s, want %s", got, want)
	}
}

// Many approvers clicking at once: the action runs exactly once.
func TestConcurrentApprovalsExecuteOnce(t *testing.T) {
	a := newTestApp(t)
	q := shellReq(alice)
	id := a.run(t, q, "delete demo-nyc/nyc-202").Pending.ID
	a.run(t, q, "confirm "+id)
	var ok, conflicts atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := a.Runner.Decide(context.Background(), shellReq("shell:approver"+string(rune('a'+i))), id, true, "")
			switch fault.ClassOf(err) {
			case "":
				ok.Add(1)
			case fault.Conflict:
				conflicts.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflicts.Load() != 15 {
		t.Fatalf("%d succeeded, %d conflicted; want 1 and 15", ok.Load(), conflicts.Load())
	}
	n := 0
	for _, s := range a.stages(t, id) {
		if s == "executed" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d executed records, want 1", n)
	}
}

func TestMCPDestructiveNeedsApproval(t *testing.T) {
	a := newTestApp(t)
	// Without elicitation: straight to approval.
	q := commands.Request{Source: "mcp", Principal: "mcp:claude"}
	res, err := a.Runner.RunText(context.Background(), q, "poweroff demo-fra/fra-101")
	if err != nil {
		t.Fatal(err)
	}
	if res.Pending == nil || res.Pending.Gate != "approval" || (res.Pending.State == approval.Confirming) {
		t.Fatalf("mcp poweroff: %+v", res.Pending)
	}
	// With elicitation the human at the client confirms first, and an
	// approver must still agree: approvers never see what nobody meant.
	q.CanConfirm = true
	res, err = a.Runner.RunText(context.Background(), q, "poweroff demo-fra/fra-101")
	if err != nil || res.Pending == nil || res.Pending.Gate != "confirm" || !res.Pending.NeedsApproval {
		t.Fatalf("mcp poweroff with elicitation: %+v %v", res.Pending, err)
	}
	// A confirm gate a chat source cannot show becomes an approval.
	q = commands.Request{Source: "slack", Principal: "shell:alice", CanConfirm: false}
	res, err = a.Runner.RunText(context.Background(), q, "delete demo-fra/fra-102")
	if err != nil || res.Pending == nil || res.Pending.Gate != "approval" {
		t.Fatalf("unconfirmable delete: %+v %v", res.Pending, err)
	}
	// Decision commands are not for MCP.
	if _, err := a.Runner.RunText(context.Background(), q2("mcp:claude"), "approve "+res.Pending.ID); fault.ClassOf(err) != fault.PermissionDenied {
		t.Fatalf("mcp approve via text: %v", err)
	}
}

func q2(p string) commands.Request {
	return commands.Request{Source: "mcp", Principal: commands.Principal(p)}
}

func TestProgressIsReported(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.Demo.Speed = 50 }) // 30 s reinstall in 0.6 s
	var mu sync.Mutex
	var seen []commands.Progress
	q := shellReq(alice)
	q.Progress = func(p commands.Progress) { mu.Lock(); seen = append(seen, p); mu.Unlock() }
	id := a.run(t, q, "reinstall demo-fra/fra-101 debian-12").Pending.ID
	res := a.run(t, q, "confirm "+id)
	contains(t, res.Title, "reinstalled")
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 2 || seen[len(seen)-1].Percent != 100 {
		t.Fatalf("progress = %+v, want several steps ending at 100%%", seen)
	}
}

func TestUnknownRequestIDs(t *testing.T) {
	a := newTestApp(t)
	for _, line := range []string{"confirm r-zzzzzzzz", "approve r-zzzzzzzz", "approval r-zzzzzzzz"} {
		err := a.fail(t, shellReq(bob), line)
		if fault.ClassOf(err) != fault.NotFound {
			t.Errorf("%s: %v", line, err)
		}
	}
	if err := a.fail(t, shellReq(bob), "approve 42"); !errors.As(err, new(*commands.UsageError)) {
		t.Errorf("malformed id: %v", err)
	}
}
