package providers

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// Retry pacing. Waits are short because a person is usually waiting for the
// answer in a chat; a provider that asks for a longer pause than
// maxRetryAfter gets its rate-limited error shown (with its retry-in hint)
// instead of a silent stall.
const (
	baseBackoff   = 200 * time.Millisecond
	maxBackoff    = 2 * time.Second
	maxRetryAfter = 5 * time.Second
)

// do runs one driver call for Provider p: f gets a context bounded by the
// per-call timeout, failures are retried per fault.Retryable(err,
// mutating) while attempts and time remain, and the error returned is a
// single *fault.Error carrying p's name, op and the server id.
func do[T any](ctx context.Context, p *Provider, op, id string, mutating bool, f func(ctx context.Context) (T, error)) (_ T, err error) {
	if obs := p.o.Observer; obs != nil {
		start := time.Now()
		defer func() { obs.ProviderCall(p.name, op, string(fault.ClassOf(err)), time.Since(start)) }()
	}
	var zero T
	cctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		v, err := f(cctx)
		if err == nil {
			return v, nil
		}
		e := p.classifyCall(ctx, cctx, err)
		d, again := p.retryWait(cctx, e, attempt, mutating)
		if !again {
			p.o.Logger.Debug("provider call failed", "op", op, "server", id, "class", e.Class, "error", e.Message)
			return zero, p.stamp(op, id, e)
		}
		p.o.Logger.Warn("provider call failed; retrying", "op", op, "server", id,
			"attempt", attempt+1, "class", e.Class, "error", e.Message, "wait", d)
		if werr := p.wait(cctx, d); werr != nil {
			te := p.classifyCall(ctx, cctx, werr)
			te.Err = e // the failure we were about to retry is the useful cause
			return zero, p.stamp(op, id, te)
		}
	}
}

// retryWait decides whether the failure e of attempt (0-based) is repeated
// and after how long. A retry that could not finish before the call's
// deadline is not started: the real error beats "timed out".
func (p *Provider) retryWait(cctx context.Context, e *fault.Error, attempt int, mutating bool) (time.Duration, bool) {
	if attempt >= p.o.ReadRetries || cctx.Err() != nil || !fault.Retryable(e, mutating) {
		return 0, false
	}
	d := min(baseBackoff<<attempt, maxBackoff)
	d = d/2 + rand.N(d/2+1) // jitter so concurrent callers do not retry in step
	if e.RetryAfter > 0 {
		if e.RetryAfter > maxRetryAfter {
			return 0, false
		}
		d = max(d, e.RetryAfter)
	}
	if dl, ok := cctx.Deadline(); ok && time.Until(dl) <= d {
		return 0, false
	}
	return d, true
}

// classifyCall turns err from a call made under cctx (derived from the
// caller's ctx) into a *fault.Error without provider fields. When the
// context ended, the context's story wins over whatever the driver made of
// it: our own timeout says how long it was, so "timed out after 20s" rather
// than a transport message; the caller's cancellation says so.
func (p *Provider) classifyCall(ctx, cctx context.Context, err error) *fault.Error {
	if cctx.Err() != nil && endedByContext(err) {
		switch {
		case errors.Is(ctx.Err(), context.Canceled):
			return &fault.Error{Class: fault.Unavailable, Message: "canceled", Err: err}
		case ctx.Err() != nil:
			return &fault.Error{Class: fault.Unavailable, Message: "timed out", Err: err}
		default:
			return &fault.Error{Class: fault.Unavailable, Message: fmt.Sprintf("timed out after %s", p.o.Timeout), Err: err}
		}
	}
	return classify(err)
}

// endedByContext reports whether err looks like the result of a context
// ending rather than a provider answer: a context error anywhere in the
// chain, or an unclassified error (a driver that classified the failure as
// something other than unavailable, e.g. not_found, keeps its answer).
func endedByContext(err error) bool {
	var e *fault.Error
	if !errors.As(err, &e) {
		return true
	}
	ctxErr := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
	return ctxErr && (e.Class == fault.Unavailable || e.Class == fault.Internal)
}

// classify returns err as a *fault.Error: a copy of the first one in its
// chain (the driver's class, message and retry hints kept) that wraps err,
// or Internal for an error the driver did not classify. Drivers may return
// shared sentinel errors, so the original is never modified; it stays in
// the chain for errors.Is, and only the copy's message is shown, so
// nothing is said twice.
func classify(err error) *fault.Error {
	var e *fault.Error
	if !errors.As(err, &e) {
		return &fault.Error{Class: fault.Internal, Message: err.Error(), Err: err}
	}
	c := *e
	c.Err = err
	return &c
}

// stamp fills in the wrapper's fields. An error some Provider already
// stamped passes through untouched: wrapping happens once.
func (p *Provider) stamp(op, id string, e *fault.Error) *fault.Error {
	if e.Provider != "" && e.Op != "" {
		return e
	}
	e.Provider, e.Op, e.Server = p.name, op, id
	return e
}
