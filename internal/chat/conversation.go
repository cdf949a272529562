package chat

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// Conversations answers one chat platform's people: it runs their slash
// commands and button presses through the runner and decides where each
// answer goes, so that Slack and Discord only turn their payloads into a
// Command or a Press and lay out the Replies.
//
// Where answers go:
//   - a read, an error, a confirm prompt and anything secret: to the
//     requester only (ephemeral);
//   - the result of a change: visible in the channel, naming the
//     requester, so the team sees who did what (its secrets still go to
//     the requester alone);
//   - a long change: one visible message, edited with each progress step
//     and finally with the result.
//
// Command and Press return at once: the work runs on a goroutine of its
// own, so a platform's 3-second acknowledgement never waits for a
// provider.
type Conversations struct {
	runner *commands.Runner
	source string
	log    *slog.Logger
	now    func() time.Time
	// replierFor makes a Replier from a request's stored ReplyTo, for
	// outcomes that arrive after the request's own exchange ended; ok is
	// false for a ReplyTo of another platform.
	replierFor func(replyTo json.RawMessage) (Replier, bool)
	pages      Pages
	told       *told
	limit      *limiter

	base context.Context
	wg   sync.WaitGroup
}

// Options configures Conversations.
type Options struct {
	// Source is the platform's name, as requests and audit records carry
	// it: "slack", "discord".
	Source string
	// ReplierFor rebuilds a Replier from the ReplyTo a Command carried.
	ReplierFor func(replyTo json.RawMessage) (Replier, bool)
	Logger     *slog.Logger
	Clock      func() time.Time
	// Pages keeps long lists for their page buttons: the database's
	// (StoredPages) when replicas share the work; nil keeps them in this
	// process.
	Pages Pages
}

// NewConversations serves o.Source's people through runner. Work started
// by Command and Press runs under ctx (minus its cancellation: a command
// under way is not cut off by shutdown; Wait waits for it).
func NewConversations(ctx context.Context, runner *commands.Runner, o Options) *Conversations {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.ReplierFor == nil {
		o.ReplierFor = func(json.RawMessage) (Replier, bool) { return nil, false }
	}
	if o.Pages == nil {
		o.Pages = newPages(o.Clock)
	}
	return &Conversations{
		runner: runner, source: o.Source, log: o.Logger.With("platform", o.Source), now: o.Clock,
		replierFor: o.ReplierFor, pages: o.Pages, told: newTold(), limit: newLimiter(o.Clock),
		base: context.WithoutCancel(ctx),
	}
}

// Command is one slash command, as the platform's signed payload says.
type Command struct {
	// Principal is who asked, from the signed payload only.
	Principal commands.Principal
	// Text is what follows the slash command: "reboot web-1".
	Text string
	// Groups are further subjects the person acts as in this request,
	// from the same signed payload only (Discord's member roles, as
	// discord-role:<guild>:<role>); see commands.Request.Groups.
	Groups []string
	// Name and Args are a command the platform parsed already (Discord's
	// typed options): the registry's command name and its raw arguments,
	// as commands.Request takes them. When Name is set, Text is unused.
	Name string
	Args map[string]any
	// ReplyTo is how to reach the requester later (channel, thread,
	// user), stored with a gated request; never a credential.
	ReplyTo json.RawMessage
	Reply   Replier
}

// Press is one button press.
type Press struct {
	Principal commands.Principal
	Groups    []string // as Command.Groups
	Button    Button
	ReplyTo   json.RawMessage
	// Ephemeral says the pressed message is seen by the presser alone,
	// so replacing it may show a secret.
	Ephemeral bool
	Reply     Replier
}

// Command runs c in the background and returns at once.
func (cv *Conversations) Command(c Command) {
	cv.start(c.Principal, c.Reply, func(ctx context.Context) { cv.command(ctx, c) })
}

// Press acts on p in the background and returns at once.
func (cv *Conversations) Press(p Press) {
	cv.start(p.Principal, p.Reply, func(ctx context.Context) { cv.press(ctx, p) })
}

// start runs work for who in the background, within their pace (see
// limiter); past it, they are told to slow down instead.
func (cv *Conversations) start(who commands.Principal, r Replier, work func(context.Context)) {
	cv.wg.Add(1)
	go func() {
		defer cv.wg.Done()
		if err, record := cv.limit.take(who); err != nil {
			if record {
				err = cv.runner.Refused(cv.base, commands.Request{Source: cv.source, Principal: who}, err)
			}
			cv.try(r.Ephemeral(cv.base, Reply{Err: err}), "slow a person down")
			return
		}
		defer cv.limit.done(who)
		work(cv.base)
	}()
}

// Wait blocks until every command and press under way has answered.
func (cv *Conversations) Wait() { cv.wg.Wait() }

func (cv *Conversations) request(who commands.Principal, groups []string, replyTo json.RawMessage) commands.Request {
	return commands.Request{Source: cv.source, Principal: who, Groups: groups, ReplyTo: replyTo, CanConfirm: true}
}

