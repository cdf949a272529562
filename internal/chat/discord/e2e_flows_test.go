package discord_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/config"
)

// The flows of the issue over HTTP interactions, against the real app on
// a SQLite file.

func TestConfirmByTheRequesterAloneAnnouncesTheChange(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false)
	ask := b.deliver(t, fake, alice, discordtest.Command("vps", discordtest.SubCommand("poweroff", discordtest.String("server", "demo-fra/fra-102"))))
	prompt := answered(t, fake, ask.ID, "vps:confirm:", "vps:cancel:", "demo-fra/fra-102")
	if !prompt.Ephemeral {
		t.Fatal("the confirm prompt is visible to the channel")
	}
	id := requestIDIn(t, prompt)
	// carol presses alice's Confirm: refused to her alone, on the record,
	// and the request still waits for alice.
	p := b.deliver(t, fake, carol, discordtest.Component("vps:confirm:"+id, 2, prompt.ID))
	if refusal := answered(t, fake, p.ID, "not"); !refusal.Ephemeral {
		t.Fatal("a stranger's refusal is visible")
	}
	if v, err := b.app.Runner.Lookup(context.Background(), id, "discord:"+alice); err != nil || v.State != approval.Confirming {
		t.Fatalf("after a stranger's press the request is %v (%v)", v.State, err)
	}
	recs, err := b.app.Audit.Query(context.Background(), audit.Filter{Principal: "discord:" + carol})
	if err != nil || len(recs) == 0 {
		t.Fatalf("the stranger's press is not on the record: %v %v", recs, err)
	}
	// alice confirms: the prompt becomes the outcome without its buttons,
	// and the channel sees the change naming her.
	b.deliver(t, fake, alice, discordtest.Component("vps:confirm:"+id, 2, prompt.ID))
	channelMessage(t, fake, opsChan, "<@"+alice+">", "demo-fra/fra-102")
	waitFor(t, fake, "the prompt replaced with its outcome", func(st discordtest.State) bool {
		m, ok := st.Message(prompt.ID)
		return ok && len(m.History) > 1 && !strings.Contains(string(m.Now().Components), "vps:confirm")
	})
}

func TestApprovalByAnotherRunsOnceAndTheMessageFollows(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false)
	id, posted := confirmed(t, b, fake, "delete", "demo-nyc/nyc-201")
	if !holdsAll(shows(posted.Now()), []string{"vps:deny:" + id, "<@" + alice + ">"}) {
		t.Fatalf("the approval message does not offer Deny or name the requester: %s", shows(posted.Now()))
	}
	self := b.deliver(t, fake, alice, discordtest.Component("vps:approve:"+id, 2, posted.ID))
	if m := answered(t, fake, self.ID, "own request"); !m.Ephemeral {
		t.Fatal("the self-approval refusal is visible")
	}
	// bob double-clicks Approve: it runs once.
	b.deliver(t, fake, bob, discordtest.Component("vps:approve:"+id, 2, posted.ID))
	b.deliver(t, fake, bob, discordtest.Component("vps:approve:"+id, 2, posted.ID))
	waitFor(t, fake, "the approval message edited to the result", func(st discordtest.State) bool {
		m, ok := st.Message(posted.ID)
		return ok && holdsAll(shows(m.Now()), []string{"succeeded", "<@" + bob + ">"}) && !strings.Contains(string(m.Now().Components), "vps:")
	})
	// alice is told where she asked, naming her.
	channelMessage(t, fake, opsChan, "<@"+alice+">", id)
	b.ad.Wait()
	if n := stages(t, b.app, id, audit.StageExecuted); n != 1 {
		t.Fatalf("the approved delete ran %d times", n)
	}
	if n := len(fake.State().Messages[approvals]); n != 1 {
		t.Fatalf("%d approval messages for one request", n)
	}
}

func TestDenyByButtonAndByCommandWithAReason(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false)
	id1, m1 := confirmed(t, b, fake, "delete", "demo-nyc/nyc-201")
	b.deliver(t, fake, bob, discordtest.Component("vps:deny:"+id1, 2, m1.ID))
	waitFor(t, fake, "the approval message shows the denial", func(st discordtest.State) bool {
		m, _ := st.Message(m1.ID)
		return strings.Contains(strings.ToLower(shows(m.Now())), "denied") && !strings.Contains(string(m.Now().Components), "vps:")
	})
	channelMessage(t, fake, opsChan, "<@"+alice+">", id1)

	// /vps deny id:<id> reason:<text>: the reason reaches the approval
	// message and the requester.
	id2, m2 := confirmed(t, b, fake, "delete", "demo-nyc/nyc-202")
	b.deliver(t, fake, bob, discordtest.Command("vps", discordtest.SubCommand("deny",
		discordtest.String("id", id2), discordtest.String("reason", "not during the freeze"))))
	waitFor(t, fake, "the approval message shows the reason", func(st discordtest.State) bool {
		m, _ := st.Message(m2.ID)
		return strings.Contains(shows(m.Now()), "not during the freeze") && !strings.Contains(string(m.Now().Components), "vps:")
	})
	channelMessage(t, fake, opsChan, "<@"+alice+">", id2, "not during the freeze")
	b.ad.Wait()
	for _, id := range []string{id1, id2} {
		if n := stages(t, b.app, id, audit.StageExecuted); n != 0 {
			t.Fatalf("denied request %s ran", id)
		}
	}
}

