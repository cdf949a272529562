package discord

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

// update rewrites the package's golden files (messages and the
// application command).
var update = flag.Bool("update", false, "rewrite golden files in testdata")

// renderGoldens are the replies whose messages are pinned in
// testdata/render: a change of layout shows in review as a diff of them.
func renderGoldens(t *testing.T) map[string]chat.Reply {
	long := renderServers(187)
	return map[string]chat.Reply{
		"list-small":        renderRun(t, "list"),
		"list-187-page-0":   {Result: long, Page: chat.Page{Token: "k7", Index: 0}},
		"list-187-page-4":   {Result: long, Page: chat.Page{Token: "k7", Index: 4}},
		"list-187-no-token": {Result: long},
		"list-truncated":    {Result: renderTruncated()},
		"status":            {Result: renderStatus()},
		"error-usage":       renderRun(t, "reboot"),
		"error-plain":       {Err: fault.Errorf(fault.Unavailable, "edis-fra did not answer: timed out")},
		"view-confirm":      renderView(t, renderRequest(approval.Confirming, nil), renderRequester),
		"view-approval":     renderView(t, renderRequest(approval.Pending, nil), renderApprover),
		"view-pending-own":  renderView(t, renderRequest(approval.Pending, nil), renderRequester),
		"view-approved":     renderView(t, renderRequest(approval.Approved, renderDecided("shell:bob", "")), renderRequester),
		"view-executing":    renderView(t, renderRequest(approval.Executing, renderExecuting), renderRequester),
		"view-succeeded":    renderView(t, renderRequest(approval.Succeeded, renderSucceeded), renderRequester),
		"view-failed":       renderView(t, renderRequest(approval.Failed, renderFailed), renderRequester),
		"view-denied":       renderView(t, renderRequest(approval.Denied, renderDecided("discord:234567890123456789", "not during the release freeze")), renderRequester),
		"view-expired":      renderView(t, renderRequest(approval.Expired, nil), renderApprover),
		"pending-result":    renderPendingResult(t),
		"step":              {Step: &chat.Step{Title: "Reinstalling demo-fra/web-1 (203.0.113.10) with debian-12", Progress: commands.Progress{Message: "installing", Percent: 42}, Elapsed: 65 * time.Second}},
		"secret":            {Result: renderSecret()},
		"text-mention":      {Text: "demo-fra/fra-101 rebooted", Mention: renderRequester},
		"result-mention":    {Result: &commands.Result{Title: "demo-fra/fra-101 rebooted"}, Mention: renderRequester},
		"hostile":           {Result: renderHostile(), Mention: "shell:@everyone"},
		"hostile-view":      renderView(t, renderRequest(approval.Denied, renderHostileRequest), renderRequester),
	}
}

func renderExecuting(q *approval.Request) {
	q.DecidedBy = "shell:bob"
	q.Progress = approval.Progress{Text: "installing", Percent: 42, At: renderEpoch.Add(2 * time.Minute)}
}

func renderSucceeded(q *approval.Request) {
	q.DecidedBy = "shell:bob"
	q.Outcome = "demo-fra/fra-101 reinstalled with debian-12 — now running"
}

func renderFailed(q *approval.Request) {
	q.DecidedBy = "shell:bob"
	q.ErrorClass, q.Error = "unavailable", "demo-fra did not answer: timed out"
}

func renderHostileRequest(q *approval.Request) {
	q.TargetName = "@everyone`x`"
	q.DecidedBy, q.DecisionNote = "shell:bob", "[see here](https://evil.example) **now** @here <@&42>"
}

// renderPendingResult is what the requester is answered when their
// command stops at the confirm gate, with the password generated for it.
func renderPendingResult(t *testing.T) chat.Reply {
	v := renderRunner(t).View(renderRequest(approval.Confirming, nil), renderRequester)
	return chat.Reply{Result: &commands.Result{
		Title: v.Title, Text: v.Summary, Pending: &v,
		Secret: []commands.Field{{Name: "password (set when it runs)", Value: "Mue3HZTFKuLGE4ML8Bi2"}},
	}}
}

// renderStatus is what status shows of a demo server, written out: the
// demo's live figures change from run to run.
func renderStatus() *commands.Result {
	return &commands.Result{Title: "demo-fra/fra-101 (web-1): running", Fields: []commands.Field{
		{Name: "Provider", Value: "Demo (FRA)"}, {Name: "Status", Value: "running"},
		{Name: "IPv4", Value: "192.0.2.11"}, {Name: "IPv6", Value: "2001:db8:100::1"},
		{Name: "Region", Value: "fra"}, {Name: "Plan", Value: "vps-2"}, {Name: "Image", Value: "debian-12"},
		{Name: "Size", Value: "2 vCPU, 4 GB RAM, 80 GB disk"}, {Name: "Created", Value: "2026-05-20"},
		{Name: "cpu", Value: "32.18 %"},
		{Name: "Can do", Value: "power, images, reinstall, delete, console, login, iso, ptr, snapshots, snapshot create"},
	}}
}

func renderSecret() *commands.Result {
	return &commands.Result{
		Title:  "demo-fra/fra-101 reinstalled with debian-12 — now running",
		Text:   "A root password was generated; it is shown only to you, once. Store it now.",
		Secret: []commands.Field{{Name: "root password", Value: "Mue3HZTFKuLGE4ML8Bi2"}},
	}
}

// renderTruncated is a list the command itself cut at its cap.
func renderTruncated() *commands.Result {
	r := renderServers(20)
	r.Title = "20 audit records"
	r.Table.Size = commands.Size{Total: 21, Truncated: true}
	r.Table.More = "server=, user= or since= narrow it"
	return r
}

func TestRenderGoldens(t *testing.T) {
	dir := filepath.Join("testdata", "render")
	for name, r := range renderGoldens(t) {
		t.Run(name, func(t *testing.T) {
			msg := Render(r)
			if err := CheckLimits(msg); err != nil {
				t.Fatalf("breaks a Discord limit: %v", err)
			}
			assertNothingUnescaped(t, msg)
			checkGolden(t, filepath.Join(dir, name+".json"), goldenJSON(t, msg))
		})
	}
}

// checkGolden compares got with the golden file at path, or rewrites it
// with -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/chat/discord/ -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s changed; review and run go test ./internal/chat/discord/ -update\n%s", path, got)
	}
}

// goldenJSON is v as Discord is sent it, indented, with "<" left as is so
// a golden reads like the message.
func goldenJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
