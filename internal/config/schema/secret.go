package schema

import (
	"encoding/json"
	"log/slog"
)

// redacted is what every printing or encoding path shows instead of a secret.
const redacted = "[redacted]"

// Secret is a credential read from the configuration (a password, an API key,
// a token). Every way of printing or encoding it — fmt verbs including %#v,
// encoding/json, YAML encoders, encoding.TextMarshaler users and log/slog — yields
// "[redacted]" when it is set and "" when it is empty, so a Config can be
// logged or dumped without leaking anything. Reveal is the one way to read
// the value and should appear only where the credential is handed to a
// client library.
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) shown() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String implements fmt.Stringer (%v, %s, %q, %x, …).
func (s Secret) String() string { return s.shown() }

// GoString implements fmt.GoStringer (%#v).
func (s Secret) GoString() string { return s.shown() }

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.shown()), nil }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.shown()) }

// MarshalYAML implements yaml.Marshaler.
func (s Secret) MarshalYAML() (any, error) { return s.shown(), nil }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.shown()) }
