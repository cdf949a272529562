package commands

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/audit"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/policy"
	"github.com/vpsops/vpsops/internal/providers"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// Request is one command invocation from any source.
type Request struct {
	Source    string    // "shell", "slack", "discord", "mcp"
	Principal Principal // "slack:T01:U02", "mcp:claude-laptop", "shell:alice"
	// Groups are further policy subjects the principal acts as in this
	// request ("discord-role:<guild>:<role>"). An adapter sets them only
	// from the platform's signed payload (a Discord interaction's member
	// roles), never from a cache or anything a user typed. Malformed ones,
	// another platform's, or any from an MCP client refuse the request.
	Groups  []string
	Command string         // chat name ("iso mount")
	Args    map[string]any // raw: strings from chat, JSON values from MCP
	// ReplyTo is the adapter's opaque reference for telling the requester
	// an outcome that arrives later (an approval decided elsewhere).
	ReplyTo json.RawMessage
	// CanConfirm says the source can ask the requester to confirm (chat
	// buttons, shell, MCP elicitation). Without it a confirm gate becomes
	// an approval: a destructive action never runs unconfirmed.
	CanConfirm bool
	// Progress, when set, receives the progress of long operations. It is
	// called from the goroutine running the command.
	Progress func(Progress)
}

// mcp reports whether the request comes from an MCP client, by its
// principal or its source: either is enough to treat it as one.
func (q *Request) mcp() bool { return q.Principal.MCP() || q.Source == "mcp" }

// Runner runs commands through validate → resolve → authorize → gate →
// execute, auditing every stage.
type Runner struct {
	reg       *Registry
	fleet     *providers.Registry
	policy    *policy.Enforcer
	audit     *audit.Log
	approvals *approval.Store
	log       *slog.Logger
	observer  Observer // nil: nothing is measured
	clock     func() time.Time
	opTimeout time.Duration
	// progressInterval is the least time between two progress steps
	// passed on (see Throttle).
	progressInterval time.Duration

	// sweeping is whether the last watch round swept (only the watcher
	// goroutine reads or writes it).
	sweeping bool

	held        heldSecrets
	suggestions suggestions
	inflight    sync.WaitGroup // watcher goroutines running held requests, waited for at shutdown

	// secretKey keys the hash of secret argument values, so that the
	// approval table's args_hash cannot be used to guess a password
	// offline. It never leaves this process, which is fine: requests with
	// secrets only ever run here.
	secretKey []byte

	sweeps func() bool // see Options.Sweeps
}

// Options configures a Runner.
type Options struct {
	Registry         *Registry
	Fleet            *providers.Registry
	Policy           *policy.Enforcer
	Audit            *audit.Log
	Approvals        *approval.Store
	Sweeps           func() bool // whether this process sweeps now (see Runner.sweep); nil: always
	Logger           *slog.Logger
	Clock            func() time.Time
	OperationTimeout time.Duration // bound on waiting for a long operation; default 15m
	ProgressInterval time.Duration // least time between progress steps; default DefaultProgressInterval
	Observer         Observer      // told how commands end (metrics); nil: nothing is measured
}

// NewRunner builds a Runner.
func NewRunner(o Options) *Runner {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.OperationTimeout == 0 {
		o.OperationTimeout = 15 * time.Minute
	}
	if o.ProgressInterval == 0 {
		o.ProgressInterval = DefaultProgressInterval
	}
	if o.Registry == nil {
		o.Registry = Builtin()
	}
	return &Runner{
		reg: o.Registry, fleet: o.Fleet, policy: o.Policy, audit: o.Audit,
		approvals: o.Approvals, log: o.Logger, observer: o.Observer, clock: o.Clock,
		opTimeout: o.OperationTimeout, progressInterval: o.ProgressInterval,
		secretKey: randomKey(),
		sweeps:    o.Sweeps,
	}
}

// Registry returns the command declarations the runner serves.
func (r *Runner) Registry() *Registry { return r.reg }

