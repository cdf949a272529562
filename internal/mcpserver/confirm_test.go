package mcpserver

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
)

type outcome struct {
	Status  string `json:"status"`
	Request struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Gate  string `json:"gate"`
	} `json:"request"`
}

func outcomeOf(t *testing.T, res *mcp.CallToolResult) outcome {
	t.Helper()
	var o outcome
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
	return o
}

func (f *fixture) serverExists(t *testing.T, id string) bool {
	t.Helper()
	p, _ := f.app.Fleet.Get("demo-fra")
	_, err := p.GetServer(context.Background(), id)
	return err == nil
}

// The confirm round trip under both revisions: the human types the name
// and the request moves on to an approver; a wrong name or a decline
// cancels it. Nothing is deleted either way.
func TestConfirmByTypingTheServerName(t *testing.T) {
	for _, rev := range revisions {
		for _, tc := range []struct {
			typed, status, state string
		}{
			{"web-2", "approval_pending", string(approval.Pending)},
			{"web-1", "cancelled", string(approval.Cancelled)},
			{"", "cancelled", string(approval.Cancelled)}, // declined
		} {
			t.Run(rev+"/"+tc.typed, func(t *testing.T) {
				f := newFixture(t, Options{})
				c := f.client(t, rev, client.WithElicitationHandler(typing{tc.typed}))
				res := call(t, c, as("mcp:admin"), "delete_server", map[string]any{"server": "demo-fra/fra-102"})
				if res.IsError {
					t.Fatalf("delete_server: %s", text(res))
				}
				o := outcomeOf(t, res)
				if o.Status != tc.status || o.Request.State != tc.state {
					t.Fatalf("typed %q: %+v\n%s", tc.typed, o, text(res))
				}
				if !f.serverExists(t, "fra-102") {
					t.Fatal("the server was deleted without an approver")
				}
				req, err := f.app.Approvals.Get(context.Background(), o.Request.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !req.NeedsConfirm || tc.status == "approval_pending" && (req.DecidedBy != "mcp:admin" || !req.NeedsApproval) {
					t.Fatalf("confirmed request: %+v", req)
				}
			})
		}
	}
}

// modernCall is one tools/call as a 2026-07-28 client with form
// elicitation sends it, straight to the handler, so a test controls the
// requestState it echoes back.
func modernCall(f *fixture, principal, tool string, args map[string]any, state string, typed string) *mcp.CallToolResult {
	caps := mcp.ClientCapabilities{Elicitation: &mcp.ElicitationCapability{Form: &struct{}{}}}
	ctx := server.WithRequestProtocolInfo(as(principal), &server.RequestProtocolInfo{
		Modern: true, ProtocolVersion: mcp.ProtocolVersion20260728, ClientCapabilities: &caps})
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = tool, args
	if state != "" {
		req.Params.RequestState = state
		req.Params.InputResponses = mcp.InputResponses{confirmKey: mcp.NewElicitationInputResponse(mcp.ElicitationResult{
			ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"server_name": typed}}})}
	}
	res, _ := f.srv.handler(f.srv.tools[tool])(ctx, req)
	return res
}

