package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/app"
	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// Chat principals of the tests: alice operates the demo fleet, bob also
// approves, carol only reads.
const (
	alice = commands.Principal("slack:T1:UALICE")
	bob   = commands.Principal("slack:T1:UBOB")
	carol = commands.Principal("slack:T1:UCAROL")
)

// chatPolicy is the default policy plus the test's chat principals.
func chatPolicy(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.csv")
	extra := fmt.Sprintf("\ng, %s, demo-owner\ng, %s, demo-owner\ng, %s, approver\ng, %s, viewer\n", alice, bob, bob, carol)
	if err := os.WriteFile(path, []byte(vpsops.DefaultPolicy+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sent is one reply a fake Replier was asked to make.
type sent struct {
	how   string // ephemeral, public, edit, replace
	ref   string // the public message, for public and edit
	reply chat.Reply
}

// replier records what a conversation answers. It stands for one
// person's exchange with the platform.
type replier struct {
	who  commands.Principal
	mu   sync.Mutex
	sent []sent
	next int
	// publicErr makes Public fail (a channel the bot is not in).
	publicErr error
}

func (r *replier) add(s sent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, s)
}

func (r *replier) Ephemeral(_ context.Context, x chat.Reply) error {
	r.add(sent{how: "ephemeral", reply: x})
	return nil
}

func (r *replier) Public(_ context.Context, x chat.Reply) (string, error) {
	if r.publicErr != nil {
		return "", r.publicErr
	}
	r.mu.Lock()
	r.next++
	ref := fmt.Sprintf("m%d", r.next)
	r.mu.Unlock()
	r.add(sent{how: "public", ref: ref, reply: x})
	return ref, nil
}

func (r *replier) Edit(_ context.Context, ref string, x chat.Reply) error {
	r.add(sent{how: "edit", ref: ref, reply: x})
	return nil
}

func (r *replier) Replace(_ context.Context, x chat.Reply) error {
	r.add(sent{how: "replace", reply: x})
	return nil
}

func (r *replier) all() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.sent...)
}

// seen waits until a reply made how satisfies cond, and returns it.
func (r *replier) seen(t *testing.T, how string, cond func(chat.Reply) bool) chat.Reply {
	t.Helper()
	var got chat.Reply
	eventually(t, "a "+how+" reply", func() bool {
		for _, s := range r.all() {
			if s.how == how && cond(s.reply) {
				got = s.reply
				return true
			}
		}
		return false
	})
	return got
}

// visibleSecrets fails if any reply others can see carries a secret.
func (r *replier) visibleSecrets(t *testing.T) {
	t.Helper()
	for _, s := range r.all() {
		if (s.how == "public" || s.how == "edit") && s.reply.Result != nil && len(s.reply.Result.Secret) > 0 {
			t.Fatalf("a secret in a visible message: %+v", s.reply.Result)
		}
	}
}

// talk is one bot process's conversations on the demo fleet.
type talk struct {
	app  *app.App
	conv *chat.Conversations
	// repliers by the replyTo they were given, for Notify.
	mu       sync.Mutex
	byTarget map[string]*replier
}

func newTalk(t *testing.T) *talk {
	t.Helper()
	return newTalkOn(t, newDB(t), false)
}