// Instance names this process in the approval store: requests it
// executed carry it as their Executor.
func (r *Runner) Instance() string { return r.approvals.Instance() }

// Fleet returns the configured providers.
func (r *Runner) Fleet() *providers.Registry { return r.fleet }

// RunText parses a chat line and runs it. A line that does not parse is
// refused with a one-line error and the usage, and audited as rejected.
func (r *Runner) RunText(ctx context.Context, q Request, line string) (Result, error) {
	if err := r.checkGroups(ctx, &q, audit.Record{}); err != nil {
		return Result{}, err
	}
	name, raw, err := r.reg.Parse(line)
	if err != nil {
		var pe *ParseError
		errors.As(err, &pe)
		var e error = fault.Errorf(fault.Invalid, "%s", pe.Msg)
		if pe.Usage != "" {
			e = &UsageError{Err: e.(*fault.Error), Usage: pe.Usage}
		}
		return Result{}, r.refuse(ctx, &q, audit.Record{Command: pe.Command}, audit.StageRejected, e)
	}
	q.Command, q.Args = name, raw
	return r.Run(ctx, q)
}

// Run runs one request. The error, when not nil, is safe to show to the
// requester (fault.ClassOf gives its class, UsageOf its usage line). A
// failed request may still carry a Result whose Secret fields the
// requester must see (a generated password for a reinstall that started
// but could not be followed to the end).
func (r *Runner) Run(ctx context.Context, q Request) (Result, error) {
	start := r.clock()
	cmd := r.reg.Lookup(q.Command)
	if cmd == nil {
		return Result{}, r.refuse(ctx, &q, audit.Record{}, audit.StageRejected,
			fault.Errorf(fault.Invalid, "unknown command; type `help` for the list"))
	}
	if err := r.checkGroups(ctx, &q, audit.Record{Command: cmd.Name}); err != nil {
		return Result{}, err
	}
	if cmd.Tool == "" && q.mcp() {
		return Result{}, r.refuse(ctx, &q, audit.Record{Command: cmd.Name}, audit.StageRejected,
			fault.Errorf(fault.PermissionDenied, "%s is not available to MCP clients", cmd.Name))
	}
	args, err := cmd.Validate(q.Args)
	if err != nil {
		return Result{}, r.refuse(ctx, &q, audit.Record{Command: cmd.Name, Args: r.redactedJSON(cmd, cmd.Rejected(q.Args), nil)}, audit.StageRejected,
			invalid(cmd, "%s: %v", cmd.Name, err))
	}
	inv := &Invocation{runner: r, Request: &q, Command: cmd, Args: args, Principal: string(q.Principal)}
	if cmd.internal {
		// confirm, cancel, approve, deny: the decision methods authorize
		// and audit each outcome themselves.
		return cmd.Run(ctx, inv)
	}
	base := audit.Record{Command: cmd.Name, Args: r.redactedJSON(cmd, args, inv.Generated)}
	// Someone with no grant for this permission anywhere is refused before
	// the server is resolved: resolving would tell them which servers
	// exist, and a name lookup lists every provider.
	if cmd.Permission != "" {
		d := r.policy.MayAnywhereFor(q.subject(), cmd.Permission)
		base.Rule = d.Rule
		if !d.Allowed {
			return Result{}, r.deny(ctx, &q, base, cmd, "any server")
		}
	}
	if cmd.Target() {
		if err := r.target(ctx, inv, &base); err != nil {
			return Result{}, err
		}
	}
	if cmd.Prepare != nil {
		if err := cmd.Prepare(ctx, inv); err != nil {
			rec := base
			rec.Args = r.redactedJSON(cmd, cmd.Rejected(args), nil)
			return Result{}, r.refuse(ctx, &q, rec, audit.StageRejected, invalid(cmd, "%s: %v", cmd.Name, err))
		}
		base.Args = r.redactedJSON(cmd, args, inv.Generated)
	}
	if cmd.Gated() && cmd.Target() {
		if gate, reason := r.gateFor(&q, cmd, inv.Target); gate != policy.GateNone {
			return r.hold(ctx, &q, inv, base, gate, reason)
		}
	}
	// The request is on the record before anything can change: for an
	// action that may change something, that record must be durable, or
	// nothing happens. (hold records it with the request's id.)
	req := base
	req.Stage = audit.StageRequested
	if cmd.Gated() {
		if err := r.record(ctx, &q, req); err != nil {
			r.finished(cmd.Name, OutcomeError)
			return Result{}, fault.Errorf(fault.Unavailable, "the audit log cannot be written, so %s was not started", cmd.Name)
		}
	} else {
		r.recordAsync(&q, req)
	}
	return r.execute(ctx, inv, base, start)
}

