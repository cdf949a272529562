package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/chat"
	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// The adapter's request path, one interaction at a time (the load test,
// load_test.go, has 200 at once). An acknowledgement is a signed
// `/vps status` interaction from its arrival at the endpoint until the
// adapter has flushed its deferred response: the signature check, the
// replay check, decoding, mapping the options to a command, choosing a
// private or public deferral, and handing the work to a goroutine. The
// work itself (the runner, the audit records, the edit of the original
// response with the answer) runs after, as it does for Discord, and each
// iteration waits for it before the next interaction, so each
// acknowledgement meets an otherwise idle process. So ns/op is one whole
// interaction: minted and signed (Discord's side), acknowledged, taken as
// the callback by the fake, and its work done; ack-p50-µs and ack-p99-µs
// are the acknowledgement alone; cpu-µs/op is the process's CPU time per
// interaction (Linux only): the adapter, the runner, the fake Discord's
// side and the bot's change-feed watcher together.
//
// It comes in three ways: "handler", ServeHTTP with an
// httptest.ResponseRecorder (the adapter alone), timed until the adapter
// flushed its answer; "loopback", over a kept-alive connection to an
// httptest server (net/http on both ends added), timed until the client
// has read the deferred response; and "loopback-bare", the same requests
// over loopback to a handler that only answers a deferral, in the same
// run (the floor under "loopback"). CI runs them once (-benchtime 1x);
// figures come from -benchtime 2s -count 3 (docs/benchmarks.md).

// benchUsers is how many people the interactions rotate through: the chat
// layer paces each person (twenty at once, then one a second), and one
// person sending thousands would be told to slow down.
const benchUsers = 1000

// benchUser is the Discord user id of the i-th benchmark user, a viewer.
func benchUser(i int) string { return fmt.Sprintf("%s%05d", benchUserPrefix, i%benchUsers) }

const (
	benchUserPrefix = "4800000000000"
	benchRequester  = "4900000000000000001" // may delete on demo-nyc
	benchApprover   = "4900000000000000002"
)

// BenchmarkInteractionAck is `/vps status server:demo-fra/fra-101` from
// a viewer, the demo fleet answering at once.
func BenchmarkInteractionAck(b *testing.B) {
	for _, way := range []string{"handler", "loopback", "loopback-bare"} {
		b.Run(way, func(b *testing.B) {
			fake := newLoadFake(b)
			ad := startLoadBot(b, fake, openBenchApp(b))
			side := &discordSide{fake: fake, next: interactionsHandler(b, ad), fail: func(err error) { b.Error(err) }}
			var ack func(r *http.Request) time.Duration
			switch way {
			case "handler":
				ack = func(r *http.Request) time.Duration {
					w := httptest.NewRecorder()
					side.ServeHTTP(w, r)
					took := side.take()
					if w.Code != http.StatusOK || len(took) != 1 {
						b.Fatalf("answered %d, flushed %d times: %s", w.Code, len(took), w.Body)
					}
					return took[0]
				}
			case "loopback":
				ack = loopbackAck(b, side)
			case "loopback-bare":
				// What net/http and the machine cost by themselves: the
				// same requests answered with a deferral, nothing done.
				ack = loopbackAck(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, _ = io.Copy(io.Discard, r.Body)
					w.Header().Set("Content-Type", "application/json")
					_, _ = io.WriteString(w, `{"type":5,"data":{"flags":64}}`+"\n")
				}))
			}
			var ids []string
			next := func(i int) *http.Request {
				in := benchStatus(i)
				in = fake.Mint(in)
				ids = append(ids, in.ID)
				return signedRequest(b, fake, "http://vpsops.test"+discordchat.InteractionsPath, in.JSON())
			}
			var acks []time.Duration
			cpu0, cpuOK := processCPU()
			for i := 0; b.Loop(); i++ {
				r := next(i)
				acks = append(acks, ack(r))
				ad.Wait() // the work the deferral started
			}
			if cpu1, ok := processCPU(); ok && cpuOK {
				b.ReportMetric(float64(cpu1-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
			}
			if way != "loopback-bare" {
				checkAnswered(b, fake, ids)
			}
			acks = sorted(acks)
			b.ReportMetric(float64(percentile(acks, 50))/float64(time.Microsecond), "ack-p50-µs")
			b.ReportMetric(float64(percentile(acks, 99))/float64(time.Microsecond), "ack-p99-µs")
		})
	}
}

// benchStatus is the i-th interaction: `/vps status` of a demo server.
func benchStatus(i int) discordtest.Interaction {
	in := discordtest.Command("vps", discordtest.SubCommand("status", discordtest.String("server", "demo-fra/fra-101")))
	in.GuildID, in.ChannelID, in.UserID = loadGuild, loadChannel, benchUser(i)
	return in
}

