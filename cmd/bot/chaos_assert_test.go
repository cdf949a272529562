package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
)

// What the chaos test asserts once every request has ended.

// assertRanAtMostOnce checks each request against the store's history
// and the audit trail: one approval, at most one claim to run it, at
// most one executed record, and an ending that agrees with both.
func assertRanAtMostOnce(t *testing.T, obs *observer, final map[string]approval.Request) {
	t.Helper()
	stages := obs.untilAudited(t, final, time.Minute)
	claims, err := obs.claims(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	refused := 0
	for id, r := range final {
		st := stages[id]
		refused += st[audit.StageRejected]
		if claims[id] != 1 || st[audit.StageApproved] != 1 {
			t.Errorf("request %s (%s): claimed %d times, approved %d times; want once each", id, r.State, claims[id], st[audit.StageApproved])
		}
		want := map[audit.Stage]int{audit.StageExecuted: 1, audit.StageInterrupted: 0}
		if r.State == approval.Interrupted {
			want = map[audit.Stage]int{audit.StageExecuted: 0, audit.StageInterrupted: 1}
		}
		for stage, n := range want {
			if st[stage] != n {
				t.Errorf("request %s (%s) has %d %s audit records, want %d", id, r.State, st[stage], stage, n)
			}
		}
	}
	// A second press is either known as a redelivery of the first and
	// dropped, or reaches the store, loses to the first, and is on the
	// record as rejected.
	t.Logf("%d second presses lost to the first and audited as rejected", refused)
}

// assertKilledOnesInterrupted checks how each request ended: those the
// killed replica was running are interrupted (one may have finished in
// the instant before the signal), every other one succeeded, and each
// was decided by the approver who pressed.
func assertKilledOnesInterrupted(t *testing.T, final map[string]approval.Request, running map[string]bool, killed *replica, deciders map[string]string) {
	t.Helper()
	interrupted := 0
	for id, r := range final {
		if want := slackPrincipal(deciders[id]); r.DecidedBy != want {
			t.Errorf("request %s was decided by %q, want %q", id, r.DecidedBy, want)
		}
		switch {
		case running[id] && r.State == approval.Interrupted:
			interrupted++
		case running[id] && r.State == approval.Succeeded && killed.runs(r.Executor):
			// It finished between the look at the table and the signal.
		case running[id]:
			t.Errorf("request %s, running on the killed replica, ended %s (executor %s)", id, r.State, r.Executor)
		case r.State != approval.Succeeded:
			t.Errorf("request %s ended %s (executor %s, error %q); only the killed replica's may be interrupted", id, r.State, r.Executor, r.Error)
		}
	}
	if interrupted == 0 {
		t.Errorf("none of the %d requests the killed replica ran is interrupted", len(running))
	}
}

// chaosDuties are the duties a replica is elected for.
var chaosDuties = []string{"discord-gateway", "sweeper"}

// awaitDuties waits until r holds every duty and its Discord gateway is
// the one connection.
func awaitDuties(t *testing.T, ws *workspace, obs *observer, r *replica) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // bounds a hang; measures nothing
	defer cancel()
	for {
		held := 0
		for _, d := range chaosDuties {
			if h, err := obs.holder(ctx, d); err == nil && r.runs(h) {
				held++
			}
		}
		if st := ws.discord.State(); held == len(chaosDuties) && st.Gateway.Live == 1 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("replica %s never held %v with one gateway connection", r.name, chaosDuties)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// watchDuties follows, from the SIGKILL on, the duties the killed
// replica held, and delivers how long each took to reach a survivor (its
// lease naming one), or an error.
func watchDuties(t *testing.T, obs *observer, killed *replica, survivors []*replica, killedAt time.Time) <-chan dutyMoves {
	out := make(chan dutyMoves, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // bounds a hang; measures nothing
		defer cancel()
		m := dutyMoves{after: map[string]time.Duration{}}
		for len(m.after) < len(chaosDuties) {
			for _, d := range chaosDuties {
				if _, done := m.after[d]; done {
					continue
				}
				h, err := obs.holder(ctx, d)
				if err != nil || h == "" || killed.runs(h) {
					continue
				}
				if !survivors[0].runs(h) && !survivors[1].runs(h) {
					m.err = fmt.Errorf("duty %s is held by %q, neither survivor", d, h)
					out <- m
					return
				}
				m.after[d] = time.Since(killedAt)
			}
			select {
			case <-ctx.Done():
				m.err = fmt.Errorf("the killed replica's duties did not all move within a minute: moved %v", m.after)
				out <- m
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
		out <- m
	}()
	return out
}

type dutyMoves struct {
	after map[string]time.Duration // duty → time from the SIGKILL to a survivor's lease
	err   error
}

// assertGatewayMoved checks that the singleton duties the killed replica
// held (the Discord gateway, the sweep) were taken over by a survivor,
// and that the Discord gateway shows one live connection again,
// identified afresh. The times are logged; the lease's bound (13 s,
// docs/duties.md) is asserted by the duty's own tests, in a process less
// loaded than three replicas at work.
func assertGatewayMoved(t *testing.T, ws *workspace, duties <-chan dutyMoves) {
	t.Helper()
	m := <-duties
	if m.err != nil {
		t.Fatal(m.err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // bounds a hang; measures nothing
	defer cancel()
	st, err := ws.discord.Wait(ctx, func(st discordtest.State) bool { return st.Gateway.Live == 1 && st.Gateway.Identifies >= 2 })
	if err != nil {
		t.Fatalf("the Discord gateway did not reconnect from a survivor: %v", err)
	}
	t.Logf("duties taken over after the SIGKILL: discord-gateway in %s, sweeper in %s; gateway connections %d, identifies %d, live %d",
		m.after["discord-gateway"].Round(time.Millisecond), m.after["sweeper"].Round(time.Millisecond),
		st.Gateway.Connections, st.Gateway.Identifies, st.Gateway.Live)
}

// waitShown waits until Slack shows what, that is until wrong finds
// nothing wrong with it, and fails naming what is still wrong.
func waitShown(t *testing.T, ws *workspace, what string, final map[string]approval.Request, wrong func(slacktest.State, map[string]approval.Request) []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // bounds a hang; measures nothing
	defer cancel()
	st, err := ws.fake.Wait(ctx, func(st slacktest.State) bool { return len(wrong(st, final)) == 0 })
	if err != nil {
		w := wrong(st, final)
		t.Fatalf("gave up waiting until %s: %d wrong, e.g. %s", what, len(w), w[0])
	}
}

// staleMessages says, for each request whose approval messages are not
// exactly one showing its final state, what is wrong.
func staleMessages(st slacktest.State, final map[string]approval.Request) []string {
	var out []string
	msgs := approvalMessages(st)
	if n := len(st.Messages[chaosApprovals]); n != len(final) {
		out = append(out, fmt.Sprintf("#approvals holds %d messages for %d requests", n, len(final)))
	}
	for id, r := range final {
		if len(msgs[id]) != 1 {
			out = append(out, fmt.Sprintf("request %s has %d messages", id, len(msgs[id])))
			continue
		}
		if why := notFinal(msgs[id][0], r); why != "" {
			out = append(out, "request "+id+": "+why)
		}
	}
	slices.Sort(out)
	return out
}

// notFinal says how message m fails to show r as it ended: its state in
// the title, who decided it, how it ended, and no button left.
func notFinal(m slacktest.Message, r approval.Request) string {
	s := shown(m)
	decider := r.DecidedBy[strings.LastIndexByte(r.DecidedBy, ':')+1:]
	switch {
	case !strings.Contains(m.Text(), ": "+string(r.State)+" (request "+r.ID+")"):
		return "shows " + strings.TrimSpace(m.Text()) + "; the request is " + string(r.State)
	case strings.Contains(s, approveButton) || strings.Contains(s, denyButton):
		return "still shows buttons"
	case !strings.Contains(s, "<@"+decider+">"):
		return "does not name the approver " + decider
	case r.State == approval.Succeeded && !strings.Contains(s, "*Outcome*"):
		return "shows no outcome"
	case r.State == approval.Interrupted && !strings.Contains(s, r.Error):
		return "does not say why it was interrupted"
	}
	return ""
}

// untoldRequesters says, for each request whose requester was not told
// in #ops exactly once how it ended, what is wrong.
func untoldRequesters(st slacktest.State, final map[string]approval.Request) []string {
	told := map[string][]slacktest.Message{}
	for _, m := range st.Messages[chaosOps] {
		if id := titled.FindStringSubmatch(m.Text()); id != nil {
			told[id[1]] = append(told[id[1]], m)
		}
	}
	var out []string
	for id, r := range final {
		switch ms := told[id]; {
		case len(ms) != 1:
			out = append(out, fmt.Sprintf("the requester of %s was told %d times", id, len(ms)))
		case !strings.Contains(ms[0].Text(), ": "+string(r.State)+" (request "+id+")"):
			out = append(out, "the requester of "+id+" was told "+ms[0].Text()+"; it is "+string(r.State))
		}
	}
	slices.Sort(out)
	return out
}

// titled finds the request a message is about in its text, the view's
// title: "reboot demo-c01/c01-501: succeeded (request r-2evhjctg)".
var titled = regexp.MustCompile(`\(request (r-[0-9a-z]+)\)`)
