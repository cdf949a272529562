package commands_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
)

func actionIDs(v commands.RequestView) []string {
	var out []string
	for _, a := range v.Actions {
		out = append(out, string(a.ID))
	}
	return out
}

// Each viewer is offered what they may do, and the view carries nothing
// of storage: it goes into MCP output and chat messages as it is.
func TestViewOffersEachViewerTheirActions(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	q := shellReq(alice)
	asked := a.run(t, q, "delete demo-nyc/nyc-201").Pending
	if got := actionIDs(*asked); !slices.Equal(got, []string{"confirm", "cancel"}) {
		t.Fatalf("requester at confirm gets %v", got)
	}
	if asked.Actions[0].Style != "danger" || asked.Gate != "confirm" || !asked.NeedsApproval {
		t.Fatalf("confirm view of a destructive request: %+v", asked)
	}
	if asked.Target.Name == "" || asked.Target.IP == "" || !strings.Contains(asked.Prompt, asked.Target.IP) {
		t.Fatalf("the prompt does not name the server and its IP: %+v", asked.Target)
	}
	if !strings.Contains(asked.Prompt, "cannot be undone") {
		t.Fatalf("the prompt does not say what delete does: %q", asked.Prompt)
	}
	a.run(t, q, "confirm "+asked.ID)
	req, err := a.Approvals.Get(ctx, asked.ID)
	if err != nil {
		t.Fatal(err)
	}
	for viewer, want := range map[string][]string{
		alice:       {"cancel"},
		bob:         {"approve", "deny"},
		carol:       nil, // no approval.grant
		"mcp:agent": nil, // MCP clients never approve
		// An approvals channel offers the buttons to whoever reads it;
		// each press is decided against who pressed.
		string(commands.Approvers): {"approve", "deny"},
	} {
		v := a.Runner.View(req, commands.Principal(viewer))
		if got := actionIDs(v); !slices.Equal(got, want) {
			t.Errorf("%s is offered %v, want %v", viewer, got, want)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{"salt", "hash", "executor", "lease", req.ArgsHash} {
			if strings.Contains(strings.ToLower(string(b)), strings.ToLower(leak)) {
				t.Fatalf("the view of %s holds %q: %s", viewer, leak, b)
			}
		}
	}
	if v := a.Runner.View(req, bob); !strings.Contains(v.Summary, "asks to") || !strings.Contains(v.Summary, "approve "+req.ID) {
		t.Fatalf("approver's summary: %q", v.Summary)
	}
	// The approvals channel's buttons give nobody a right: carol has no
	// approval.grant, whatever message she pressed on (and may not even
	// see the request: the same answer as for an unknown id).
	if _, err := a.Runner.Decide(ctx, shellReq(carol), req.ID, true, ""); fault.ClassOf(err) != fault.NotFound {
		t.Fatalf("carol approving from the approvals channel: %v", err)
	}
	done := a.run(t, shellReq(bob), "approve "+req.ID).Request
	if done == nil || done.State != approval.Succeeded || done.DecidedBy != bob || len(done.Actions) != 0 {
		t.Fatalf("after approval: %+v", done)
	}
}

// A destructive command on a server that does not exist fails before the
// gate: nobody confirms (or approves) an action that cannot happen.
func TestMissingServerFailsBeforeTheGate(t *testing.T) {
	a := newTestApp(t)
	for _, line := range []string{"delete demo-fra/fra-999", "reinstall demo-fra/fra-999 debian-12", "poweroff demo-fra/fra-999"} {
		res, err := a.Runner.RunText(context.Background(), shellReq(alice), line)
		if fault.ClassOf(err) != fault.NotFound || res.Pending != nil {
			t.Fatalf("%s: %v, pending %v", line, err, res.Pending)
		}
	}
	if open, _ := a.Approvals.List(context.Background(), approval.Filter{}); len(open) != 0 {
		t.Fatalf("%d requests stored for servers that do not exist", len(open))
	}
}

// After deleting a server by name, the same name says there is no such
// server, not the provider's "no such server" for the old id.
func TestDeletedNameIsForgotten(t *testing.T) {
	a := newTestApp(t)
	q := shellReq(alice)
	a.run(t, q, "status web-2") // fills the name index
	id := a.run(t, q, "delete web-2").Pending.ID
	a.run(t, q, "confirm "+id)
	for _, line := range []string{"status web-2", "delete web-2"} {
		_, err := a.Runner.RunText(context.Background(), q, line)
		if fault.ClassOf(err) != fault.NotFound || !strings.Contains(err.Error(), "no server named web-2") {
			t.Fatalf("%s after delete: %v", line, err)
		}
	}
}

// A provider the caller holds no server.read on does not look like an
// empty fleet: list says why its servers are missing and which policy
// line would show them.
func TestListSaysWhyAProviderIsHidden(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) {
		c.Providers = append(c.Providers, config.Provider{Name: "lab", Type: config.TypeDemo})
	})
	want := "p, " + alice + ", lab/*, server.read"
	for _, line := range []string{"list", "list provider=lab"} {
		res := a.run(t, shellReq(alice), line)
		if !strings.Contains(strings.Join(res.Notes, "\n"), want) {
			t.Fatalf("%s: notes %q do not name the missing grant %q", line, res.Notes, want)
		}
	}
	if res := a.run(t, shellReq(alice), "list provider=demo-fra"); len(res.Notes) != 0 {
		t.Fatalf("notes on a fully visible provider: %q", res.Notes)
	}
}

// One Slack user is one person whichever workspace a payload names: a
// request asked in one workspace cannot be approved by its requester
// pressing Approve in another.
func TestNobodyApprovesTheirOwnRequestFromAnotherWorkspace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.csv")
	if err := os.WriteFile(path, []byte(vpsops.DefaultPolicy+"\ng, slack:*, demo-owner\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, func(c *config.Config) { c.Policy.Policy = path })
	q := commands.Request{Source: "slack", Principal: "slack:T2:UBOB", CanConfirm: true}
	asked := a.run(t, q, "delete demo-nyc/nyc-201").Pending
	a.run(t, q, "confirm "+asked.ID)
	other := commands.Request{Source: "slack", Principal: "slack:T1:UBOB"}
	if _, err := a.Runner.Decide(context.Background(), other, asked.ID, true, ""); fault.ClassOf(err) != fault.PermissionDenied {
		t.Fatalf("the requester approved from another workspace: %v", err)
	}
	if !commands.Principal("slack:T1:U2").SamePerson("slack:T9:U2") || commands.Principal("slack:T1:U2").SamePerson("slack:T1:U3") ||
		commands.Principal("shell:bob").SamePerson("slack:T1:bob") || !commands.Principal("mcp:x").SamePerson("mcp:x") {
		t.Fatal("SamePerson")
	}
}
