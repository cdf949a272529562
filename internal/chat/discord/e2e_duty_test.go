package discord_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/duty"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// replica is one bot process over the gateway whose connection is the
// gateway duty, elected on a pool of its own (so a test can cut it off
// the database as a partition would).
type replica struct {
	*bot
	electorDB *store.DB
	holding   atomic.Bool
	stop      func()
}

// holdings is the order in which replicas started and ended holding
// their gateway duty's work, the connection included.
type holdings struct {
	mu     sync.Mutex
	events []string
}

func (h *holdings) note(ev string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, ev)
}

func (h *holdings) snapshot() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.events)
}

// startReplica starts a replica with lease figures shorter than
// production's, so the test waits less for takeovers; it measures none.
func startReplica(t *testing.T, fake *discordtest.Server, path, name string, clock *testClock, lease time.Duration, log *holdings) *replica {
	t.Helper()
	a := openAppAt(t, path, 1000)
	r := &replica{bot: &bot{app: a}, electorDB: storetest.Open(t, path)}
	o := duty.Options{Lease: lease, Renew: lease / 10}
	o.Logger = testLogger(t).With("replica", name)
	e, err := duty.New(r.electorDB, name, o)
	if err != nil {
		t.Fatal(err)
	}
	fo := fake.Options()
	ctx, cancel := context.WithCancel(context.Background())
	r.ad, err = discordchat.New(ctx, a.Runner, discordchat.Config{Token: fo.BotToken, AppID: fo.ApplicationID, GuildID: guild,
		ApprovalsChannel: approvals, APIURL: fake.URL(), Logger: testLogger(t).With("replica", name), Clock: clock.Now,
		Duties: watched{e, name, &r.holding, log}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.ad.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}, 2)
	go func() {
		a.Runner.Watch(ctx, 10*time.Millisecond, time.Second, func(n commands.Notice) { r.ad.Notify(ctx, n) })
		done <- struct{}{}
	}()
	go func() { r.ad.Run(ctx); done <- struct{}{} }()
	stopped := false
	r.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		<-done
		<-done
		r.ad.Wait()
		a.Close()
	}
	t.Cleanup(r.stop)
	return r
}

// watched is an elector that also says when its duty's work runs.
type watched struct {
	e       *duty.Elector
	replica string
	holding *atomic.Bool
	log     *holdings
}

func (w watched) Run(ctx context.Context, name string, fn func(context.Context)) {
	w.e.Run(ctx, name, func(ctx context.Context) {
		w.holding.Store(true)
		w.log.note("start " + w.replica)
		defer w.log.note("end " + w.replica)
		defer w.holding.Store(false)
		fn(ctx)
	})
}

// Two replicas over the gateway, one database, one Discord: only the
// replica holding the gateway duty connects and answers; when it stops,
// the other connects, with a session of its own.
func TestOnlyTheGatewayDutyHolderConnects(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	path := dbPath(t)
	log := &holdings{}
	first := startReplica(t, fake, path, "first", clock, 2*time.Second, log)
	waitFor(t, fake, "the first replica's connection", func(st discordtest.State) bool { return st.Gateway.Live == 1 })
	second := startReplica(t, fake, path, "second", clock, 2*time.Second, log)
	if !first.holding.Load() || second.holding.Load() {
		t.Fatalf("holding: first %v, second %v", first.holding.Load(), second.holding.Load())
	}
	i := first.deliver(t, fake, carol, discordtest.Command("vps", discordtest.SubCommand("whoami")))
	answered(t, fake, i.ID, "discord:"+carol)

	first.stop()
	st := waitFor(t, fake, "the second replica's connection", func(st discordtest.State) bool {
		return st.Gateway.Identifies == 2 && st.Gateway.Live == 1
	})
	if !second.holding.Load() {
		t.Fatal("a connection came up, yet the second replica does not hold the duty")
	}
	// One connection per holding: the second never connected while the
	// first held the duty, and the takeover identified afresh.
	if st.Gateway.Connections != 2 || st.Gateway.Resumes != 0 {
		t.Fatalf("%d connections, %d resumes for two holdings", st.Gateway.Connections, st.Gateway.Resumes)
	}
	i = second.deliver(t, fake, carol, discordtest.Command("vps", discordtest.SubCommand("whoami")))
	answered(t, fake, i.ID, "discord:"+carol)
	if ev := log.snapshot(); !slices.Equal(ev, []string{"start first", "end first", "start second"}) {
		t.Fatalf("the holdings overlapped: %v", ev)
	}
}

// A holder cut off from the database (a partition; a killed process's
// lease lapses the same way) closes its gateway connection at once when
// it gives the duty up, and the other replica connects after it.
func TestAGatewayHolderCutOffClosesAndTheOtherConnects(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	path := dbPath(t)
	// A lease long enough for the first to close its connection (which
	// discordgo takes a second over) in the quarter of a lease it has.
	const lease = 6 * time.Second
	log := &holdings{}
	first := startReplica(t, fake, path, "first", clock, lease, log)
	waitFor(t, fake, "the first replica's connection", func(st discordtest.State) bool { return st.Gateway.Live == 1 })
	second := startReplica(t, fake, path, "second", clock, lease, log)

	first.electorDB.Close()
	st := waitFor(t, fake, "the second replica's connection", func(st discordtest.State) bool {
		return st.Gateway.Identifies == 2 && st.Gateway.Live == 1
	})
	if first.holding.Load() || !second.holding.Load() || st.Gateway.Connections != 2 {
		t.Fatalf("holding: first %v, second %v; %d connections", first.holding.Load(), second.holding.Load(), st.Gateway.Connections)
	}
	if ev := log.snapshot(); !slices.Equal(ev, []string{"start first", "end first", "start second"}) {
		t.Fatalf("the holdings overlapped: %v", ev)
	}
}
