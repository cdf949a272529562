package schema

import (
	"fmt"
	"strings"
	"time"

	"github.com/vpsops/vpsops/internal/providers/wire"
)

// Settings is a provider type's section of a providers: entry (every key
// but name, type and timeout): a pointer to a struct with yaml-tagged
// fields. A field of type Secret is a secret (it never prints and has a
// _file twin); a field tagged required:"true" must be set.
type Settings interface {
	// Check reports what the tags cannot say: formats, ranges, keys
	// required only together.
	Check(p *Problems)
}

// Problems collects what is wrong with one entry's settings. Keys are the
// entry's own ("email"); config prefixes them with the entry and adds
// the line. Messages never quote a value: it may be a secret.
type Problems struct {
	typ, prefix string
	add         func(key, msg string)
}

// NewProblems returns Problems for an entry of type typ whose keys start
// with prefix ("providers[2]."), handing each problem to add.
func NewProblems(typ, prefix string, add func(key, msg string)) *Problems {
	return &Problems{typ: typ, prefix: prefix, add: add}
}

// Add reports a problem with key.
func (p *Problems) Add(key, format string, args ...any) { p.add(key, fmt.Sprintf(format, args...)) }

// Require reports key as missing.
func (p *Problems) Require(key string) { p.Add(key, "required for type %s", p.typ) }

// URL checks an optional API URL by the rule every driver applies
// (wire.CheckBaseURL): https, or plain http to a loopback host only.
func (p *Problems) URL(key, raw string) {
	if raw == "" {
		return
	}
	if err := wire.CheckBaseURL(key, raw); err != nil {
		p.Add(key, "%s", strings.TrimPrefix(err.Error(), key+" "))
	}
}

// IDs checks a list of ids: each non-empty, without spaces or '/', and
// (when unique) not repeated. what names them in the message ("id",
// "VPS id").
func (p *Problems) IDs(key string, ids []string, what string, unique bool) {
	seen := map[string]int{}
	for j, id := range ids {
		k := fmt.Sprintf("%s[%d]", key, j)
		if id == "" || strings.ContainsAny(id, " \t\r\n/") {
			p.Add(k, "must be a non-empty %s without spaces or '/'", what)
		} else if prev, dup := seen[id]; dup && unique {
			p.Add(k, "duplicate of %s[%d]", p.entryKey(key), prev)
		} else if !dup {
			seen[id] = j
		}
	}
}

// entryKey is the full key path of key, for messages that point at
// another element of the same entry.
func (p *Problems) entryKey(key string) string { return p.prefix + key }

// MaxPollInterval bounds poll_interval: a slower poll makes a finished
// operation look hung.
const MaxPollInterval = 5 * time.Minute

// PollInterval checks the poll_interval key.
func (p *Problems) PollInterval(d Duration) {
	if d < 0 || d.Duration() > MaxPollInterval {
		p.Add("poll_interval", "must be between 0 (driver default) and 5m")
	}
}

// CancelMode checks the cancel_mode key.
func (p *Problems) CancelMode(mode string) {
	if mode != "" && mode != "immediate" && mode != "end_of_period" {
		p.Add("cancel_mode", "must be immediate or end_of_period")
	}
}

// Email checks an optional email key.
func (p *Problems) Email(key, s string) {
	if s != "" && !strings.Contains(s, "@") {
		p.Add(key, "must be an email address")
	}
}

// Override sets *dst to v unless v is the zero value: an unset key keeps
// the driver's default.
func Override[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}
