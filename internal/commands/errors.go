package commands

import (
	"errors"
	"fmt"

	"github.com/vpsops/vpsops/internal/fault"
)

// UsageError is a request refused for its input; it carries the usage line
// of the command so every adapter can show it under the one-line error.
type UsageError struct {
	Err   *fault.Error
	Usage string
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// UsageOf returns the usage line attached to err, or "".
func UsageOf(err error) string {
	var u *UsageError
	if errors.As(err, &u) {
		return u.Usage
	}
	return ""
}

func invalid(cmd *Command, format string, args ...any) error {
	e := fault.Errorf(fault.Invalid, format, args...)
	if cmd == nil {
		return e
	}
	return &UsageError{Err: e, Usage: cmd.Usage()}
}

func denied(format string, args ...any) *fault.Error {
	return fault.Errorf(fault.PermissionDenied, format, args...)
}

// safeMessage is the one-line text of err for users and the audit log.
// Provider errors are built to be safe; anything else is reduced to its
// class so an unexpected error cannot carry a secret out.
func safeMessage(err error) string {
	var de *fault.Error
	if errors.As(err, &de) {
		return err.Error()
	}
	return fmt.Sprintf("internal error (%s)", fault.ClassOf(err))
}
