package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// Window is how far an interaction's timestamp may be from now, either
// way, before it is refused as stale.
const Window = 5 * time.Minute

// DefaultMaxBody bounds an interaction's body when NewVerifier is given 0:
// interactions are a few kilobytes.
const DefaultMaxBody int64 = 1 << 20

// Header names Discord signs with.
const (
	SignatureHeader = "X-Signature-Ed25519"
	TimestampHeader = "X-Signature-Timestamp"
)

// The kinds of refusal: fixed text, never a header value.
var (
	ErrTooLarge     = &fault.Error{Class: fault.Invalid, Message: "discord request: body too large"}
	ErrStale        = &fault.Error{Class: fault.Unauthenticated, Message: "discord request: timestamp outside the 5-minute window"}
	ErrBadSignature = &fault.Error{Class: fault.Unauthenticated, Message: "discord request: signature does not match"}
	ErrMalformed    = &fault.Error{Class: fault.Unauthenticated, Message: "discord request: malformed signature headers"}
)

// Verifier checks Discord's signed interactions: an Ed25519 signature of
// the timestamp header followed by the raw body, with the application's
// public key. discordgo's VerifyInteraction reads the whole body before
// checking anything and checks no timestamp; this reads at most the limit
// and refuses a signature older (or newer) than Window, so a captured
// request cannot be replayed later.
type Verifier struct {
	key     ed25519.PublicKey
	clock   func() time.Time
	maxBody int64
}

// NewVerifier returns a verifier for the hex public key of the
// application (discord.public_key). clock is time.Now when nil; maxBody is
// DefaultMaxBody when 0.
func NewVerifier(publicKeyHex string, clock func() time.Time, maxBody int64) (*Verifier, error) {
	key, err := hex.DecodeString(publicKeyHex)
	if err != nil || len(key) != ed25519.PublicKeySize {
		return nil, fault.Errorf(fault.Invalid, "discord: public key must be %d hex-encoded bytes", ed25519.PublicKeySize)
	}
	if maxBody < 0 {
		return nil, fault.Errorf(fault.Invalid, "discord: body limit %d is negative", maxBody)
	}
	if maxBody == 0 {
		maxBody = DefaultMaxBody
	}
	if clock == nil {
		clock = time.Now
	}
	return &Verifier{key: key, clock: clock, maxBody: maxBody}, nil
}

// Verify returns r's body once its signature and timestamp check out.
// Headers are checked first (they cost nothing), then at most maxBody+1
// bytes are read.
func (v *Verifier) Verify(r *http.Request) ([]byte, error) {
	sigHex, ts := r.Header.Values(SignatureHeader), r.Header.Values(TimestampHeader)
	if len(sigHex) != 1 || len(ts) != 1 {
		return nil, ErrMalformed
	}
	sig, err := hex.DecodeString(sigHex[0])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, ErrMalformed
	}
	secs, err := strconv.ParseInt(ts[0], 10, 64)
	if err != nil || len(ts[0]) > 12 {
		return nil, ErrMalformed
	}
	if d := v.clock().Sub(time.Unix(secs, 0)); d > Window || d < -Window {
		return nil, ErrStale
	}
	if r.ContentLength > v.maxBody {
		return nil, ErrTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, v.maxBody+1))
	if err != nil {
		return nil, &fault.Error{Class: fault.Invalid, Message: "discord request: reading the body failed", Err: err}
	}
	if int64(len(body)) > v.maxBody {
		return nil, ErrTooLarge
	}
	msg := make([]byte, 0, len(ts[0])+len(body))
	msg = append(append(msg, ts[0]...), body...)
	if !ed25519.Verify(v.key, msg, sig) {
		return nil, ErrBadSignature
	}
	return body, nil
}

// status is the HTTP answer to a refusal: 413 for a body over the limit,
// else 401 (Discord tests that a bad signature gets 401).
func status(err error) int {
	if errors.Is(err, ErrTooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusUnauthorized
}