func (cv *Conversations) command(ctx context.Context, c Command) {
	q := cv.request(c.Principal, c.Groups, c.ReplyTo)
	visible, title := cv.classify(c)
	var prog *progressMessage
	if visible {
		prog = cv.newProgress(ctx, c.Reply, title, c.Principal)
		q.Progress = prog.step
	}
	var (
		res commands.Result
		err error
	)
	if c.Name != "" {
		q.Command, q.Args = c.Name, c.Args
		res, err = cv.runner.Run(ctx, q)
	} else {
		res, err = cv.runner.RunText(ctx, q, text(c))
	}
	cv.answer(ctx, c.Reply, c.Principal, visible, prog, res, err)
}

// text is the command line of c; an empty one asks for help.
func text(c Command) string {
	if t := strings.TrimSpace(c.Text); t != "" {
		return t
	}
	return "help"
}

// Visible reports whether the answer to c goes to the channel (the
// result of a change) rather than to the requester alone. It is quick (no
// provider is asked), for a platform that must choose when it
// acknowledges, as Discord's deferred response does.
func (cv *Conversations) Visible(c Command) bool {
	visible, _ := cv.classify(c)
	return visible
}

// classify says whether c's answer is for the channel (a change) and
// names the operation for its progress message. A line that does not
// parse is answered privately: the runner says what is wrong with it.
func (cv *Conversations) classify(c Command) (visible bool, title string) {
	reg := cv.runner.Registry()
	name, raw := c.Name, c.Args
	if name == "" {
		var err error
		if name, raw, err = reg.Parse(text(c)); err != nil {
			return false, ""
		}
	}
	cmd := reg.Lookup(name)
	if cmd == nil || !cmd.Gated() || cmd.SecretResult || cmd.Risk == commands.Destructive {
		// Reads, the runner's own commands (approve, deny, ...) and
		// commands whose whole result is a secret stay private; so does a
		// destructive command, which always stops first at its
		// requester's private confirm prompt (its result is announced
		// from the confirm press).
		return false, ""
	}
	title = cmd.Name
	if cmd.Target() {
		if s, ok := raw[cmd.Args[0].Name].(string); ok {
			title += " " + s
		}
	}
	return true, title
}

// answer shows a command's outcome: privately, or in the channel for a
// change (editing its progress message when there is one).
func (cv *Conversations) answer(ctx context.Context, r Replier, who commands.Principal, visible bool, prog *progressMessage, res commands.Result, err error) {
	posted := prog.done()
	secret := secretOnly(res)
	switch {
	case err != nil:
		if posted != "" {
			cv.try(r.Edit(ctx, posted, Reply{Err: err, Mention: who}), "edit the progress message")
		}
		cv.try(r.Ephemeral(ctx, Reply{Err: err}), "answer")
		if secret != nil {
			cv.try(r.Ephemeral(ctx, Reply{Result: secret}), "show the requester a secret")
		}
	case res.Pending != nil:
		cv.try(r.Ephemeral(ctx, Reply{View: res.Pending}), "show the gate")
		if secret != nil {
			cv.try(r.Ephemeral(ctx, Reply{Result: secret}), "show the requester a secret")
		}
	case !visible:
		cv.try(r.Ephemeral(ctx, Reply{Result: &res, Page: cv.keep(ctx, who, res)}), "answer")
	default:
		cv.announce(ctx, r, who, posted, res)
	}
}

// announce shows the result of a change in the channel, naming who asked,
// and its secrets to them alone. A channel the bot cannot post in (a
// direct message, a private channel it is not in) gets the result
// privately rather than not at all.
func (cv *Conversations) announce(ctx context.Context, r Replier, who commands.Principal, posted string, res commands.Result) {
	public := res
	public.Secret = nil
	reply := Reply{Result: &public, Mention: who}
	var err error
	if posted != "" {
		err = r.Edit(ctx, posted, reply)
	} else {
		_, err = r.Public(ctx, reply)
	}
	if err != nil {
		cv.log.Warn("showing a result in the channel failed; showing it to the requester", "err", err)
		cv.try(r.Ephemeral(ctx, Reply{Result: &res}), "answer")
		return
	}
	if secret := secretOnly(res); secret != nil {
		cv.try(r.Ephemeral(ctx, Reply{Result: secret}), "show the requester a secret")
	}
}

// secretOnly is the part of res for its requester's eyes only, or nil.
func secretOnly(res commands.Result) *commands.Result {
	if len(res.Secret) == 0 {
		return nil
	}
	return &commands.Result{Title: "Only you can see this", Secret: res.Secret}
}

// try logs a reply that could not be delivered: the platform said no, and
// nothing else can be done with it here.
func (cv *Conversations) try(err error, what string) {
	if err != nil {
		cv.log.Warn("replying failed", "what", what, "class", fault.ClassOf(err), "err", err)
	}
}
