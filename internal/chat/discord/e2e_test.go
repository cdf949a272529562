package discord_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/app"
	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// The guild of the tests: alice operates the demo fleet, bob also
// approves, carol only reads.
const (
	guild     = "100"
	opsChan   = "200"
	approvals = "300"
	alice     = "1001"
	bob       = "1002"
	carol     = "1003"
)

func openApp(t testing.TB) *app.App {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "policy.csv")
	extra := fmt.Sprintf("\ng, discord:%s, demo-owner\ng, discord:%s, demo-owner\ng, discord:%s, approver\ng, discord:%s, viewer\ng, discord-role:%s:500, approver\n", alice, bob, bob, carol, guild)
	if err := os.WriteFile(path, []byte(vpsops.DefaultPolicy+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.Database = filepath.Join(dir, "vpsops.db")
	cfg.Demo.Speed = 1000
	cfg.Policy.Policy = path
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type bot struct {
	app  *app.App
	ad   *discordchat.Adapter
	http *httptest.Server
}

func startHTTPBot(t *testing.T, fake *discordtest.Server) *bot {
	t.Helper()
	a := openApp(t)
	o := fake.Options()
	ctx, cancel := context.WithCancel(context.Background())
	ad, err := discordchat.New(ctx, a.Runner, discordchat.Config{Token: o.BotToken, AppID: o.ApplicationID, GuildID: guild,
		PublicKey: fake.PublicKeyHex(), ApprovalsChannel: approvals, APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	if err := ad.Routes(mux, nil); err != nil {
		t.Fatal(err)
	}
	if err := ad.Start(ctx); err != nil {
		t.Fatal(err)
	}
	b := &bot{app: a, ad: ad, http: httptest.NewServer(mux)}
	done := make(chan struct{}, 2)
	go func() {
		a.Runner.Watch(ctx, 10*time.Millisecond, time.Second, func(n commands.Notice) { ad.Notify(ctx, n) })
		done <- struct{}{}
	}()
	go func() { ad.Run(ctx); done <- struct{}{} }()
	t.Cleanup(func() {
		b.http.Close()
		cancel()
		<-done
		<-done
		ad.Wait()
		a.Close()
	})
	return b
}

func newFake(t *testing.T) *discordtest.Server {
	fake := discordtest.New(discordtest.Options{GuildID: guild, Channels: []string{opsChan, approvals}})
	t.Cleanup(fake.Close)
	return fake
}

// send posts a signed interaction from user and returns it (minted).
func (b *bot) send(t *testing.T, fake *discordtest.Server, user string, i discordtest.Interaction) discordtest.Interaction {
	t.Helper()
	i.GuildID, i.ChannelID, i.UserID = guild, opsChan, user
	got, status, body, err := fake.PostInteraction(context.Background(), b.http.URL+discordchat.InteractionsPath, i)
	if err != nil || status != http.StatusOK {
		t.Fatalf("interaction: %d %s %v", status, body, err)
	}
	return got
}

// answered waits until interaction id's original response (or a follow-up)
// holds every word, and returns that message.
func answered(t *testing.T, fake *discordtest.Server, id string, words ...string) discordtest.Message {
	t.Helper()
	var got discordtest.Message
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := fake.Wait(ctx, func(st discordtest.State) bool {
		ex := st.Interactions[id]
		msgs := ex.FollowUps
		if ex.Original != nil {
			msgs = append([]discordtest.Message{*ex.Original}, msgs...)
		}
		for _, m := range msgs {
			v := m.History[len(m.History)-1]
			if holdsAll(v.Content+string(v.Embeds)+string(v.Components), words) {
				got = m
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("interaction %s never answered with %q: %+v", id, words, fake.State().Interactions[id])
	}
	return got
}

func holdsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func TestDiscordReadIsAnsweredPrivately(t *testing.T) {
	fake := newFake(t)
	b := startHTTPBot(t, fake)
	i := b.send(t, fake, carol, discordtest.Command("vps", discordtest.SubCommand("status", discordtest.String("server", "demo-fra/fra-101"))))
	m := answered(t, fake, i.ID, "fra-101")
	if !m.Ephemeral {
		t.Fatal("a read was answered in the channel")
	}
}

// requestIDIn is the request id a message's buttons carry.
func requestIDIn(t *testing.T, m discordtest.Message) string {
	t.Helper()
	c := string(m.History[len(m.History)-1].Components)
	i := strings.Index(c, "vps:confirm:")
	if i < 0 {
		i = strings.Index(c, "vps:approve:")
	}
	if i < 0 {
		t.Fatalf("no request button in %s", c)
	}
	rest := c[i+len("vps:confirm:"):]
	return rest[:strings.IndexByte(rest, '"')]
}

func TestDiscordConfirmAndApproval(t *testing.T) {
	fake := newFake(t)
	b := startHTTPBot(t, fake)
	ask := b.send(t, fake, alice, discordtest.Command("vps", discordtest.SubCommand("delete", discordtest.String("server", "demo-nyc/nyc-201"))))
	prompt := answered(t, fake, ask.ID, "vps:confirm:", "198.51.100")
	if !prompt.Ephemeral {
		t.Fatal("the confirm prompt is visible to the channel")
	}
	id := requestIDIn(t, prompt)
	// carol presses alice's Confirm: refused to her alone.
	p := b.send(t, fake, carol, discordtest.Component("vps:confirm:"+id, 2, prompt.ID))
	refusal := answered(t, fake, p.ID, "not")
	if !refusal.Ephemeral {
		t.Fatal("a stranger's refusal is visible")
	}
	// alice confirms: it waits for an approver, posted to the approvals channel.
	b.send(t, fake, alice, discordtest.Component("vps:confirm:"+id, 2, prompt.ID))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var posted discordtest.Message
	if _, err := fake.Wait(ctx, func(st discordtest.State) bool {
		for _, m := range st.Messages[approvals] {
			if strings.Contains(string(m.History[len(m.History)-1].Components), "vps:approve:"+id) {
				posted = m
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("the approval was never posted: %+v", fake.State().Messages[approvals])
	}
	// alice cannot approve her own; bob can, and the message follows.
	self := b.send(t, fake, alice, discordtest.Component("vps:approve:"+id, 2, posted.ID))
	answered(t, fake, self.ID, "own request")
	b.send(t, fake, bob, discordtest.Component("vps:approve:"+id, 2, posted.ID))
	if _, err := fake.Wait(ctx, func(st discordtest.State) bool {
		for _, m := range st.Messages[approvals] {
			v := m.History[len(m.History)-1]
			if m.ID == posted.ID && strings.Contains(v.Content+string(v.Embeds), "succeeded") && !strings.Contains(string(v.Components), "vps:approve") {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("the approval message never showed the result: %+v", fake.State().Messages[approvals])
	}
}

func TestDiscordRefusesForgedStaleAndAnswersPingAndTheUndecodable(t *testing.T) {
	fake := newFake(t)
	b := startHTTPBot(t, fake)
	url := b.http.URL + discordchat.InteractionsPath
	ping := fake.Mint(discordtest.Ping())
	if status, body, err := fake.PostSigned(context.Background(), url, ping.JSON()); err != nil || status != 200 || !strings.Contains(string(body), `"type":1`) {
		t.Fatalf("PING: %d %s %v", status, body, err)
	}
	for name, opt := range map[string]discordtest.SignOption{"bad signature": discordtest.BadSignature(), "stale": discordtest.Stale(6 * time.Minute)} {
		if status, _, _ := fake.PostSigned(context.Background(), url, ping.JSON(), opt); status != http.StatusUnauthorized {
			t.Fatalf("%s: %d", name, status)
		}
	}
	i := discordtest.Component("vps:approve:r-x", 2, "999")
	i.GuildID, i.ChannelID, i.UserID = guild, opsChan, carol
	i.Message = discordtest.UndecodableMessage(opsChan, "999")
	i = fake.Mint(i)
	status, body, err := fake.PostSigned(context.Background(), url, i.JSON())
	if err != nil || status != 200 || !strings.Contains(string(body), "cannot read this interaction") || !strings.Contains(string(body), `"flags":64`) {
		t.Fatalf("an undecodable interaction: %d %s %v", status, body, err)
	}
}

// A Discord role mapped to approver in the policy lets its members
// approve; the role comes from the signed interaction.
func TestDiscordRoleMappedApprover(t *testing.T) {
	fake := newFake(t)
	b := startHTTPBot(t, fake)
	ask := b.send(t, fake, alice, discordtest.Command("vps", discordtest.SubCommand("delete", discordtest.String("server", "demo-nyc/nyc-201"))))
	prompt := answered(t, fake, ask.ID, "vps:confirm:")
	id := requestIDIn(t, prompt)
	b.send(t, fake, alice, discordtest.Component("vps:confirm:"+id, 2, prompt.ID))
	const dana = "1005" // no grant of her own; the oncall role (500) approves
	press := func(roles ...string) discordtest.Interaction {
		i := discordtest.Component("vps:approve:"+id, 2, prompt.ID)
		i.GuildID, i.ChannelID, i.UserID, i.Roles = guild, opsChan, dana, roles
		got, status, body, err := fake.PostInteraction(context.Background(), b.http.URL+discordchat.InteractionsPath, i)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%d %s %v", status, body, err)
		}
		return got
	}
	refused := press("600")
	answered(t, fake, refused.ID, "no request") // the same answer as for an unknown id
	press("500")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := fake.Wait(ctx, func(discordtest.State) bool {
		v, err := b.app.Runner.Lookup(context.Background(), id, "discord:"+alice)
		return err == nil && v.State.Terminal()
	}); err != nil {
		t.Fatal("the role-mapped approval never ran the request")
	}
	if v, _ := b.app.Runner.Lookup(context.Background(), id, "discord:"+alice); v.DecidedBy != "discord:"+dana {
		t.Fatalf("decided by %q", v.DecidedBy)
	}
}
