package commands

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/safetext"
)

// Kind is the type of an argument. The same validation applies to chat text
// and to MCP JSON, so a bad id is refused the same way from every source.
type Kind int

const (
	KindServer       Kind = iota // "provider/id", alias or hostname
	KindProvider                 // configured provider instance name
	KindName                     // image, ISO or snapshot name/id
	KindIP                       // IPv4 or IPv6 address
	KindHostname                 // DNS name
	KindText                     // free text (a deny reason)
	KindSecret                   // password: never logged, audited or shown to others
	KindInt                      // whole number
	KindEnum                     // one of Arg.Enum
	KindRequestID                // approval request id
	KindPrincipal                // "slack:T:U", "shell:alice"
	KindTime                     // RFC 3339 or a duration ago ("2h")
	KindPath                     // a local file path (audit export)
	KindServerFilter             // "provider/id", or "provider/" for all of a provider
)

// Arg declares one argument.
type Arg struct {
	Name       string
	Kind       Kind
	Help       string
	Required   bool
	Positional bool // chat: by position; otherwise key=value
	Enum       []string
	Min, Max   int // for KindInt
}

// Secret reports whether the argument's value must be redacted everywhere.
func (a Arg) Secret() bool { return a.Kind == KindSecret }

func (a Arg) placeholder() string {
	switch a.Kind {
	case KindEnum:
		return strings.Join(a.Enum, "|")
	case KindInt:
		return "N"
	case KindSecret:
		return "pw"
	}
	return a.Name
}

// Args are validated arguments by name: strings, or int for KindInt.
type Args map[string]any

// String returns a string argument, "" when absent.
func (a Args) String(name string) string { s, _ := a[name].(string); return s }

// Int returns an int argument, def when absent.
func (a Args) Int(name string, def int) int {
	if n, ok := a[name].(int); ok {
		return n
	}
	return def
}

// MaxValueLen bounds any one argument value; MaxInputLen bounds a whole
// chat line. Both far above any legitimate use, far below what could hurt.
const (
	MaxValueLen = 256
	MaxInputLen = 2048
)

var (
	reServerRef = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}(/[A-Za-z0-9][A-Za-z0-9._:-]{0,127})?$`)
	reProvider  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
	reName      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+:@-]{0,127}$`)
	reHostLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	reRequestID = regexp.MustCompile(`^r-[a-z0-9]{4,32}$`)
	rePrincipal = regexp.MustCompile(`^(slack|discord|mcp|shell):[A-Za-z0-9._@:-]{1,128}$`)
	reDuration  = regexp.MustCompile(`^[0-9]+[smhd]$`)
)

// validate checks and converts one raw value (a string from chat, or any
// JSON value from MCP) into its typed form.
func (a Arg) validate(raw any) (any, error) { return a.check(raw, true) }

// check is validate whose errors quote the value only when echo is set: a
// command with a secret argument gets errors that quote none of its
// values, since a password typed in the wrong place would be shown and
// audited.
func (a Arg) check(raw any, echo bool) (any, error) {
	q := func(s string) string {
		if echo {
			return fmt.Sprintf(" %q", s)
		}
		return ""
	}
	if a.Kind == KindInt {
		return a.validateInt(raw)
	}
	s, ok := raw.(string)
	if !ok {
		return nil, fmt.Errorf("%s must be a string", a.Name)
	}
	if s == "" {
		return nil, fmt.Errorf("%s is empty", a.Name)
	}
	if len(s) > MaxValueLen {
		return nil, fmt.Errorf("%s is too long (%d characters, at most %d)", a.Name, len(s), MaxValueLen)
	}
	switch a.Kind {
	case KindServer:
		if !reServerRef.MatchString(s) {
			return nil, fmt.Errorf("%s%s is not a server reference (provider/id, hostname or alias)", a.Name, q(s))
		}
	case KindServerFilter:
		if !reServerRef.MatchString(strings.TrimSuffix(s, "/")) {
			return nil, fmt.Errorf("%s%s is not a server reference (provider/id) or provider/", a.Name, q(s))
		}
	case KindProvider:
		if !reProvider.MatchString(s) {
			return nil, fmt.Errorf("%s%s is not a provider name", a.Name, q(s))
		}
	case KindName:
		if !reName.MatchString(s) {
			return nil, fmt.Errorf("%s%s is not a valid name (letters, digits and . _ + : @ -)", a.Name, q(s))
		}
	case KindIP:
		ip, err := netip.ParseAddr(s)
		if err != nil || ip.Zone() != "" {
			return nil, fmt.Errorf("%s%s is not an IP address", a.Name, q(s))
		}
		return ip.String(), nil
	case KindHostname:
		if err := checkHostname(s); err != nil {
			return nil, fmt.Errorf("%s%s %v", a.Name, q(s), err)
		}
		return strings.ToLower(strings.TrimSuffix(s, ".")), nil
	case KindText:
		// Free text is stored and shown to other people (a deny reason
		// lands on the requester's terminal): a control or format
		// character in it is refused, whatever the source.
		if strings.ContainsAny(s, "\r\n") {
			return nil, fmt.Errorf("%s must be one line", a.Name)
		}
		if r, bad := safetext.Check(s); bad {
			return nil, fmt.Errorf("%s holds a control or invisible character (%s); use plain text", a.Name, safetext.Quote(r))
		}
	case KindSecret:
		if len(s) < 8 {
			return nil, fmt.Errorf("%s must be at least 8 characters", a.Name)
		}
		if strings.ContainsAny(s, "\x00\r\n") {
			return nil, fmt.Errorf("%s must be one line", a.Name)
		}
	case KindEnum:
		for _, e := range a.Enum {
			if strings.EqualFold(s, e) {
				return e, nil
			}
		}
		return nil, fmt.Errorf("%s must be one of %s", a.Name, strings.Join(a.Enum, ", "))
	case KindRequestID:
		s = strings.ToLower(s)
		if !reRequestID.MatchString(s) {
			return nil, fmt.Errorf("%s%s is not a request id (like r-7kq2m9xw)", a.Name, q(s))
		}
	case KindPrincipal:
		if !rePrincipal.MatchString(s) {
			return nil, fmt.Errorf("%s%s is not a principal (like slack:T01:U02 or shell:alice)", a.Name, q(s))
		}
	case KindTime:
		if _, err := ParseSince(s, time.Now()); err != nil {
			if !echo {
				return nil, fmt.Errorf("%s is neither a time nor an age", a.Name)
			}
			return nil, fmt.Errorf("%s: %v", a.Name, err)
		}
	case KindPath:
		if _, bad := safetext.Check(s); bad {
			return nil, fmt.Errorf("%s is not a file path", a.Name)
		}
	}
	return s, nil
}

