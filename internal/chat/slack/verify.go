package slack

import (
	"crypto/hmac"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// Window is how far a request's timestamp may be from now, either way,
// before it is refused as stale: Slack's own recommendation.
const Window = 5 * time.Minute

// DefaultMaxBody bounds a request body when NewVerifier is given 0. Slack's
// payloads are a few kilobytes; a megabyte leaves room for large view
// submissions.
const DefaultMaxBody int64 = 1 << 20

// Header names Slack signs with.
const (
	TimestampHeader = "X-Slack-Request-Timestamp"
	SignatureHeader = "X-Slack-Signature"
)

// The kinds of refusal. Messages are fixed text: they never carry the
// secret, the signature or any other header value.
var (
	ErrTooLarge     = &fault.Error{Class: fault.Invalid, Message: "slack request: body too large"}
	ErrStale        = &fault.Error{Class: fault.Unauthenticated, Message: "slack request: timestamp outside the 5-minute window"}
	ErrBadSignature = &fault.Error{Class: fault.Unauthenticated, Message: "slack request: signature does not match"}
	ErrMalformed    = &fault.Error{Class: fault.Unauthenticated, Message: "slack request: malformed signature headers"}
)

// Verifier checks Slack's signed requests.
type Verifier struct {
	secret  string
	clock   func() time.Time
	maxBody int64
}

// NewVerifier returns a verifier for signingSecret. An empty secret is an
// error, so that a bot with a missing key refuses to start rather than
// accepting requests it cannot check. clock is time.Now when nil; maxBody is
// DefaultMaxBody when 0.
func NewVerifier(signingSecret string, clock func() time.Time, maxBody int64) (*Verifier, error) {
	if signingSecret == "" {
		return nil, fault.Errorf(fault.Invalid, "slack: signing secret is empty")
	}
	if maxBody < 0 {
		return nil, fault.Errorf(fault.Invalid, "slack: body limit %d is negative", maxBody)
	}
	if maxBody == 0 {
		maxBody = DefaultMaxBody
	}
	if clock == nil {
		clock = time.Now
	}
	return &Verifier{secret: signingSecret, clock: clock, maxBody: maxBody}, nil
}

// Verify reads r's body, at most the limit plus one byte so that an oversized
// body is refused without reading or hashing it all, then checks the headers,
// the window and the signature, in that order. It returns the raw body for
// the caller to parse, or an error that wraps one of ErrTooLarge, ErrStale,
// ErrBadSignature and ErrMalformed; a body that cannot be read (the client
// went away) is an Invalid fault.Error of its own, its cause in Err.
func (v *Verifier) Verify(r *http.Request) ([]byte, error) {
	body, err := v.readBody(r)
	if err != nil {
		return nil, err
	}
	ts, err := single(r.Header, TimestampHeader)
	if err != nil {
		return nil, err
	}
	sig, err := single(r.Header, SignatureHeader)
	if err != nil {
		return nil, err
	}
	when, ok := parseTimestamp(ts)
	if !ok {
		return nil, fmt.Errorf("%w: %s is not a number of seconds", ErrMalformed, TimestampHeader)
	}
	if !wellFormed(sig) {
		return nil, fmt.Errorf("%w: %s is not v0= and 64 lowercase hex digits", ErrMalformed, SignatureHeader)
	}
	if age := v.clock().Sub(when); age > Window || age < -Window {
		return nil, ErrStale
	}
	// Both are exactly 67 bytes here, so the comparison takes the same time
	// wherever they differ.
	if !hmac.Equal([]byte(sig), []byte(Sign(v.secret, ts, body))) {
		return nil, ErrBadSignature
	}
	return body, nil
}

func (v *Verifier) readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > v.maxBody {
		return nil, ErrTooLarge // declared too large: not a byte read
	}
	if r.Body == nil {
		return []byte{}, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, v.maxBody+1))
	if err != nil {
		return nil, &fault.Error{Class: fault.Invalid, Message: "slack request: reading the body failed", Err: err}
	}
	if int64(len(body)) > v.maxBody {
		return nil, ErrTooLarge
	}
	return body, nil
}

// single returns the one value of header name; none or several is malformed
// (which of two values was signed would be a guess).
func single(h http.Header, name string) (string, error) {
	switch vals := h.Values(name); len(vals) {
	case 1:
		return vals[0], nil
	case 0:
		return "", fmt.Errorf("%w: %s missing", ErrMalformed, name)
	default:
		return "", fmt.Errorf("%w: %s given %d times", ErrMalformed, name, len(vals))
	}
}

// parseTimestamp accepts ASCII digits only, with no leading zero: no sign,
// space or exponent, so that one instant has one spelling in the signed base
// string. 18 digits cannot overflow an int64.
func parseTimestamp(s string) (time.Time, bool) {
	if s == "" || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return time.Time{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// wellFormed reports whether sig is spelled as Sign spells it. Uppercase hex
// is refused: it would be a second spelling of the same signature and so a
// replay that Replays, keyed on the header, could not recognise.
func wellFormed(sig string) bool {
	const prefix = "v0="
	if len(sig) != len(prefix)+64 || sig[:len(prefix)] != prefix {
		return false
	}
	for i := len(prefix); i < len(sig); i++ {
		c := sig[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
