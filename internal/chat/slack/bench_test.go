package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/chat"
	slackchat "github.com/vpsops/vpsops/internal/chat/slack"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
	"github.com/vpsops/vpsops/internal/commands"
)

// The adapter's request path, one request at a time (the load test,
// load_test.go, has 200 at once). An acknowledgement is a signed request
// from its arrival until the adapter's 200: the signature check, the
// replay check, parsing, and handing the work to a goroutine. The work
// itself (the runner, the audit records, the answer to the response_url)
// runs after the 200, as it does for Slack, and each iteration waits for
// it before the next request, so each acknowledgement meets an otherwise
// idle process. So ns/op is one whole request: made and signed (Slack's
// side), acknowledged, and its work done; ack-p50-µs and ack-p99-µs are
// the acknowledgement alone, timed around it; cpu-µs/op is the process's
// CPU time per request (Linux only): the adapter, the runner, the fake
// Slack's side and the bot's change-feed watcher together.
//
// Each comes in three ways: "handler", ServeHTTP with an
// httptest.ResponseRecorder (the adapter alone); "loopback", over a
// kept-alive connection to an httptest server (net/http on both ends
// added); and "loopback-bare", the same requests over loopback to a
// handler that only answers 200, in the same run (the floor under
// "loopback"). CI runs them once (-benchtime 1x); figures come from
// -benchtime 2s -count 3 (docs/benchmarks.md).

// BenchmarkSlashCommandAck is `/vps status demo-fra/fra-101` from a
// viewer, the demo fleet answering at once.
func BenchmarkSlashCommandAck(b *testing.B) {
	benchAck(b, slackchat.CommandsPath, func(fake *slacktest.Server, i int) []byte {
		// A different viewer each time: the chat layer paces each person
		// (20 at once, then one a second), and one person would soon be
		// measuring "slow down" instead of the command.
		return fake.Slash(slacktest.SlashCommand{User: benchUser(i), Channel: ops, Text: "status demo-fra/fra-101"}).Body()
	}, "fra-101")
}

// BenchmarkInteractionAck is an Approve pressed on a request id the store
// does not know (a message of a request long gone): the payload is
// parsed and the button read before the 200; the runner's refusal goes
// to the presser afterwards.
func BenchmarkInteractionAck(b *testing.B) {
	benchAck(b, slackchat.InteractionsPath, func(fake *slacktest.Server, i int) []byte {
		return fake.Actions(slacktest.BlockActions{User: benchUser(i), Channel: approvals, Actions: []slacktest.Action{{
			ActionID: "vps:approve", Value: "r-zzzzzzzz", Type: "button", Text: "Approve",
			// Slack stamps every press; the adapter acts once per stamp.
			ActionTS: fmt.Sprintf("1765058400.%06d", i),
		}}}).Body()
	}, ":x:")
}

// benchUser is one of 1,000 viewers (policy: slack:T0FAKE:UV*).
func benchUser(i int) string { return fmt.Sprintf("UV%04d", i%1000) }