func (a Arg) validateInt(raw any) (any, error) {
	var n int
	switch v := raw.(type) {
	case string:
		i, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("%s must be a whole number", a.Name)
		}
		n = i
	case int:
		n = v
	case float64: // JSON numbers
		if v != float64(int(v)) {
			return nil, fmt.Errorf("%s must be a whole number", a.Name)
		}
		n = int(v)
	default:
		return nil, fmt.Errorf("%s must be a whole number", a.Name)
	}
	if n < a.Min || (a.Max > 0 && n > a.Max) {
		return nil, fmt.Errorf("%s must be between %d and %d", a.Name, a.Min, a.Max)
	}
	return n, nil
}

func checkHostname(s string) error {
	s = strings.TrimSuffix(s, ".")
	if len(s) > 253 {
		return fmt.Errorf("is longer than 253 characters")
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return fmt.Errorf("is not a fully qualified hostname")
	}
	for _, l := range labels {
		if !reHostLabel.MatchString(l) {
			return fmt.Errorf("is not a valid hostname")
		}
	}
	return nil
}

// ParseSince reads "2h", "7d" (ago) or an RFC 3339 time.
func ParseSince(s string, now time.Time) (time.Time, error) {
	if reDuration.MatchString(s) {
		unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[s[len(s)-1]]
		// An age past what a Duration holds (about 292 years) would wrap
		// around into the future and silently match nothing.
		n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
		if err != nil || n > int64(math.MaxInt64/unit) {
			return time.Time{}, fmt.Errorf("%q is too long an age (at most %d%c, about 292 years); give a time (2026-01-02T15:04:05Z) instead", s, int64(math.MaxInt64/unit), s[len(s)-1])
		}
		return now.Add(-time.Duration(n) * unit), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a time (2026-01-02T15:04:05Z) nor an age (30m, 2h, 7d)", s)
	}
	return t, nil
}

// Validate checks raw arguments against the declaration: unknown or missing
// arguments and malformed values are errors; the result holds typed values.
func (c *Command) Validate(raw map[string]any) (Args, error) {
	known := map[string]Arg{}
	for _, a := range c.Args {
		known[a.Name] = a
	}
	var unknown []string
	for k := range raw {
		if _, ok := known[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown argument %s", strings.Join(unknown, ", "))
	}
	out := Args{}
	for _, a := range c.Args {
		v, ok := raw[a.Name]
		if !ok || v == nil {
			if a.Required {
				return nil, fmt.Errorf("missing %s", a.Name)
			}
			continue
		}
		tv, err := a.check(v, !c.declaresSecret())
		if err != nil {
			return nil, err
		}
		out[a.Name] = tv
	}
	return out, nil
}

// Redact returns args with every secret value replaced, for audit records,
// approval storage, logs and anything shown to someone else. It is the one
// place redaction happens.
func (c *Command) Redact(args map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		out[k] = v
	}
	for _, a := range c.Args {
		if _, ok := out[a.Name]; ok && a.Secret() {
			out[a.Name] = Redacted
		}
	}
	return out
}

// Rejected returns args as a refused request of c may keep them on record.
// For a command with a secret argument every value is masked: a password
// typed in the wrong place (as the image) is what makes such a request
// fail, and the record of that failure must not carry it. (The record
// still names the resolved target, when there is one.)
func (c *Command) Rejected(args map[string]any) map[string]any {
	if !c.declaresSecret() {
		return args
	}
	out := make(map[string]any, len(args))
	for k := range args {
		out[k] = Redacted
	}
	return out
}

// Redacted replaces a secret value.
const Redacted = "[redacted]"

// declaresSecret reports whether any argument of c is a secret.
func (c *Command) declaresSecret() bool {
	for _, a := range c.Args {
		if a.Secret() {
			return true
		}
	}
	return false
}

// hasSecretArgs reports whether args carry a secret value.
func (c *Command) hasSecretArgs(args Args) bool {
	for _, a := range c.Args {
		if _, ok := args[a.Name]; ok && a.Secret() {
			return true
		}
	}
	return false
}
