package commands_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
)

// The Discord guild of these tests: an on-call role that approves, an ops
// role that may do anything on the demo fleet, and three members.
const (
	oncallRole = "discord-role:G1:R-ONCALL"
	opsRole    = "discord-role:G1:R-OPS"
	requester  = commands.Principal("discord:111") // owns the demo fleet by itself
	member     = commands.Principal("discord:123") // nothing by itself
	opsMember  = commands.Principal("discord:222") // nothing by itself
)

var groupPolicy = []string{
	"g, discord:111, demo-owner",
	"g, " + oncallRole + ", approver",
	"p, " + opsRole + ", demo-*/*, *",
}

// groupApp is a test app whose policy file the test may rewrite (and
// reload) to revoke a grant.
func groupApp(t *testing.T) (*testApp, func(lines ...string)) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.csv")
	write := func(lines ...string) {
		if err := os.WriteFile(path, []byte(vpsops.DefaultPolicy+"\n"+strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(groupPolicy...)
	a := newTestApp(t, func(c *config.Config) { c.Policy.Policy = path })
	return a, func(lines ...string) {
		t.Helper()
		write(lines...)
		if err := a.Policy.Reload(); err != nil {
			t.Fatal(err)
		}
	}
}

func discordReq(p commands.Principal, groups ...string) commands.Request {
	return commands.Request{Source: "discord", Principal: p, Groups: groups, CanConfirm: true}
}

// pendingDelete has the requester ask for, and confirm, a delete that
// needs an approver (demo-nyc plays production).
func pendingDelete(t *testing.T, a *testApp, q commands.Request, server string) string {
	t.Helper()
	id := a.run(t, q, "delete "+server).Pending.ID
	if res := a.run(t, q, "confirm "+id); res.Pending == nil || res.Pending.State != approval.Pending {
		t.Fatalf("confirm: %+v", res)
	}
	return id
}

func TestARoleMappedApproverCanApprove(t *testing.T) {
	a, _ := groupApp(t)
	ctx := context.Background()
	id := pendingDelete(t, a, discordReq(requester), "demo-nyc/nyc-204")
	req, err := a.Approvals.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}

	// Without the role the member is no approver: not offered the
	// buttons, not shown the request, and refused.
	alone := commands.Viewer{Principal: member}
	if a.Runner.CanApproveFor(alone, req) || len(a.Runner.ViewFor(req, alone).Actions) != 0 {
		t.Fatal("the member alone is offered approve")
	}
	if _, err := a.Runner.LookupFor(ctx, id, alone); fault.ClassOf(err) != fault.NotFound {
		t.Fatalf("the member alone sees the request: %v", err)
	}
	if _, err := a.Runner.Decide(ctx, discordReq(member), id, true, ""); err == nil {
		t.Fatal("the member approved without the on-call role")
	}
	if got, _ := a.Approvals.Get(ctx, id); got.State != approval.Pending {
		t.Fatalf("after the refused approval: %s", got.State)
	}

	// With the role (from the signed interaction) the member is offered
	// approve, finds it waiting, and approving runs it.
	withRole := commands.Viewer{Principal: member, Groups: []string{oncallRole}}
	if !a.Runner.CanApproveFor(withRole, req) || !slices.ContainsFunc(a.Runner.ViewFor(req, withRole).Actions,
		func(x commands.Action) bool { return x.ID == commands.ActionApprove }) {
		t.Fatal("the on-call member is not offered approve")
	}
	waiting, err := a.Runner.WaitingFor(ctx, withRole)
	if err != nil || len(waiting) != 1 || waiting[0].ID != id {
		t.Fatalf("waiting for the on-call member: %+v, %v", waiting, err)
	}
	res, err := a.Runner.Decide(ctx, discordReq(member, oncallRole), id, true, "")
	if err != nil {
		t.Fatalf("the on-call member could not approve: %v", err)
	}
	if res.Request == nil || res.Request.State != approval.Succeeded {
		t.Fatalf("approved request: %+v", res.Request)
	}

	// The approval is on the record with the role that allowed it.
	recs, err := a.Audit.Query(ctx, audit.Filter{ApprovalID: id, Principal: string(member)})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(recs, func(r audit.Record) bool { return r.Stage == audit.StageApproved })
	if i < 0 {
		t.Fatalf("no approved record among %+v", recs)
	}
	if r := recs[i]; !slices.Equal(r.Groups, []string{oncallRole}) || !strings.Contains(r.Rule, "(via "+oncallRole+")") {
		t.Fatalf("approved record: groups %q rule %q", r.Groups, r.Rule)
	}
	if report, err := a.Audit.Verify(ctx); err != nil || !report.OK {
		t.Fatalf("audit verify: %+v, %v", report, err)
	}
}

// A group makes its holder an approver, never someone else: the requester
// holding the on-call role still cannot approve their own request.
func TestAGroupCannotMakeARequesterApproveTheirOwn(t *testing.T) {
	a, _ := groupApp(t)
	ctx := context.Background()
	q := discordReq(requester, oncallRole)
	id := pendingDelete(t, a, q, "demo-nyc/nyc-204")
	req, _ := a.Approvals.Get(ctx, id)
	if a.Runner.CanApproveFor(q.Viewer(), req) {
		t.Fatal("the requester is offered approve of their own request")
	}
	_, err := a.Runner.Decide(ctx, q, id, true, "")
	if fault.ClassOf(err) != fault.PermissionDenied || !strings.Contains(err.Error(), "your own request") {
		t.Fatalf("self-approval through a group: %v", err)
	}
	if got, _ := a.Approvals.Get(ctx, id); got.State != approval.Pending {
		t.Fatalf("after the refused self-approval: %s", got.State)
	}
}

// The requester's groups are stored with the gated request and re-checked
// when it runs: a request allowed only through a group runs after
// approval, and one whose group lost the grant meanwhile does not.
func TestGroupsAreStoredAndReauthorizedAtExecution(t *testing.T) {
	a, rewrite := groupApp(t)
	ctx := context.Background()
	ops := discordReq(opsMember, opsRole)
	approver := discordReq(member, oncallRole)

	id := pendingDelete(t, a, ops, "demo-nyc/nyc-203")
	if req, _ := a.Approvals.Get(ctx, id); !slices.Equal(req.Groups, []string{opsRole}) {
		t.Fatalf("stored groups %q", req.Groups)
	}
	if res, err := a.Runner.Decide(ctx, approver, id, true, ""); err != nil || res.Request.State != approval.Succeeded {
		t.Fatalf("a request allowed through its group did not run: %v", err)
	}

	id = pendingDelete(t, a, ops, "demo-nyc/nyc-202")
	rewrite(groupPolicy[0], groupPolicy[1]) // the ops role loses its grant
	_, err := a.Runner.Decide(ctx, approver, id, true, "")
	if fault.ClassOf(err) != fault.PermissionDenied || !strings.Contains(err.Error(), "may not run delete") {
		t.Fatalf("run after the group's grant was revoked: %v", err)
	}
	if got, _ := a.Approvals.Get(ctx, id); got.State != approval.Failed {
		t.Fatalf("revoked request ended %s", got.State)
	}
	if _, err := a.Runner.LookupFor(ctx, id, commands.Viewer{Principal: member, Groups: []string{oncallRole}}); err != nil {
		t.Fatal(err)
	}
	last := a.lastRecord(t)
	if last.Stage != audit.StageDenied || last.Principal != string(opsMember) || !slices.Equal(last.Groups, []string{opsRole}) {
		t.Fatalf("the refused run is recorded as %+v", last)
	}
	a.run(t, discordReq(requester), "status demo-nyc/nyc-202") // still there
}

func TestMalformedGroupsAreRefusedAndAudited(t *testing.T) {
	a, _ := groupApp(t)
	ctx := context.Background()
	tests := []struct {
		q    commands.Request
		want string
	}{
		{discordReq(member, "admin"), `group "admin"`},
		{discordReq(member, "shell:root"), `group "shell:root"`},
		{discordReq(member, "discord:111"), `group "discord:111"`},
		{discordReq(member, "discord-role:G1"), `group "discord-role:G1"`},
		{discordReq(member, oncallRole, "discord-role:G1:*"), `character '*'`},
		{commands.Request{Source: "slack", Principal: "slack:T1:U1", Groups: []string{oncallRole}}, "a slack principal has no discord-role groups"},
		{shellReq("shell:alice"), ""}, // no groups: the baseline
	}
	for _, tt := range tests {
		_, err := a.Runner.RunText(ctx, tt.q, "list")
		if tt.want == "" {
			if err != nil {
				t.Fatalf("%s without groups: %v", tt.q.Principal, err)
			}
			continue
		}
		if fault.ClassOf(err) != fault.Invalid || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s with %q: %v, want one invalid line naming %q", tt.q.Principal, tt.q.Groups, err, tt.want)
			continue
		}
		rec := a.lastRecord(t)
		if rec.Stage != audit.StageRejected || rec.Principal != string(tt.q.Principal) || rec.Error != err.Error() || rec.Groups != nil {
			t.Errorf("refusal recorded as %+v", rec)
		}
	}

	// Approving, confirming and cancelling with a malformed group are
	// refused the same way, before anything else is looked at.
	id := pendingDelete(t, a, discordReq(requester), "demo-nyc/nyc-204")
	bad := discordReq(member, oncallRole, "admin")
	for verb, call := range map[string]func() error{
		"approve": func() error { _, err := a.Runner.Decide(ctx, bad, id, true, ""); return err },
		"confirm": func() error { _, err := a.Runner.Confirm(ctx, bad, id); return err },
		"cancel":  func() error { _, err := a.Runner.Cancel(ctx, bad, id); return err },
	} {
		if err := call(); fault.ClassOf(err) != fault.Invalid {
			t.Errorf("%s with a malformed group: %v", verb, err)
		}
		if rec := a.lastRecord(t); rec.Command != verb || rec.Stage != audit.StageRejected || rec.ApprovalID != id {
			t.Errorf("%s refusal recorded as %+v", verb, rec)
		}
	}
	if got, _ := a.Approvals.Get(ctx, id); got.State != approval.Pending {
		t.Fatalf("after refused decisions: %s", got.State)
	}
}

