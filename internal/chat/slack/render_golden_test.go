package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// update rewrites the package's golden files (blocks and manifests).
var update = flag.Bool("update", false, "rewrite golden files in testdata")

// goldenReplies are the replies whose messages are pinned in
// testdata/blocks: a change of layout shows in review as a diff of them.
func goldenReplies(t *testing.T) map[string]chat.Reply {
	long := servers(187)
	return map[string]chat.Reply{
		"list-small":        run(t, "list"),
		"list-187-page-0":   {Result: long, Page: chat.Page{Token: "k7", Index: 0}},
		"list-187-page-4":   {Result: long, Page: chat.Page{Token: "k7", Index: 4}},
		"list-187-no-token": {Result: long},
		"list-truncated":    {Result: truncated()},
		"status":            {Result: status()},
		"error-usage":       run(t, "reboot"),
		"error-plain":       {Err: fault.Errorf(fault.Unavailable, "edis-fra did not answer: timed out")},
		"view-confirm":      view(t, request(approval.Confirming, nil), requester),
		"view-approval":     view(t, request(approval.Pending, nil), approver),
		"view-pending-own":  view(t, request(approval.Pending, nil), requester),
		"view-approved":     view(t, request(approval.Approved, decided("shell:bob", "")), requester),
		"view-executing":    view(t, request(approval.Executing, executing), requester),
		"view-succeeded":    view(t, request(approval.Succeeded, succeeded), requester),
		"view-failed":       view(t, request(approval.Failed, failed), requester),
		"view-denied":       view(t, request(approval.Denied, decided("shell:bob", "not during the release freeze")), requester),
		"view-expired":      view(t, request(approval.Expired, nil), approver),
		"pending-result":    pendingResult(t),
		"step":              {Step: &chat.Step{Title: "Reinstalling demo-fra/web-1 (203.0.113.10) with debian-12", Progress: commands.Progress{Message: "installing", Percent: 42}, Elapsed: 65 * time.Second}},
		"secret":            {Result: secretResult()},
		"text-mention":      {Text: "demo-fra/fra-101 rebooted", Mention: requester},
		"result-mention":    {Result: &commands.Result{Title: "demo-fra/fra-101 rebooted"}, Mention: requester},
		"hostile":           {Result: hostile(), Mention: "shell:<!channel>"},
		"hostile-view":      view(t, request(approval.Denied, hostileRequest), requester),
	}
}

func executing(q *approval.Request) {
	q.DecidedBy = "shell:bob"
	q.Progress = approval.Progress{Text: "installing", Percent: 42, At: renderEpoch.Add(2 * time.Minute)}
}

func succeeded(q *approval.Request) {
	q.DecidedBy = "shell:bob"
	q.Outcome = "demo-fra/fra-101 reinstalled with debian-12 — now running"
}

func failed(q *approval.Request) {
	q.DecidedBy = "shell:bob"
	q.ErrorClass, q.Error = "unavailable", "demo-fra did not answer: timed out"
}

func hostileRequest(q *approval.Request) {
	q.TargetName = "<!channel>`x`"
	q.DecidedBy, q.DecisionNote = "shell:bob", "<https://evil.example|see here> *now* <!here>"
}

// pendingResult is what the requester is answered when their command
// stops at the confirm gate, with the password generated for it.
func pendingResult(t *testing.T) chat.Reply {
	v := testRunner(t).View(request(approval.Confirming, nil), requester)
	return chat.Reply{Result: &commands.Result{
		Title: v.Title, Text: v.Summary, Pending: &v,
		Secret: []commands.Field{{Name: "password (set when it runs)", Value: "Mue3HZTFKuLGE4ML8Bi2"}},
	}}
}

// status is what status shows of a demo server, written out: the demo's
// live figures change from run to run.
func status() *commands.Result {
	return &commands.Result{Title: "demo-fra/fra-101 (web-1): running", Fields: []commands.Field{
		{Name: "Provider", Value: "Demo (FRA)"}, {Name: "Status", Value: "running"},
		{Name: "IPv4", Value: "192.0.2.11"}, {Name: "IPv6", Value: "2001:db8:100::1"},
		{Name: "Region", Value: "fra"}, {Name: "Plan", Value: "vps-2"}, {Name: "Image", Value: "debian-12"},
		{Name: "Size", Value: "2 vCPU, 4 GB RAM, 80 GB disk"}, {Name: "Created", Value: "2026-05-20"},
		{Name: "cpu", Value: "32.18 %"},
		{Name: "Can do", Value: "power, images, reinstall, delete, console, login, iso, ptr, snapshots, snapshot create"},
	}}
}

func secretResult() *commands.Result {
	return &commands.Result{
		Title:  "demo-fra/fra-101 reinstalled with debian-12 — now running",
		Text:   "A root password was generated; it is shown only to you, once. Store it now.",
		Secret: []commands.Field{{Name: "root password", Value: "Mue3HZTFKuLGE4ML8Bi2"}},
	}
}

// truncated is a list the command itself cut at its cap.
func truncated() *commands.Result {
	r := servers(20)
	r.Title = "20 audit records"
	r.Table.Size = commands.Size{Total: 21, Truncated: true}
	r.Table.More = "server=, user= or since= narrow it"
	return r
}

func TestRenderGoldens(t *testing.T) {
	dir := filepath.Join("testdata", "blocks")
	for name, r := range goldenReplies(t) {
		t.Run(name, func(t *testing.T) {
			msg := Render(r)
			if err := CheckLimits(msg); err != nil {
				t.Fatalf("breaks a Block Kit limit: %v", err)
			}
			assertNoSlackCommands(t, msg)
			got := goldenJSON(t, msg)
			path := filepath.Join(dir, name+".json")
			if *update {
				os.MkdirAll(dir, 0o755)
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/chat/slack/ -run Goldens -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Fatalf("layout changed; review and run go test ./internal/chat/slack/ -run Goldens -update\n%s", got)
			}
		})
	}
}

// goldenJSON is msg as Slack is sent it, indented, with "<" left as is so
// a golden reads like the message.
func goldenJSON(t *testing.T, msg Message) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(msg); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