// newTalkOn is a bot process on the database at addr; with sharedPages,
// its long lists are kept in that database (chat.StoredPages), as a
// replica's are.
func newTalkOn(t *testing.T, addr string, sharedPages bool) *talk {
	t.Helper()
	cfg := config.Default()
	cfg.Database = addr
	cfg.Demo.Speed = 1000
	cfg.Policy.Policy = chatPolicy(t)
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tk := &talk{app: a, byTarget: map[string]*replier{}}
	var pages chat.Pages
	if sharedPages {
		if pages, err = chat.OpenPages(context.Background(), a.DB, nil); err != nil {
			t.Fatal(err)
		}
	}
	tk.conv = chat.NewConversations(context.Background(), a.Runner, chat.Options{Source: "slack", Pages: pages,
		ReplierFor: func(raw json.RawMessage) (chat.Replier, bool) {
			tk.mu.Lock()
			defer tk.mu.Unlock()
			r, ok := tk.byTarget[string(raw)]
			return r, ok
		}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Runner.Watch(ctx, 5*time.Millisecond, time.Second, func(n commands.Notice) { tk.conv.Notify(ctx, n) })
	}()
	t.Cleanup(func() { cancel(); <-done; tk.conv.Wait(); a.Close() })
	return tk
}

// person is who's exchange in one channel.
func (tk *talk) person(who commands.Principal) (*replier, json.RawMessage) {
	r := &replier{who: who}
	to := json.RawMessage(fmt.Sprintf(`{"to":%q}`, who))
	tk.mu.Lock()
	// The first exchange in the channel is where later outcomes go.
	if _, ok := tk.byTarget[string(to)]; !ok {
		tk.byTarget[string(to)] = r
	}
	tk.mu.Unlock()
	return r, to
}

func (tk *talk) say(who commands.Principal, text string) *replier {
	r, to := tk.person(who)
	tk.conv.Command(chat.Command{Principal: who, Text: text, ReplyTo: to, Reply: r})
	return r
}

func (tk *talk) press(who commands.Principal, b chat.Button, ephemeral bool) *replier {
	r, to := tk.person(who)
	tk.conv.Press(chat.Press{Principal: who, Button: b, ReplyTo: to, Ephemeral: ephemeral, Reply: r})
	return r
}

func TestReadsAnswerPrivatelyAndLongListsPage(t *testing.T) {
	tk := newTalk(t)
	r := tk.say(carol, "list")
	got := r.seen(t, "ephemeral", func(x chat.Reply) bool { return x.Result != nil })
	if got.Result.Table == nil || len(got.Result.Table.Rows) == 0 {
		t.Fatalf("list answered %+v", got.Result)
	}
	// Fill the audit trail, so that reading it makes a long table.
	for range 10 {
		tk.say(alice, "status demo-fra/fra-101").seen(t, "ephemeral", func(x chat.Reply) bool { return x.Result != nil })
	}
	r = tk.say(alice, "audit limit=100")
	got = r.seen(t, "ephemeral", func(x chat.Reply) bool { return x.Result != nil })
	if n := len(got.Result.Table.Rows); n < 15 || got.Page.Token == "" {
		t.Fatalf("a list of %d rows is not kept for paging (%+v)", n, got.Page)
	}
	tk.conv.Wait()
	for _, s := range r.all() {
		if s.how != "ephemeral" {
			t.Fatalf("a read answered %s", s.how)
		}
	}
	next := tk.press(alice, chat.PageButton(got.Page.Token, 1), true)
	page := next.seen(t, "replace", func(x chat.Reply) bool { return x.Result != nil })
	if page.Page.Index != 1 || page.Page.Token != got.Page.Token {
		t.Fatalf("page press showed %+v", page.Page)
	}
	// Someone else cannot page through alice's list.
	other := tk.press(carol, chat.PageButton(got.Page.Token, 1), true)
	other.seen(t, "replace", func(x chat.Reply) bool { return strings.Contains(x.Text, "no longer kept") })
}

// A page press that reaches another replica (a load balancer) turns the
// page of the list the first one answered.
func TestAPagePressWorksOnAnotherReplica(t *testing.T) {
	addr := storetest.Database(t)
	one, two := newTalkOn(t, addr, true), newTalkOn(t, addr, true)
	for range 10 {
		one.say(alice, "status demo-fra/fra-101").seen(t, "ephemeral", func(x chat.Reply) bool { return x.Result != nil })
	}
	got := one.say(alice, "audit limit=100").seen(t, "ephemeral", func(x chat.Reply) bool { return x.Result != nil })
	if got.Page.Token == "" {
		t.Fatalf("a list of %d rows is not kept for paging", len(got.Result.Table.Rows))
	}
	page := two.press(alice, chat.PageButton(got.Page.Token, 1), true).
		seen(t, "replace", func(x chat.Reply) bool { return x.Result != nil || x.Text != "" })
	if page.Result == nil || page.Page.Index != 1 || !reflect.DeepEqual(page.Result.Table, got.Result.Table) {
		t.Fatalf("the other replica answered the page press with %+v", page)
	}
	two.press(carol, chat.PageButton(got.Page.Token, 1), true).
		seen(t, "replace", func(x chat.Reply) bool { return strings.Contains(x.Text, "no longer kept") })
}

func TestBadInputGetsOneErrorWithUsage(t *testing.T) {
	tk := newTalk(t)
	r := tk.say(alice, "reboot")
	got := r.seen(t, "ephemeral", func(x chat.Reply) bool { return x.Err != nil })
	if commands.UsageOf(got.Err) == "" {
		t.Fatalf("no usage with %v", got.Err)
	}
	r = tk.say(alice, "frobnicate web-1")
	r.seen(t, "ephemeral", func(x chat.Reply) bool { return x.Err != nil && fault.ClassOf(x.Err) == fault.Invalid })
}

func TestChangesAreAnnouncedNamingTheRequester(t *testing.T) {
	tk := newTalk(t)
	r := tk.say(alice, "reboot demo-fra/fra-101")
	r.announced(t, alice)
}

// announced waits for a result shown in the channel (posted, or edited
// into the progress message) naming who.
func (r *replier) announced(t *testing.T, who commands.Principal) chat.Reply {
	t.Helper()
	var final chat.Reply
	eventually(t, "a result in the channel", func() bool {
		for _, s := range r.all() {
			if (s.how == "public" || s.how == "edit") && s.reply.Result != nil {
				final = s.reply
				return true
			}
		}
		return false
	})
	if final.Mention != who {
		t.Fatalf("the result names %q, want %q", final.Mention, who)
	}
	return final
}

func TestConfirmOnlyByTheRequester(t *testing.T) {
	tk := newTalk(t)
	r := tk.say(alice, "poweroff demo-fra/fra-102")
	prompt := r.seen(t, "ephemeral", func(x chat.Reply) bool { return x.View != nil })
	if prompt.View.Gate != "confirm" || len(prompt.View.Actions) != 2 {
		t.Fatalf("prompt: %+v", prompt.View)
	}
	// bob pressing alice's Confirm is refused, to him alone.
	stranger := tk.press(bob, chat.ActionButton(commands.ActionConfirm, prompt.View.ID), false)
	stranger.seen(t, "ephemeral", func(x chat.Reply) bool { return x.Err != nil })
	for _, s := range stranger.all() {
		if s.how != "ephemeral" {
			t.Fatalf("a stranger's press answered %s", s.how)
		}
	}
	if v, _ := tk.app.Runner.Lookup(context.Background(), prompt.View.ID, alice); v.State != approval.Confirming {
		t.Fatalf("after a stranger's press the request is %s", v.State)
	}
	// alice's press runs it: the prompt shows how it ended, the channel
	// the result.
	own := tk.press(alice, chat.ActionButton(commands.ActionConfirm, prompt.View.ID), true)
	done := own.seen(t, "replace", func(x chat.Reply) bool { return x.View != nil })
	if done.View.State != approval.Succeeded {
		t.Fatalf("after confirming: %+v", done.View)
	}
	own.announced(t, alice)
	// A second press (a double click) changes nothing.
	again := tk.press(alice, chat.ActionButton(commands.ActionConfirm, prompt.View.ID), true)
	again.seen(t, "ephemeral", func(x chat.Reply) bool { return x.Err != nil })
	for _, s := range again.all() {
		if s.how != "ephemeral" {
			t.Fatalf("a second click on a decided prompt answered %s", s.how)
		}
	}
}

func TestApprovalIsDecidedByAnotherAndTheRequesterIsTold(t *testing.T) {
	tk := newTalk(t)
	r := tk.say(alice, "delete demo-nyc/nyc-201")
	prompt := r.seen(t, "ephemeral", func(x chat.Reply) bool { return x.View != nil })
	confirmed := tk.press(alice, chat.ActionButton(commands.ActionConfirm, prompt.View.ID), true)
	pending := confirmed.seen(t, "replace", func(x chat.Reply) bool { return x.View != nil })
	if pending.View.State != approval.Pending {
		t.Fatalf("after confirming: %s", pending.View.State)
	}
	// alice cannot approve her own request.
	self := tk.press(alice, chat.ActionButton(commands.ActionApprove, prompt.View.ID), false)
	self.seen(t, "ephemeral", func(x chat.Reply) bool { return x.Err != nil })
	// carol may not approve at all.
	tk.press(carol, chat.ActionButton(commands.ActionApprove, prompt.View.ID), false).
		seen(t, "ephemeral", func(x chat.Reply) bool { return x.Err != nil })
	// bob approves twice (a double click): it runs once.
	p1 := tk.press(bob, chat.ActionButton(commands.ActionApprove, prompt.View.ID), false)
	p2 := tk.press(bob, chat.ActionButton(commands.ActionApprove, prompt.View.ID), false)
	// alice hears the outcome in the channel she asked from.
	told := r.seen(t, "public", func(x chat.Reply) bool { return x.View != nil && x.View.State.Terminal() })
	if told.View.State != approval.Succeeded || told.Mention != alice || told.View.DecidedBy != string(bob) {
		t.Fatalf("alice was told %+v", told.View)
	}
	tk.conv.Wait()
	refusals := 0
	for _, p := range []*replier{p1, p2} {
		for _, s := range p.all() {
			if s.reply.Err != nil {
				refusals++
			}
		}
	}
	if refusals != 1 {
		t.Fatalf("two approve presses: %d refused, want exactly 1", refusals)
	}
	recs, err := tk.app.Audit.Query(context.Background(), audit.Filter{ApprovalID: prompt.View.ID})
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, rec := range recs {
		if rec.Stage == audit.StageExecuted {
			ran++
		}
	}
	if ran != 1 {
		t.Fatalf("the approved delete ran %d times", ran)
	}
	n := 0
	for _, s := range r.all() {
		if s.how == "public" && s.reply.View != nil && s.reply.View.State == approval.Succeeded {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("alice was told %d times", n)
	}
}

func TestSecretsOnlyEverGoToTheRequester(t *testing.T) {
	tk := newTalk(t)
	r := tk.say(alice, "reinstall demo-fra/fra-101 debian-12")
	prompt := r.seen(t, "ephemeral", func(x chat.Reply) bool { return x.View != nil })
	own := tk.press(alice, chat.ActionButton(commands.ActionConfirm, prompt.View.ID), true)
	own.announced(t, alice)
	tk.conv.Wait()
	secret := false
	for _, s := range append(r.all(), own.all()...) {
		if s.reply.Result != nil && len(s.reply.Result.Secret) > 0 {
			secret = true
		}
	}
	if !secret {
		t.Fatal("the generated root password was never shown to the requester")
	}
	r.visibleSecrets(t)
	own.visibleSecrets(t)
	// A console login is a secret as a whole: it is never announced.
	c := tk.say(alice, "console demo-fra/fra-101")
	c.seen(t, "ephemeral", func(x chat.Reply) bool { return x.Result != nil || x.View != nil })
	tk.conv.Wait()
	for _, s := range c.all() {
		if s.how != "ephemeral" {
			t.Fatalf("console answered %s", s.how)
		}
	}
}

// A platform that parses the command itself (Discord's typed options)
// passes the name and arguments; the answer goes where the text's would.
func TestParsedCommandsGoWhereTheirTextWould(t *testing.T) {
	tk := newTalk(t)
	read := chat.Command{Principal: carol, Name: "status", Args: map[string]any{"server": "demo-fra/fra-101"}}
	change := chat.Command{Principal: alice, Name: "reboot", Args: map[string]any{"server": "demo-fra/fra-101"}}
	if tk.conv.Visible(read) || !tk.conv.Visible(change) || tk.conv.Visible(chat.Command{Text: "list"}) ||
		!tk.conv.Visible(chat.Command{Text: "reboot demo-fra/fra-101"}) || tk.conv.Visible(chat.Command{Text: "no such"}) {
		t.Fatal("Visible does not follow the command's risk")
	}
	r, to := tk.person(carol)
	read.ReplyTo, read.Reply = to, r
	tk.conv.Command(read)
	r.seen(t, "ephemeral", func(x chat.Reply) bool { return x.Result != nil })
	r2, to2 := tk.person(alice)
	change.ReplyTo, change.Reply = to2, r2
	tk.conv.Command(change)
	r2.announced(t, alice)
}