// target resolves the server, authorizes the principal on it and checks
// that its provider can do the command, auditing a refusal.
func (r *Runner) target(ctx context.Context, inv *Invocation, base *audit.Record) error {
	q, cmd := inv.Request, inv.Command
	visible := func(ref string) bool { return r.policy.DecideFor(q.subject(), cmd.Permission, ref).Allowed }
	ref := inv.Args.String(cmd.Args[0].Name)
	p, id, err := r.fleet.ResolveFor(ctx, ref, visible)
	if err != nil && cmd.declaresSecret() {
		// A password typed where the server goes must not come back in
		// the answer or the record: name nothing the user typed.
		rec := *base
		rec.Args = r.redactedJSON(cmd, cmd.Rejected(inv.Args), nil)
		return r.refuse(ctx, q, rec, audit.StageRejected, invalid(cmd,
			"%s: the server given was not found (%s); `list` shows the servers you may use", cmd.Name, fault.ClassOf(err)))
	}
	if err != nil {
		return r.refuse(ctx, q, *base, audit.StageRejected, err)
	}
	inv.Provider, inv.ServerID, inv.Target = p, id, p.Name()+"/"+id
	base.Target = inv.Target
	d := r.policy.DecideFor(q.subject(), cmd.Permission, inv.Target)
	base.Rule = d.Rule
	if !d.Allowed {
		return r.deny(ctx, q, *base, cmd, inv.Target)
	}
	// Before any gate: nobody confirms an action that cannot work, or one
	// on a server that is not there; and people deciding are shown the
	// server's name and address.
	err = p.Check(cmd.Name, cmd.Needs, cmd.Power)
	if err == nil && cmd.Gated() {
		inv.Server, err = r.existing(ctx, p, id, ref)
	}
	if err != nil {
		return r.refuse(ctx, q, *base, audit.StageRejected, err)
	}
	return nil
}

// existing reads the server a gated action is about. A server reached by
// name that is gone means the name index is stale (it was deleted, maybe
// by another process): the index is dropped and the user told plainly.
func (r *Runner) existing(ctx context.Context, p *providers.Provider, id, ref string) (*driver.Server, error) {
	srv, err := p.GetServer(ctx, id)
	if fault.ClassOf(err) == fault.NotFound && !strings.Contains(ref, "/") {
		r.fleet.ForgetNames()
		return nil, fault.Errorf(fault.NotFound, "no server named %s (any more); try `list`", ref)
	}
	return srv, err
}

// deny audits and words a policy refusal.
func (r *Runner) deny(ctx context.Context, q *Request, base audit.Record, cmd *Command, object string) error {
	return r.refuse(ctx, q, base, audit.StageDenied,
		denied("%s may not run %s on %s (it needs %s)", q.Principal, cmd.Name, object, cmd.Permission))
}

