package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// The fixtures of the renderer's tests: replies as the command layer makes
// them, so the goldens show its real words. Views come from a real
// runner's View of requests written out here, at a fixed time and id, so
// the goldens do not change from run to run.

var renderEpoch = time.Date(2026, 12, 6, 22, 0, 0, 0, time.UTC)

const (
	renderRequester = commands.Principal("discord:123456789012345678")
	renderApprover  = commands.Principal("shell:bob") // may approve on the demo fleet
)

var (
	renderOnce   sync.Once
	renderApp    *app.App
	renderAppErr error
)

// renderRunner is one runner on an in-memory database and the demo fleet,
// shared by the renderer's tests: it only renders views and runs read
// commands, so nothing of one test reaches another.
func renderRunner(t testing.TB) *commands.Runner {
	t.Helper()
	renderOnce.Do(func() {
		cfg := config.Default()
		cfg.Database = ":memory:"
		renderApp, renderAppErr = app.Open(context.Background(), cfg, app.Options{Clock: func() time.Time { return renderEpoch }})
	})
	if renderAppErr != nil {
		t.Fatal(renderAppErr)
	}
	return renderApp.Runner
}

// renderRequest is a reinstall of demo-fra/fra-101 in state, as the store
// keeps it; edit sets what the state has on top.
func renderRequest(state approval.State, edit func(*approval.Request)) approval.Request {
	q := approval.Request{
		ID: "r-k2m9xw4q", State: state, NeedsConfirm: true, NeedsApproval: true,
		Source: "discord", Principal: string(renderRequester), Command: "reinstall", Target: "demo-fra/fra-101",
		Args:       json.RawMessage(`{"server":"demo-fra/fra-101","image":"debian-12","password":"[generated]"}`),
		HasSecrets: true, Reason: "p2, *, demo-fra/*, reinstall, approval",
		CreatedAt: renderEpoch, ExpiresAt: renderEpoch.Add(15 * time.Minute), UpdatedAt: renderEpoch,
		Version: 7, TargetName: "web-1", TargetIP: "192.0.2.11",
	}
	if edit != nil {
		edit(&q)
	}
	return q
}

func renderDecided(by, note string) func(*approval.Request) {
	return func(q *approval.Request) { q.DecidedBy, q.DecisionNote = by, note }
}

// renderView is the reply showing q to viewer.
func renderView(t testing.TB, q approval.Request, viewer commands.Principal) chat.Reply {
	v := renderRunner(t).View(q, viewer)
	return chat.Reply{View: &v}
}

// renderRun is the reply to line, asked by someone the default policy
// lets use the demo fleet.
func renderRun(t testing.TB, line string) chat.Reply {
	t.Helper()
	res, err := renderRunner(t).RunText(context.Background(), commands.Request{Source: "discord", Principal: "shell:alice"}, line)
	if err != nil {
		return chat.Reply{Err: err}
	}
	return chat.Reply{Result: &res}
}

// renderServers is a list of n servers, as list shows them.
func renderServers(n int) *commands.Result {
	t := &commands.Table{Columns: []string{"SERVER", "NAME", "STATUS", "IPV4", "REGION", "PLAN"}}
	for i := range n {
		region := []string{"fra", "nyc", "sto"}[i%3]
		t.Rows = append(t.Rows, []string{
			fmt.Sprintf("edis-%s/kvm_%d", region, 1000+i), fmt.Sprintf("web-%d", i+1), []string{"running", "stopped"}[i%5/4],
			fmt.Sprintf("203.0.113.%d", i%250+1), region, "kvm-" + []string{"s", "m", "l"}[i%3],
		})
	}
	t.Size = commands.Size{Total: n}
	return &commands.Result{Title: fmt.Sprintf("%d servers", n), Table: t}
}

// hostileNames are what a provider or a person could have named a
// server: pings, links, formatting, code fences, headings, quotes, lists,
// right-to-left text and emoji.
var hostileNames = []string{
	"@everyone", "@here", "<@&987654321>", "<@123456789012345678>", "[click](https://evil.example)",
	"**x**", "_y_ ~~z~~", "||spoiler||", "a`b``c```d", "# big", "> quote", "- item", "1. first",
	"\\*still*", "\u202eevil.exe", "خادم-الويب", "🔥web-🚀", "<#123>", "<t:0:R>",
}

// renderHostile is a result whose every free part is a hostile name.
func renderHostile() *commands.Result {
	t := &commands.Table{Columns: []string{"SERVER", "NAME"}}
	var fields []commands.Field
	for i, n := range hostileNames {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("demo-fra/h-%d", i), n})
		fields = append(fields, commands.Field{Name: n, Value: n})
	}
	t.Size = commands.Size{Total: len(hostileNames)}
	return &commands.Result{
		Title:  "@everyone **x** `y` [z](https://e.example)",
		Text:   "server `@here` says [hi](https://evil.example) <@&42>\n# second line ```",
		Fields: fields, Table: t, Notes: []string{"@everyone did not answer: [x](https://e.example)"},
	}
}
