package discord_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/chat"
	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
)

// Over the gateway: the bot connects, registers /vps once, answers an
// INTERACTION_CREATE through the REST callback before it does the work,
// and goes on after Discord asks it to reconnect.
func TestGatewayConnectsRegistersOnceAnswersAndResumes(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	path := dbPath(t)
	b := startBot(t, fake, openAppAt(t, path, 1000), clock, true)
	st := fake.State()
	if st.Gateway.Identifies != 1 || st.Gateway.Live != 1 {
		t.Fatalf("after Start: %d identifies, %d live connections", st.Gateway.Identifies, st.Gateway.Live)
	}
	if st.Overwrites[guild] != 1 || len(st.Commands[guild]) != 1 || st.Commands[guild][0].Name != "vps" {
		t.Fatalf("/vps not registered once in the guild: %d overwrites, %+v", st.Overwrites[guild], st.Commands[guild])
	}

	// A second process with the same registry (started in HTTP mode, so
	// that one gateway session takes the interactions below) finds /vps as
	// it wants it.
	startBot(t, fake, openAppAt(t, path, 1000), clock, false)
	if n := fake.State().Overwrites[guild]; n != 1 {
		t.Fatalf("a second start overwrote the commands again: %d overwrites", n)
	}

	i := b.deliver(t, fake, carol, discordtest.Command("vps", discordtest.SubCommand("status", discordtest.String("server", "demo-fra/fra-101"))))
	m := answered(t, fake, i.ID, "fra-101")
	x := fake.State().Interactions[i.ID]
	if x.Callback == nil || x.Callback.Type != discordtest.CallbackDeferredMessage {
		t.Fatalf("the interaction was not deferred through the callback: %+v", x.Callback)
	}
	if !m.Ephemeral {
		t.Fatal("a read over the gateway was answered in the channel")
	}

	// Discord asks for a reconnect: the session resumes and the bot goes
	// on answering.
	fake.Reconnect()
	waitFor(t, fake, "a resume", func(st discordtest.State) bool { return st.Gateway.Resumes >= 1 && st.Gateway.Live == 1 })
	i = b.deliver(t, fake, carol, discordtest.Command("vps", discordtest.SubCommand("whoami")))
	answered(t, fake, i.ID, "discord:"+carol)
	if st := fake.State(); st.Gateway.Identifies != 1 {
		t.Fatalf("the reconnect identified anew instead of resuming: %d identifies", st.Gateway.Identifies)
	}
}

// An interaction discordgo cannot decode (a component type it does not
// know) reaches the gateway handler partly decoded: it is answered with
// the clear private error, not acted on nor left unanswered.
func TestGatewayAnswersAnUndecodableInteraction(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, true)
	i := discordtest.Component("vps:approve:r-x", 2, "999")
	i.Message = discordtest.UndecodableMessage(opsChan, "999")
	i = b.deliver(t, fake, carol, i)
	st := waitFor(t, fake, "the undecodable interaction answered", func(st discordtest.State) bool {
		return st.Interactions[i.ID].Callback != nil
	})
	cb := st.Interactions[i.ID].Callback
	if cb.Type != discordtest.CallbackMessage || !strings.Contains(string(cb.Data), "cannot read this interaction") ||
		!strings.Contains(string(cb.Data), `"flags":64`) {
		t.Fatalf("answered with %d %s", cb.Type, cb.Data)
	}
	b.ad.Wait()
	if n := fake.Calls(discordtest.RouteFollowUp); n != 0 {
		t.Fatalf("the undecodable press was acted on: %d follow-ups", n)
	}
	// Refused on the record, as over HTTP.
	if recs, err := b.app.Audit.Query(context.Background(), audit.Filter{Principal: string(discordchat.Unverified)}); err != nil || len(recs) == 0 {
		t.Fatalf("the undecodable interaction is not on the record: %v %v", recs, err)
	}
}

// An INTERACTION_CREATE dispatched twice (as a resume replays what the
// client may have missed, or as each replica's session gets it) is acted
// on once, and answered once: an answer to the second could reach Discord
// before the first's and take its place.
func TestGatewayActsOnceOnAReplayedInteraction(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	checks := &checkedDeliveries{next: chat.NewReplays(clock.Now), checked: make(chan struct{}, 2)}
	b := startBotWith(t, fake, openAppAt(t, dbPath(t), 1000), clock, true, checks)
	i := discordtest.Command("vps", discordtest.SubCommand("reboot", discordtest.String("server", "demo-fra/fra-101")))
	i.GuildID, i.ChannelID, i.UserID = guild, opsChan, alice
	i = fake.Mint(i)
	for range 2 {
		if err := fake.Dispatch("INTERACTION_CREATE", i.JSON()); err != nil {
			t.Fatal(err)
		}
	}
	answered(t, fake, i.ID, "<@"+alice+">", "demo-fra/fra-101")
	for range 2 {
		select {
		case <-checks.checked:
		case <-time.After(30 * time.Second):
			t.Fatal("gave up waiting: both deliveries checked")
		}
	}
	b.ad.Wait()
	// Both are checked, so the second has passed the only place it could
	// have answered.
	if n := fake.Calls(discordtest.RouteCallback); n != 1 {
		t.Fatalf("%d answers to one interaction dispatched twice, want 1", n)
	}
	if ran := counted(t, b.app, audit.Filter{Principal: "discord:" + alice}, audit.StageExecuted); ran != 1 {
		t.Fatalf("one reboot dispatched twice ran %d times", ran)
	}
}

// checkedDeliveries signals each check made of next, once it is made.
type checkedDeliveries struct {
	next    chat.Deliveries
	checked chan struct{}
}

func (c *checkedDeliveries) Seen(ctx context.Context, key string, keep time.Duration) (bool, error) {
	defer func() { c.checked <- struct{}{} }()
	return c.next.Seen(ctx, key, keep)
}