// The requestState is the client's to tamper with: a replayed, altered,
// foreign or expired state is refused, audited, and changes nothing.
func TestRequestStateIsSealed(t *testing.T) {
	f := newFixture(t, Options{})
	args := map[string]any{"server": "demo-fra/fra-102"}
	first := modernCall(f, "mcp:admin", "delete_server", args, "", "")
	if first.ResultType != mcp.ResultTypeInputRequired || first.RequestState == "" {
		t.Fatalf("no form asked: %+v", first)
	}
	form := first.InputRequests[confirmKey].Elicitation
	if form == nil || !strings.Contains(form.Message, "web-2") || !strings.Contains(form.Message, "cannot be undone") {
		t.Fatalf("the form does not say what will happen to which server: %+v", form)
	}
	token := first.RequestState

	for name, try := range map[string]func() *mcp.CallToolResult{
		"altered": func() *mcp.CallToolResult {
			return modernCall(f, "mcp:admin", "delete_server", args, token[:len(token)-2]+"AA", "web-2")
		},
		"foreign": func() *mcp.CallToolResult { return modernCall(f, "mcp:other", "delete_server", args, token, "web-2") },
		"other arguments": func() *mcp.CallToolResult {
			return modernCall(f, "mcp:admin", "delete_server", map[string]any{"server": "demo-fra/fra-101"}, token, "web-1")
		},
		"other tool": func() *mcp.CallToolResult { return modernCall(f, "mcp:admin", "reset_server", args, token, "web-2") },
		"garbage": func() *mcp.CallToolResult {
			return modernCall(f, "mcp:admin", "delete_server", args, "v1.!!!", "web-2")
		},
	} {
		if res := try(); !res.IsError {
			t.Fatalf("%s state accepted: %s", name, text(res))
		}
	}
	ok := modernCall(f, "mcp:admin", "delete_server", args, token, "web-2")
	if o := outcomeOf(t, ok); ok.IsError || o.Status != "approval_pending" || o.Request.Gate != "approval" {
		t.Fatalf("the genuine state after refusals: %s", text(ok))
	}
	if replay := modernCall(f, "mcp:admin", "delete_server", args, token, "web-2"); !replay.IsError || !strings.Contains(text(replay), "confirmation refused") {
		t.Fatalf("replayed state: %s", text(replay))
	}

	second := modernCall(f, "mcp:admin", "delete_server", map[string]any{"server": "demo-fra/fra-103"}, "", "")
	sealClock.add(11 * time.Minute)
	defer sealClock.add(-11 * time.Minute)
	if late := modernCall(f, "mcp:admin", "delete_server", map[string]any{"server": "demo-fra/fra-103"}, second.RequestState, "db-1"); !late.IsError {
		t.Fatalf("expired state accepted: %s", text(late))
	}

	recs, err := f.app.Audit.Query(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for _, r := range recs {
		if r.Source == "mcp" && r.Stage == audit.StageRejected && strings.Contains(r.Error, "confirmation refused") {
			refused++
		}
	}
	if refused != 7 { // altered, foreign, other arguments, other tool, garbage, replay, expired
		t.Fatalf("%d refused confirmations on record, want 7", refused)
	}
	if !f.serverExists(t, "fra-102") || !f.serverExists(t, "fra-103") {
		t.Fatal("a server was deleted")
	}
}

// A client that cannot show forms is never asked: the request goes
// straight to an approver (and never runs at once).
func TestClientWithoutFormsGoesToApproval(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(t, revisions[1]) // no elicitation handler: no capability
	res := call(t, c, as("mcp:admin"), "delete_server", map[string]any{"server": "demo-fra/fra-102"})
	if o := outcomeOf(t, res); o.Status != "approval_pending" || o.Request.Gate != "approval" {
		t.Fatalf("%+v", o)
	}
}

// A policy confirm rule cannot be met by an AI client: a form any client
// can fill in proves no person was there, so it asks an approver.
func TestPolicyConfirmMeansApprovalOverMCP(t *testing.T) {
	f := newFixture(t, Options{})
	policy := filepath.Join(f.dir, "policy.csv")
	if err := os.WriteFile(policy, []byte(vpsops.DefaultPolicy+testPolicy+"p2, *, demo-fra/*, stop, confirm\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.app.Policy.Reload(); err != nil {
		t.Fatal(err)
	}
	c := f.client(t, revisions[0], client.WithElicitationHandler(typing{"web-2"}))
	res := call(t, c, as("mcp:admin"), "stop_server", map[string]any{"server": "demo-fra/fra-102"})
	if o := outcomeOf(t, res); res.IsError || o.Status != "approval_pending" {
		t.Fatalf("stop_server under a confirm rule: %+v %s", o, text(res))
	}
}