func TestMCPWithGroupsIsRefused(t *testing.T) {
	a, _ := groupApp(t)
	ctx := context.Background()
	q := commands.Request{Source: "mcp", Principal: "mcp:bot", Groups: []string{oncallRole}}
	_, err := a.Runner.Run(ctx, commands.Request{Source: q.Source, Principal: q.Principal, Groups: q.Groups, Command: "list"})
	if fault.ClassOf(err) != fault.Invalid || !strings.Contains(err.Error(), "MCP clients never act with groups") {
		t.Fatalf("MCP list with groups: %v", err)
	}
	if rec := a.lastRecord(t); rec.Stage != audit.StageRejected || rec.Principal != "mcp:bot" {
		t.Fatalf("recorded as %+v", rec)
	}
	id := pendingDelete(t, a, discordReq(requester), "demo-nyc/nyc-204")
	if _, err := a.Runner.Decide(ctx, q, id, true, ""); fault.ClassOf(err) != fault.Invalid {
		t.Fatalf("MCP approval with groups: %v", err)
	}
	// Nor does any read treat an MCP client's groups as its own.
	req, _ := a.Approvals.Get(ctx, id)
	if a.Runner.CanApproveFor(q.Viewer(), req) || a.Runner.OfferedTo(q.Viewer(), a.Runner.Registry().Lookup("delete")) {
		t.Fatal("an MCP client's groups count")
	}
}