func TestExpiryEditsTheApprovalMessageAndTellsTheRequester(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	a := openAppAt(t, dbPath(t), 1000, func(c *config.Config) { c.Approvals.TTL = config.Duration(time.Second) })
	b := startBot(t, fake, a, clock, false)
	id, posted := confirmed(t, b, fake, "delete", "demo-nyc/nyc-201")
	waitFor(t, fake, "the approval message shows the expiry", func(st discordtest.State) bool {
		m, _ := st.Message(posted.ID)
		return strings.Contains(strings.ToLower(shows(m.Now())), "expired") && !strings.Contains(string(m.Now().Components), "vps:")
	})
	channelMessage(t, fake, opsChan, "<@"+alice+">", id)
}

// A visible change (a reboot, allowed without a gate) is announced in
// the channel naming its requester, the deferred answer edited into it.
func TestAVisibleChangeIsAnnouncedNamingTheRequester(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false)
	i := b.deliver(t, fake, alice, discordtest.Command("vps", discordtest.SubCommand("reboot", discordtest.String("server", "demo-fra/fra-101"))))
	m := answered(t, fake, i.ID, "<@"+alice+">", "demo-fra/fra-101")
	if m.Ephemeral {
		t.Fatal("a change was answered privately")
	}
	var mentions struct {
		Users []string `json:"users"`
	}
	if err := json.Unmarshal(m.Now().AllowedMentions, &mentions); err != nil || len(mentions.Users) != 1 || mentions.Users[0] != alice {
		t.Fatalf("the announcement may ping %s", m.Now().AllowedMentions)
	}
	channelMessage(t, fake, opsChan, "<@"+alice+">", "demo-fra/fra-101")
}

// A long change shows one visible message, edited with its progress and
// then its result; the generated root password of a reinstall goes to
// the requester alone, never in a channel message or a visible follow-up.
func TestProgressIsEditedInPlaceAndSecretsStayPrivate(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 10), clock, false) // a reinstall takes a few seconds
	ask := b.deliver(t, fake, alice, discordtest.Command("vps", discordtest.SubCommand("reinstall",
		discordtest.String("server", "demo-fra/fra-101"), discordtest.String("image", "debian-12"))))
	prompt := answered(t, fake, ask.ID, "vps:confirm:")
	id := requestIDIn(t, prompt)
	press := b.deliver(t, fake, alice, discordtest.Component("vps:confirm:"+id, 2, prompt.ID))
	progress := channelMessage(t, fake, opsChan, "<@"+alice+">", "reinstall demo-fra/fra-101")
	final := waitFor(t, fake, "the result edited into the progress message", func(st discordtest.State) bool {
		m, ok := st.Message(progress.ID)
		return ok && strings.Contains(shows(m.Now()), "debian-12") && strings.Contains(strings.ToLower(shows(m.Now())), "reinstalled")
	})
	secret := answered(t, fake, press.ID, "Only you can see")
	if !secret.Ephemeral {
		t.Fatal("the root password was shown in a visible follow-up")
	}
	b.ad.Wait()
	final = fake.State()
	m, _ := final.Message(progress.ID)
	if len(m.History) < 2 {
		t.Fatalf("the progress message was never edited: %+v", m.History)
	}
	if n := len(final.Messages[opsChan]); n != 1 {
		t.Fatalf("%d messages in the channel for one reinstall", n)
	}
	noSecretInPublic(t, final, rootPassword(t, secret))
	t.Logf("the progress message went through %d versions", len(m.History))
}

// noSecretInPublic fails when secret shows anywhere but an ephemeral
// answer or a direct message: a channel message or a follow-up others see.
func noSecretInPublic(t *testing.T, st discordtest.State, secret string) {
	t.Helper()
	check := func(m discordtest.Message) {
		if _, dm := dmOwner(st, m.ChannelID); m.Ephemeral || dm {
			return
		}
		for _, v := range m.History {
			if strings.Contains(shows(v), secret) {
				t.Fatalf("a secret in a visible message of %s: %s", m.ChannelID, shows(v))
			}
		}
	}
	for _, ms := range st.Messages {
		for _, m := range ms {
			check(m)
		}
	}
	for _, x := range st.Interactions {
		if x.Original != nil {
			check(*x.Original)
		}
		for _, m := range x.FollowUps {
			check(m)
		}
	}
}