// checkAnswered fails b unless every interaction of ids had its original
// response edited, privately, with the answer: none was refused or told
// to slow down.
func checkAnswered(b *testing.B, fake *discordtest.Server, ids []string) {
	st := fake.State()
	for n, id := range ids {
		o := st.Interactions[id].Original
		if o == nil || !o.Ephemeral || len(o.History) != 2 || !strings.Contains(o.Now().Content+string(o.Now().Embeds), "fra-101") {
			b.Fatalf("interaction %d of %d was not answered with the server: %+v", n, len(ids), o)
		}
	}
}

// loopbackAck sends a request to h over a kept-alive loopback connection
// and returns how long it took until the deferred response was read.
func loopbackAck(b *testing.B, h http.Handler) func(*http.Request) time.Duration {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	client := srv.Client()
	return func(r *http.Request) time.Duration {
		req, err := http.NewRequest(r.Method, srv.URL+r.URL.Path, r.Body)
		if err != nil {
			b.Fatal(err)
		}
		req.Header = r.Header
		took, err := deferredResponse(client, req)
		if err != nil {
			b.Fatal(err)
		}
		return took
	}
}

// openBenchApp opens the real wiring on the demo fleet (at speed 1000), with
// a policy that lets the benchmark's users read, benchRequester delete on
// demo-nyc and benchApprover approve it.
func openBenchApp(b testing.TB) *app.App {
	b.Helper()
	dir := b.TempDir()
	cfg := config.Default()
	cfg.Database = filepath.Join(dir, "vpsops.db")
	cfg.Demo.Speed = 1000
	cfg.Policy.Policy = filepath.Join(dir, "policy.csv")
	grant := fmt.Sprintf("\ng, discord:%s*, viewer\ng, discord:%s, demo-owner\ng, discord:%s, approver\n",
		benchUserPrefix, benchRequester, benchApprover)
	if err := os.WriteFile(cfg.Policy.Policy, []byte(vpsops.DefaultPolicy+grant), 0o600); err != nil {
		b.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkRender lays out the two largest replies the adapter sends: a
// page of a 187-row server list (its rows as a code block, the page
// buttons and the line saying what is not shown) and an approval request
// as an approver sees it (fields, Approve and Deny). It reports the
// message's size as JSON, as it is sent, in bytes.
func BenchmarkRender(b *testing.B) {
	a := openBenchApp(b)
	b.Cleanup(func() { a.Close() })
	ctx := context.Background()
	q := commands.Request{Source: discordchat.Source, Principal: "discord:" + benchRequester, CanConfirm: true}
	res, err := a.Runner.RunText(ctx, q, "delete demo-nyc/nyc-201")
	if err != nil || res.Pending == nil {
		b.Fatalf("delete did not stop at its gate: %v", err)
	}
	if _, err := a.Runner.Confirm(ctx, q, res.Pending.ID); err != nil {
		b.Fatal(err)
	}
	v, err := a.Runner.Lookup(ctx, res.Pending.ID, "discord:"+benchApprover)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		reply chat.Reply
		want  string
	}{
		{"list-187-page-0", chat.Reply{Result: benchServers(187), Page: chat.Page{Token: "k7", Index: 0}}, "vps:page"},
		{"approval-view", chat.Reply{View: &v}, "vps:approve:"},
	} {
		b.Run(c.name, func(b *testing.B) {
			msg := discordchat.Render(c.reply)
			raw, err := json.Marshal(msg)
			if err != nil {
				b.Fatal(err)
			}
			if err := discordchat.CheckLimits(msg); err != nil {
				b.Fatal(err)
			}
			if err := discordtest.CheckMessage(raw); err != nil || !strings.Contains(string(raw), c.want) {
				b.Fatalf("rendered %s without %q: %v", raw, c.want, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				discordchat.Render(c.reply)
			}
			b.ReportMetric(float64(len(raw)), "message-B")
		})
	}
}

// benchServers is a list of n servers as list shows them.
func benchServers(n int) *commands.Result {
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

// processCPU is the CPU time this process has used (user and system, all
// threads), from /proc on Linux; elsewhere ok is false and cpu-µs/op is
// not reported. It moves much less than wall time with other work on a
// shared machine.
func processCPU() (cpu time.Duration, ok bool) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	// utime and stime are the 12th and 13th fields after the command
	// name (which is in parentheses and may hold spaces), in clock ticks
	// of 10 ms (USER_HZ is 100 on Linux).
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}