func TestWhoamiShowsGroups(t *testing.T) {
	a, _ := groupApp(t)
	res := a.run(t, discordReq(member, oncallRole, opsRole), "whoami")
	var groups, roles string
	for _, f := range res.Fields {
		switch f.Name {
		case "Groups":
			groups = f.Value
		case "Roles":
			roles = f.Value
		}
	}
	if want := oncallRole + " (approver); " + opsRole + " (no role)"; groups != want {
		t.Errorf("Groups line %q, want %q", groups, want)
	}
	if roles != "approver" {
		t.Errorf("Roles line %q", roles)
	}
	id := res.Data.(commands.Identity)
	if len(id.Groups) != 2 || id.Groups[0].Group != oncallRole || !slices.Equal(id.Groups[0].Roles, []string{"approver"}) {
		t.Errorf("Data groups %+v", id.Groups)
	}
	if !slices.ContainsFunc(id.Grants, func(g commands.GrantInfo) bool {
		return g.Permission == "approval.grant" && g.Group == oncallRole && g.Via == "approver"
	}) || !slices.ContainsFunc(id.Grants, func(g commands.GrantInfo) bool {
		return g.Permission == "*" && g.Object == "demo-*/*" && g.Group == opsRole && g.Via == ""
	}) {
		t.Errorf("grants %+v", id.Grants)
	}
	plain := commands.Plain(res, true)
	contains(t, plain, oncallRole+" → approver")

	// The same member without the roles has nothing, and whoami says so.
	alone := a.run(t, discordReq(member), "whoami").Data.(commands.Identity)
	if len(alone.Groups) != 0 || len(alone.Grants) != 0 {
		t.Errorf("whoami without groups: %+v", alone)
	}
}

// What an adapter offers a member (tools, autocomplete) counts their
// groups, and the runner's decision agrees.
func TestOfferedAndRunWithAGroup(t *testing.T) {
	a, _ := groupApp(t)
	reboot := a.Runner.Registry().Lookup("reboot")
	if a.Runner.OfferedTo(commands.Viewer{Principal: opsMember}, reboot) {
		t.Fatal("reboot offered without the ops role")
	}
	if !a.Runner.OfferedTo(commands.Viewer{Principal: opsMember, Groups: []string{opsRole}}, reboot) {
		t.Fatal("reboot not offered with the ops role")
	}
	a.run(t, discordReq(opsMember, opsRole), "reboot demo-fra/fra-101")
	if rec := a.lastRecord(t); rec.Outcome != audit.OutcomeOK || !slices.Equal(rec.Groups, []string{opsRole}) ||
		!strings.HasSuffix(rec.Rule, "(via "+opsRole+")") {
		t.Fatalf("reboot recorded as %+v", rec)
	}
	if err := a.fail(t, discordReq(opsMember), "reboot demo-fra/fra-101"); fault.ClassOf(err) != fault.PermissionDenied {
		t.Fatalf("reboot without the role: %v", err)
	}
}
