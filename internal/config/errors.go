package config

import (
	"fmt"
	"strings"
)

// ExitCode is the process exit status for a configuration error (SPEC §1).
const ExitCode = 2

// Error is returned by Load, Parse and Validate: every problem found in one
// configuration. Its message never contains a configured value.
type Error struct {
	// File is the configuration file, "" when parsed from memory.
	File     string
	Problems []*FieldError
}

// Error lists every problem, one per line after the first.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" ")
		b.WriteString(e.File)
	}
	if len(e.Problems) == 1 {
		b.WriteString(": ")
		b.WriteString(e.Problems[0].Error())
		return b.String()
	}
	fmt.Fprintf(&b, ": %d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns the problems, so errors.As finds a *FieldError.
func (e *Error) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// FieldError is one problem at one key.
type FieldError struct {
	// Key is the key path, e.g. "providers[2].api_key"; "" for the document.
	Key string
	// Line is the 1-based line in the file, 0 when unknown.
	Line int
	// Msg says what is wrong, without quoting the value.
	Msg string
	// Err is the underlying cause, if any (e.g. a file-system error).
	Err error
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Key != "" {
		b.WriteString(e.Key)
	}
	if e.Line > 0 {
		if e.Key != "" {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "(line %d)", e.Line)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *FieldError) Unwrap() error { return e.Err }

// problems collects FieldErrors.
type problems []*FieldError

func (p *problems) add(key string, line int, format string, args ...any) {
	*p = append(*p, &FieldError{Key: key, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// err returns the collected problems as an *Error, or nil.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Problems: p}
}
