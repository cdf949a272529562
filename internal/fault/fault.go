// Package fault is the error vocabulary every layer shares: drivers classify
// their provider's failures with it, the command layer builds refusals and
// parse errors with it, and adapters map its classes to words and status
// codes. It imports nothing of the project, so nobody owns it but everyone
// can use it.
package fault

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Class is the portable kind of a failure. Edges (chat, MCP, audit) map a
// class to words and status codes; drivers map their provider's errors to a
// class. Classes are stable strings because they are written to the audit log.
type Class string

const (
	Invalid          Class = "invalid"
	NotFound         Class = "not_found"
	Unauthenticated  Class = "unauthenticated"
	PermissionDenied Class = "permission_denied"
	Conflict         Class = "conflict"     // server busy or in the wrong state
	RateLimited      Class = "rate_limited" // see Error.RetryAfter
	Unsupported      Class = "unsupported"
	Unavailable      Class = "unavailable" // 5xx, timeout, connection refused
	Internal         Class = "internal"
)

// Error is a classified failure. Message is safe to show to users: it must
// never contain a secret (password, token, signature).
type Error struct {
	Class      Class
	Message    string
	RetryAfter time.Duration // for RateLimited, when the provider said
	// Busy marks a Conflict as "busy, try later" (HTTP 423 and the like), as
	// opposed to "wrong state", which retrying cannot fix.
	Busy bool
	// Provider, Op and Server are filled in by the portable wrapper.
	Provider string
	Op       string
	Server   string
	Err      error // underlying cause, for logs; must not carry secrets either
}

func (e *Error) Error() string {
	var s string
	if e.Provider != "" {
		s = e.Provider + ": "
	}
	if e.Op != "" {
		s += e.Op
		if e.Server != "" {
			s += " " + e.Server
		}
		s += ": "
	}
	s += e.Message
	if e.Class == RateLimited && e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry in %s)", e.RetryAfter.Round(time.Second))
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a classified error.
func Errorf(c Class, format string, args ...any) *Error {
	return &Error{Class: c, Message: fmt.Sprintf(format, args...)}
}

// ClassOf returns the class of err: the class of the first *Error in its
// chain, Unavailable for a deadline, Internal for anything else.
func ClassOf(err error) Class {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Unavailable
	}
	return Internal
}

// Retryable reports whether a call that failed with err may be repeated.
// mutating says whether the call changes state: a mutating call is repeated
// only when the provider proved it did not run (rate limit, busy) — never
// after a timeout or 5xx, where it may have run.
func Retryable(err error, mutating bool) bool {
	switch ClassOf(err) {
	case RateLimited:
		return true
	case Conflict:
		return mutating && isBusy(err)
	case Unavailable:
		return !mutating
	}
	return false
}

func isBusy(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Busy
}
