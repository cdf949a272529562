package mcpserver

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
)

func toolNames(t *testing.T, ctx context.Context, f *fixture, revision string) []string {
	t.Helper()
	res, err := f.client(t, revision).ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

// tools/list shows each principal what the policy lets it call, in a
// fixed order, and the ceiling removes tools for everyone.
func TestToolsListPerPrincipal(t *testing.T) {
	for _, rev := range revisions {
		t.Run(rev, func(t *testing.T) {
			f := newFixture(t, Options{})
			admin := toolNames(t, as("mcp:admin"), f, rev)
			agent := toolNames(t, as("mcp:claude"), f, rev)
			if !slices.IsSorted(admin) || !slices.IsSorted(agent) {
				t.Fatalf("not in a fixed order: %v / %v", admin, agent)
			}
			for _, want := range []string{"delete_server", "reinstall_server", "get_server", "query_audit"} {
				if !slices.Contains(admin, want) {
					t.Errorf("admin is not offered %s: %v", want, admin)
				}
			}
			for _, hidden := range []string{"delete_server", "reinstall_server", "query_audit"} {
				if slices.Contains(agent, hidden) {
					t.Errorf("an agent is offered %s", hidden)
				}
			}
			for _, never := range []string{"approve", "deny", "confirm", "cancel"} {
				if slices.Contains(admin, never) {
					t.Errorf("%s is a tool", never)
				}
			}
			ro := newFixture(t, Options{Ceiling: Ceiling{ReadOnly: true}})
			for _, name := range toolNames(t, as("mcp:admin"), ro, rev) {
				if cmd := ro.srv.tools[name]; cmd == nil || cmd.Risk != 0 {
					t.Errorf("read-only server offers %s", name)
				}
			}
		})
	}
}

// Every tool states every hint, a read tool has an output schema, and a
// destructive command is a destructive tool.
func TestToolAnnotations(t *testing.T) {
	f := newFixture(t, Options{})
	res, err := f.client(t, revisions[0]).ListTools(as("mcp:admin"), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		a := tool.Annotations
		if a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil || a.Title == "" {
			t.Errorf("%s leaves a hint to mcp-go's defaults: %+v", tool.Name, a)
			continue
		}
		cmd := f.srv.tools[tool.Name]
		if *a.DestructiveHint != (cmd.Risk == 2) {
			t.Errorf("%s: destructiveHint %v for risk %s", tool.Name, *a.DestructiveHint, cmd.Risk)
		}
		if *a.ReadOnlyHint && (len(tool.RawOutputSchema) == 0 && tool.OutputSchema.Type == "") {
			t.Errorf("read tool %s has no output schema", tool.Name)
		}
		if !strings.Contains(tool.Description, "Chat usage: "+cmd.Usage()) {
			t.Errorf("%s: description lacks the usage: %q", tool.Name, tool.Description)
		}
	}
}

// Read tools answer with structured content and a text copy; bad
// arguments and unknown servers come back as tool errors with the usage.
func TestReadToolsAndErrors(t *testing.T) {
	for _, rev := range revisions {
		t.Run(rev, func(t *testing.T) {
			f := newFixture(t, Options{})
			c := f.client(t, rev)
			ctx := as("mcp:claude")
			res := call(t, c, ctx, "get_server", map[string]any{"server": "demo-fra/fra-101"})
			if res.IsError || !strings.Contains(text(res), "web-1") {
				t.Fatalf("get_server: %v %q", res.IsError, text(res))
			}
			var got struct {
				Ref    string `json:"ref"`
				Status string `json:"status"`
			}
			b, _ := json.Marshal(res.StructuredContent)
			if json.Unmarshal(b, &got) != nil || got.Ref != "demo-fra/fra-101" || got.Status != "running" {
				t.Fatalf("structured content %s", b)
			}
			for args, want := range map[string]string{
				`{}`:                           "usage: status <server>",
				`{"server": "no/such/thing!"}`: "error [invalid]",
				`{"server": "demo-fra/nope"}`:  "error [not_found]",
				`{"server": 7}`:                "error [invalid]",
				`{"server": "web-1", "x": 1}`:  "error [invalid]",
			} {
				var a map[string]any
				json.Unmarshal([]byte(args), &a)
				res := call(t, c, ctx, "get_server", a)
				if !res.IsError || !strings.Contains(text(res), want) {
					t.Errorf("get_server %s: isError=%v %q, want %q", args, res.IsError, text(res), want)
				}
			}
		})
	}
}

// A tool the principal may not use is refused, and the refusal audited
// with source mcp; a tool removed by the ceiling is refused and audited
// too.
func TestRefusalsAreAudited(t *testing.T) {
	f := newFixture(t, Options{Ceiling: Ceiling{DisableDestructive: true}})
	c := f.client(t, revisions[0])
	res := call(t, c, as("mcp:claude"), "query_audit", nil)
	if !res.IsError || !strings.Contains(text(res), "permission_denied") {
		t.Fatalf("hidden tool: %v %q", res.IsError, text(res))
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "delete_server"
	req.Params.Arguments = map[string]any{"server": "demo-fra/fra-101"}
	if res, err := c.CallTool(as("mcp:admin"), req); err == nil && !res.IsError {
		t.Fatal("a tool removed by --disable-destructive ran")
	}
	recs, err := f.app.Audit.Query(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var refused []string
	for _, r := range recs {
		if r.Source == "mcp" && (r.Stage == audit.StageDenied || r.Stage == audit.StageRejected) {
			refused = append(refused, r.Principal+" "+r.Command+" "+r.Error)
		}
	}
	joined := strings.Join(refused, "\n")
	if !strings.Contains(joined, "mcp:claude audit") || !strings.Contains(joined, "mcp:admin delete") || !strings.Contains(joined, "offers no destructive tools") {
		t.Fatalf("refusals on record:\n%s", joined)
	}
	p, _ := f.app.Fleet.Get("demo-fra")
	if _, err := p.GetServer(context.Background(), "fra-101"); err != nil {
		t.Fatalf("the server is gone: %v", err)
	}
}

// From an AI client a destructive tool never runs at once: a client that
// cannot show forms gets a pending approval, and the server still exists.
func TestDestructiveToolWaitsForApproval(t *testing.T) {
	for _, rev := range revisions {
		t.Run(rev, func(t *testing.T) {
			f := newFixture(t, Options{})
			c := f.client(t, rev)
			res := call(t, c, as("mcp:admin"), "delete_server", map[string]any{"server": "demo-fra/fra-101"})
			if res.IsError {
				t.Fatalf("delete_server: %q", text(res))
			}
			var got struct {
				Status     string `json:"status"`
				ApprovalID string `json:"approval_id"`
				ExpiresAt  string `json:"expires_at"`
				Hint       string `json:"approvers_hint"`
				Request    struct {
					ID    string `json:"id"`
					State string `json:"state"`
					Gate  string `json:"gate"`
				} `json:"request"`
			}
			b, _ := json.Marshal(res.StructuredContent)
			if json.Unmarshal(b, &got) != nil || got.Status != "approval_pending" || got.Request.State != string(approval.Pending) || got.Request.Gate != "approval" {
				t.Fatalf("structured content %s", b)
			}
			if got.ApprovalID != got.Request.ID || got.ExpiresAt == "" || !strings.Contains(got.Hint, "approve "+got.ApprovalID) {
				t.Fatalf("approval_pending fields: %s", b)
			}
			if !strings.Contains(text(res), "get_approval") {
				t.Fatalf("text does not say how to follow it: %q", text(res))
			}
			srv, err := f.app.Fleet.Get("demo-fra")
			if !err {
				t.Fatal("no demo-fra")
			}
			if _, gerr := srv.GetServer(context.Background(), "fra-101"); gerr != nil {
				t.Fatalf("the server was deleted: %v", gerr)
			}
			// The shell's runner approves; get_approval shows the outcome.
			q := f.app.Runner
			if _, err := q.Decide(context.Background(), shellRequest("shell:bob"), got.Request.ID, true, ""); err != nil {
				t.Fatal(err)
			}
			res = call(t, c, as("mcp:admin"), "get_approval", map[string]any{"id": got.Request.ID})
			if res.IsError || !strings.Contains(text(res), "succeeded") {
				t.Fatalf("get_approval after approval: %q", text(res))
			}
		})
	}
}

// Where the transport names the principal (HTTP), a call it names nobody
// for is refused, never served as the configured stdio principal.
func TestNoPrincipalNoService(t *testing.T) {
	f := newFixture(t, Options{Principal: "mcp:admin", PrincipalFrom: PrincipalFrom})
	res, err := f.srv.handler(f.srv.tools["get_server"])(context.Background(), toolRequest("get_server", map[string]any{"server": "demo-fra/fra-101"}))
	if err != nil || !res.IsError || !strings.Contains(text(res), "unauthenticated") {
		t.Fatalf("a call without a principal: %v %s", err, text(res))
	}
	list := &mcp.ListToolsResult{Tools: []mcp.Tool{{Name: "get_server"}}}
	f.srv.offerTools(context.Background(), nil, nil, list)
	if len(list.Tools) != 0 {
		t.Fatalf("tools offered to nobody: %v", list.Tools)
	}
}