// execute runs an authorized, ungated (or already cleared) invocation and
// audits its outcome. A command whose caller stopped waiting (shutdown, or
// an MCP client cancelling its call) while the provider was working is
// recorded as interrupted: the action may well go on at the provider, its
// outcome is unknown, and it is never re-run.
func (r *Runner) execute(ctx context.Context, inv *Invocation, base audit.Record, start time.Time) (Result, error) {
	q := inv.Request
	res, err := inv.Command.Run(ctx, inv)

	rec := base
	rec.Stage, rec.Decision, rec.ApprovalID = audit.StageExecuted, "allow", inv.ApprovalID
	rec.Duration = r.clock().Sub(start)
	if inv.Command.Gated() || fault.ClassOf(err) == fault.NotFound {
		// A change may have removed or renamed a server, and a name that
		// led nowhere is stale: the next lookup by name lists afresh.
		r.fleet.ForgetNames()
	}
	switch {
	case err != nil && ctx.Err() != nil:
		rec.Stage, rec.Outcome, rec.ErrorClass = audit.StageInterrupted, audit.OutcomeError, string(fault.ClassOf(err))
		rec.Error = "stopped waiting (shutdown or the caller cancelled) before the provider reported the end; the action may still be running there: " + safeMessage(err)
	case err != nil:
		rec.Outcome, rec.ErrorClass, rec.Error = audit.OutcomeError, string(fault.ClassOf(err)), safeMessage(err)
	default:
		rec.Outcome = audit.OutcomeOK
	}
	if err != nil {
		// Info, not Warn: the requester already sees the error; a failed
		// command is an event for the log, not a fault of the bot.
		r.log.LogAttrs(ctx, slog.LevelInfo, "command failed", slog.String("principal", string(q.Principal)), slog.String("command", inv.Command.Name), slog.String("target", inv.Target), slog.String("class", rec.ErrorClass), slog.String("error", rec.Error))
	}
	if aerr := r.record(ctx, q, rec); aerr != nil && err == nil {
		// The action ran but could not be recorded: say so rather than
		// pretend the audit trail is whole.
		res.Notes = append(res.Notes, "warning: the audit record of this action could not be written")
	}
	if err != nil {
		// res may hold secrets the requester must still get (see Run).
		return Result{Secret: res.Secret}, userError(inv.Command, err)
	}
	return res, nil
}

// userError makes sure what is returned is safe and one line.
func userError(cmd *Command, err error) error {
	var de *fault.Error
	if errors.As(err, &de) {
		return err
	}
	return fault.Errorf(fault.Internal, "%s failed: %s", cmd.Name, safeMessage(err))
}

// record appends an audit record for q, waiting until it is durable.
func (r *Runner) record(ctx context.Context, q *Request, rec audit.Record) error {
	rec.Source, rec.Principal, rec.Groups = q.Source, string(q.Principal), q.recordedGroups()
	// An audit write must complete even when the requester went away.
	_, err := r.audit.Append(context.WithoutCancel(ctx), rec)
	if err != nil {
		r.log.Error("audit append failed", "stage", string(rec.Stage), "command", rec.Command, "err", err)
	}
	// Counted even when the record failed: the command ended so all the
	// same (and the failure is logged above).
	r.observe(rec)
	return err
}

func (r *Runner) recordAsync(q *Request, rec audit.Record) {
	rec.Source, rec.Principal, rec.Groups = q.Source, string(q.Principal), q.recordedGroups()
	r.audit.AppendAsync(rec)
}

// redactedJSON encodes args for the audit log and approval store with
// every secret replaced. Values of keys the command does not declare (a
// rejected request) are masked too, since a mistyped key may hold a
// secret; over-long values are clipped so a rejected payload cannot bloat
// the log.
func (r *Runner) redactedJSON(cmd *Command, args map[string]any, generated map[string]bool) json.RawMessage {
	if len(args) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, a := range cmd.Args {
		known[a.Name] = true
	}
	red := cmd.Redact(args)
	for k, v := range red {
		if generated[k] {
			red[k] = "[generated]"
			continue
		}
		switch s, isStr := v.(string); {
		case !known[k]:
			red[k] = Redacted
		case isStr && len(s) > MaxValueLen:
			red[k] = s[:MaxValueLen] + "…"
		case !isStr && v != nil:
			if _, isInt := v.(int); !isInt {
				red[k] = "[not a string]"
			}
		}
	}
	b, err := json.Marshal(red)
	if err != nil {
		return nil
	}
	return b
}