// benchAck times the acknowledgement of the requests body makes, posted
// to path; want is in the answer each gets through its response_url.
func benchAck(b *testing.B, path string, body func(fake *slacktest.Server, i int) []byte, want string) {
	for _, way := range []string{"handler", "loopback", "loopback-bare"} {
		b.Run(way, func(b *testing.B) {
			fake := newFake(b)
			bot := startBot(b, fake, openApp(b, db(b), 1000), httpMode)
			mux := http.NewServeMux()
			if err := bot.adapter.Routes(mux); err != nil {
				b.Fatal(err)
			}
			ack, check := handlerAck(mux), want
			switch way {
			case "loopback":
				ack = loopbackAck(b, mux)
			case "loopback-bare":
				// What net/http and the machine cost by themselves: the
				// same requests answered 200 with nothing done.
				ack = loopbackAck(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, _ = io.Copy(io.Discard, r.Body)
				}))
				check = ""
			}
			secret := fake.Options().SigningSecret
			next := func(i int) *http.Request {
				raw := body(fake, i)
				r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(raw))
				for k, v := range slacktest.Sign(secret, time.Now(), raw) {
					r.Header[k] = v
				}
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				return r
			}
			// One request before timing: it must be answered right.
			if status := ack(next(0)); status != http.StatusOK {
				b.Fatalf("acknowledged %d", status)
			}
			bot.adapter.Wait()
			if check != "" && !answered(fake, check) {
				b.Fatalf("no answer with %q through the response_url", check)
			}
			var acks []time.Duration
			cpu0, cpuOK := processCPU()
			for i := 1; b.Loop(); i++ {
				r := next(i)
				t0 := time.Now()
				status := ack(r)
				acks = append(acks, time.Since(t0))
				if status != http.StatusOK {
					b.Fatalf("acknowledged %d", status)
				}
				bot.adapter.Wait() // the work the 200 started
			}
			if cpu1, ok := processCPU(); ok && cpuOK {
				b.ReportMetric(float64(cpu1-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
			}
			acks = sorted(acks)
			b.ReportMetric(float64(percentile(acks, 50))/float64(time.Microsecond), "ack-p50-µs")
			b.ReportMetric(float64(percentile(acks, 99))/float64(time.Microsecond), "ack-p99-µs")
		})
	}
}

// handlerAck serves a request with h directly and returns its status.
func handlerAck(h http.Handler) func(*http.Request) int {
	return func(r *http.Request) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
}

// loopbackAck sends a request to h over a kept-alive loopback connection
// and returns its status once the answer's body is read.
func loopbackAck(b *testing.B, h http.Handler) func(*http.Request) int {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	client := srv.Client()
	return func(r *http.Request) int {
		req, err := http.NewRequest(r.Method, srv.URL+r.URL.Path, r.Body)
		if err != nil {
			b.Fatal(err)
		}
		req.Header = r.Header
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
}

// answered reports whether some response_url got an answer holding want.
func answered(fake *slacktest.Server, want string) bool {
	for _, rs := range fake.State().Responses {
		for _, r := range rs {
			if strings.Contains(r.Text+string(r.Blocks), want) {
				return true
			}
		}
	}
	return false
}

// BenchmarkRender lays out the two largest replies the adapter sends: a
// page of a 187-row server list (40 rows, its page buttons and the line
// saying what is not shown) and an approval request as an approver sees
// it (fields, Approve and Deny). It reports the blocks' size as JSON, as
// they are sent, in bytes.
func BenchmarkRender(b *testing.B) {
	a := openApp(b, db(b), 1000)
	b.Cleanup(func() { a.Close() })
	ctx := context.Background()
	q := commands.Request{Source: slackchat.Source, Principal: principal(alice), CanConfirm: true}
	res, err := a.Runner.RunText(ctx, q, "delete demo-nyc/nyc-201")
	if err != nil || res.Pending == nil {
		b.Fatalf("delete did not stop at its gate: %v", err)
	}
	if _, err := a.Runner.Confirm(ctx, q, res.Pending.ID); err != nil {
		b.Fatal(err)
	}
	v, err := a.Runner.Lookup(ctx, res.Pending.ID, principal(bob))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		reply chat.Reply
		want  string
	}{
		{"list-187-page-0", chat.Reply{Result: benchServers(187), Page: chat.Page{Token: "k7", Index: 0}}, "vps:page"},
		{"approval-view", chat.Reply{View: &v}, "vps:approve"},
	} {
		b.Run(c.name, func(b *testing.B) {
			blocks, err := json.Marshal(slackchat.Render(c.reply).Blocks)
			if err != nil {
				b.Fatal(err)
			}
			if err := slacktest.CheckBlocks(blocks); err != nil || !strings.Contains(string(blocks), c.want) {
				b.Fatalf("rendered %s without %q: %v", blocks, c.want, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				slackchat.Render(c.reply)
			}
			b.ReportMetric(float64(len(blocks)), "blocks-B")
		})
	}
}

// benchServers is a list of n servers as list shows them: the rows of
// the renderer's golden list (servers in render_fixtures_test.go).
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