// rootPassword is the root password a message shows in its embeds.
func rootPassword(t *testing.T, m discordtest.Message) string {
	t.Helper()
	var embeds []struct {
		Fields []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(m.Now().Embeds, &embeds); err != nil {
		t.Fatal(err)
	}
	for _, e := range embeds {
		for _, f := range e.Fields {
			if f.Name == "root password" && len(strings.Trim(f.Value, "`")) >= 8 {
				return strings.Trim(f.Value, "`")
			}
		}
	}
	t.Fatalf("no root password in %s", m.Now().Embeds)
	return ""
}

// dmOwner is the user whose direct message channel ch is.
func dmOwner(st discordtest.State, ch string) (string, bool) {
	for user, id := range st.DMs {
		if id == ch {
			return user, true
		}
	}
	return "", false
}

// A command from a direct message with the bot (a user, no member) is
// the user's own, answered in the DM.
func TestADirectMessageInteractionIsTheUsersOwn(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false)
	i := discordtest.Command("vps", discordtest.SubCommand("whoami"))
	i.DM, i.ChannelID = true, "700"
	i = b.deliver(t, fake, carol, i)
	answered(t, fake, i.ID, "discord:"+carol, "viewer")
}

// Autocomplete offers the servers the caller may see, nothing else.
func TestAutocompleteOffersOnlyWhatTheCallerMaySee(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	b := startBot(t, fake, openAppAt(t, dbPath(t), 1000), clock, false)
	offered := func(user string) string {
		i := discordtest.Autocomplete("vps", discordtest.SubCommand("status", discordtest.Focused(discordtest.String("server", "demo"))))
		i = b.deliver(t, fake, user, i)
		x := fake.State().Interactions[i.ID]
		if x.Callback == nil || x.Callback.Type != discordtest.CallbackAutocompleteResult {
			t.Fatalf("autocomplete answered with %+v", x.Callback)
		}
		return string(x.Callback.Data)
	}
	if got := offered(carol); !strings.Contains(got, "demo-fra/fra-101") {
		t.Fatalf("a viewer is offered %s", got)
	}
	if got := offered("1999"); strings.Contains(got, "demo-") {
		t.Fatalf("someone without a role is offered %s", got)
	}
}

// Past an interaction's 15 minutes its token takes nothing more: the
// progress message of a long change moves to a message the bot posts in
// the channel (edited from then on), and what only the requester may see
// goes to them in a direct message.
func TestPastFifteenMinutesRepliesMoveToBotMessages(t *testing.T) {
	clock := &testClock{}
	fake := newFakeAt(t, clock)
	// The app lives on a clock of its own that stands still: the reinstall
	// (30 ms of it) stays under way until the test moves it on, after the
	// 15 minutes of Discord's clock have passed.
	appClock := &stillClock{now: time.Now()}
	b := startBot(t, fake, openAppOn(t, dbPath(t), 1000, app.Options{Clock: appClock.Now}), clock, false)
	ask := b.deliver(t, fake, alice, discordtest.Command("vps", discordtest.SubCommand("reinstall",
		discordtest.String("server", "demo-fra/fra-101"), discordtest.String("image", "debian-12"))))
	prompt := answered(t, fake, ask.ID, "vps:confirm:")
	id := requestIDIn(t, prompt)
	press := b.deliver(t, fake, alice, discordtest.Component("vps:confirm:"+id, 2, prompt.ID))
	progress := channelMessage(t, fake, opsChan, "<@"+alice+">", "reinstall demo-fra/fra-101")
	if progress.Interaction != press.ID {
		t.Fatalf("the progress message is not the press's follow-up: %+v", progress)
	}
	clock.Advance(16 * time.Minute)
	appClock.Advance(time.Second)

	waitFor(t, fake, "the result in a bot message", func(st discordtest.State) bool {
		for _, m := range st.Messages[opsChan] {
			if m.Interaction == "" && strings.Contains(shows(m.Now()), "<@"+alice+">") &&
				strings.Contains(strings.ToLower(shows(m.Now())), "reinstalled") {
				return true
			}
		}
		return false
	})
	var secret discordtest.Message
	waitFor(t, fake, "the root password in alice's direct messages", func(st discordtest.State) bool {
		for _, m := range st.Messages[st.DMs[alice]] {
			if strings.Contains(shows(m.Now()), "root password") {
				secret = m
				return true
			}
		}
		return false
	})
	b.ad.Wait()
	st := fake.State()
	if len(st.DMs) != 1 {
		t.Fatalf("direct messages to %v; only alice asked", st.DMs)
	}
	noSecretInPublic(t, st, rootPassword(t, secret))
}
