package slack

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
	requester = commands.Principal("slack:T01ABCD:U02EFGH")
	approver  = commands.Principal("shell:bob") // may approve on the demo fleet
)

var (
	runnerOnce sync.Once
	runnerApp  *app.App
	runnerErr  error
)

// testRunner is one runner on an in-memory database and the demo fleet,
// shared by the tests of the package: it only renders views and runs
// read commands, so nothing of one test reaches another.
func testRunner(t testing.TB) *commands.Runner {
	t.Helper()
	runnerOnce.Do(func() {
		cfg := config.Default()
		cfg.Database = ":memory:"
		runnerApp, runnerErr = app.Open(context.Background(), cfg, app.Options{Clock: func() time.Time { return renderEpoch }})
	})
	if runnerErr != nil {
		t.Fatal(runnerErr)
	}
	return runnerApp.Runner
}

// request is a reinstall of demo-fra/fra-101 in state, as the store keeps
// it; edit sets what the state has on top.
func request(state approval.State, edit func(*approval.Request)) approval.Request {
	q := approval.Request{
		ID: "r-k2m9xw4q", State: state, NeedsConfirm: true, NeedsApproval: true,
		Source: "slack", Principal: string(requester), Command: "reinstall", Target: "demo-fra/fra-101",
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

func decided(by, note string) func(*approval.Request) {
	return func(q *approval.Request) { q.DecidedBy, q.DecisionNote = by, note }
}

// view is the reply showing q to viewer.
func view(t testing.TB, q approval.Request, viewer commands.Principal) chat.Reply {
	v := testRunner(t).View(q, viewer)
	return chat.Reply{View: &v}
}

// run is the reply to line, asked by someone the default policy lets use
// the demo fleet.
func run(t testing.TB, line string) chat.Reply {
	t.Helper()
	res, err := testRunner(t).RunText(context.Background(), commands.Request{Source: "slack", Principal: "shell:alice"}, line)
	if err != nil {
		return chat.Reply{Err: err}
	}
	return chat.Reply{Result: &res}
}

// servers is a list of n servers, as list shows them.
func servers(n int) *commands.Result {
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

// hostile is a result whose every free part is something a provider or a
// person could have named a server: pings, links, formatting, code
// fences, right-to-left text and emoji.
func hostile() *commands.Result {
	names := []string{
		"<!channel>", "<!here|here>", "<https://evil.example|click>", "*x*", "_y_ ~z~",
		"a`b``c```d", "&amp; &lt; <@U999>", "\u202eevil.exe", "خادم-الويب", "🔥web-🚀", "<#C123>",
	}
	t := &commands.Table{Columns: []string{"SERVER", "NAME"}}
	var fields []commands.Field
	for i, n := range names {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("demo-fra/h-%d", i), n})
		fields = append(fields, commands.Field{Name: n, Value: n})
	}
	t.Size = commands.Size{Total: len(names)}
	return &commands.Result{
		Title: "<!channel> *x* `y` <https://e|x>", Text: "server `<!everyone>` says <https://evil.example|hi>\nsecond line ```",
		Fields: fields, Table: t, Notes: []string{"<!channel> did not answer: <https://e|x>"},
	}
}
