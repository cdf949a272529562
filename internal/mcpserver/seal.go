package mcpserver

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vpsops/vpsops/internal/canonical"
	"github.com/vpsops/vpsops/internal/fault"
)

// A tool call that needs the user's confirmation answers with an opaque
// requestState, which the client sends back, with the user's answer, when it
// retries the call. The client (and whatever logs its traffic) holds that
// string in between, so on its way back it is attacker-controlled input.
//
// The token is "v1." followed by the URL-safe, unpadded base64 of an
// AES-256-GCM nonce and the sealed JSON of the State. GCM's tag is the MAC
// (checked in constant time); encrypting as well as authenticating keeps
// the principal, the approval request id and the argument digest out of
// sight: the digest of arguments that carry a password would otherwise let
// anyone who sees the token test guesses of the password offline.
const (
	tokenPrefix = "v1."
	// tokenAD is GCM's additional data: it ties the sealed bytes to this
	// purpose and version, so no other ciphertext under the same key, nor
	// a future version's, opens as a v1 state.
	tokenAD = "vpsops/mcp/request-state/v1"
	// cipherLabel derives the AES key from the state key (HKDF info), so
	// the cipher never runs on the raw key it was handed.
	cipherLabel = "vpsops/mcp/request-state/v1 aes-256-gcm"
	// MaxTokenSize bounds a requestState. Open refuses a longer one before
	// decoding anything, and Seal refuses a State that would not fit.
	MaxTokenSize = 4 << 10
	// nonceBytes of randomness make a state's single-use nonce.
	nonceBytes = 16
)

var b64 = base64.RawURLEncoding.Strict() // Strict: one encoding per byte string

// The refusals of Open, for errors.Is. Their messages are safe to show and
// never quote the token. Open wraps each in a *fault.Error of the class
// noted, for adapters that map classes.
var (
	// ErrStateInvalid: not a state this server sealed (malformed, altered,
	// another version, or sealed with another key). fault.Invalid.
	ErrStateInvalid = errors.New("the confirmation state is not valid")
	// ErrStateExpired: genuine, but past its expiry. fault.Conflict.
	ErrStateExpired = errors.New("the confirmation state has expired; ask again")
	// ErrStateReplayed: genuine, but already used (or its nonce is no
	// longer known). fault.Conflict.
	ErrStateReplayed = errors.New("the confirmation state was already used")
	// ErrStateForeign: genuine, but sealed for another principal, another
	// tool or other arguments. fault.PermissionDenied.
	ErrStateForeign = errors.New("the confirmation state was issued for another user, tool or arguments")
)

func refuse(c fault.Class, sentinel error) error {
	return &fault.Error{Class: c, Message: sentinel.Error(), Err: sentinel}
}

// State is what a sealed requestState vouches for.
type State struct {
	Principal  string
	Tool       string
	ArgsDigest string // hex SHA-256 of the canonical JSON of the tool arguments (see ArgsDigest)
	RequestID  string // the approval request the confirmation is for
	Expires    time.Time
	Nonce      string // set by Seal
}

// sealed is the JSON inside a token; short names keep tokens short.
type sealed struct {
	Principal  string `json:"p"`
	Tool       string `json:"t"`
	ArgsDigest string `json:"a"`
	RequestID  string `json:"r"`
	Expires    int64  `json:"e"` // Unix nanoseconds
	Nonce      string `json:"n"`
}

// ArgsDigest is the hex SHA-256 of the canonical JSON of args: encoding/json
// writes map keys sorted at every depth, so equal arguments digest equally
// whatever order they came in. A nil map digests as an empty one (a client
// may omit empty arguments on one call and send {} on the retry).
//
// encoding/json replaces invalid UTF-8 with U+FFFD, which would let two
// different arguments share a digest, so such input (and anything JSON
// cannot encode) yields "", which Seal refuses and which matches no state.
func ArgsDigest(args map[string]any) string {
	if args == nil {
		args = map[string]any{}
	}
	enc, err := canonical.JSON(args)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(enc)
	return hex.EncodeToString(sum[:])
}

// Sealer seals and opens requestStates. It is safe for concurrent use.
type Sealer struct {
	aead   cipher.AEAD
	nonces *Nonces
	clock  func() time.Time
	ttl    time.Duration
}

// NewSealer returns a Sealer keyed with key (at least 32 bytes; see
// StateKey), recording nonces in nonces. A sealed state lasts ttl from
// clock() (nil: time.Now). Every process that opens another's states must
// use the same key and database.
func NewSealer(key []byte, nonces *Nonces, clock func() time.Time, ttl time.Duration) (*Sealer, error) {
	switch {
	case len(key) < StateKeySize:
		return nil, fmt.Errorf("request-state sealer: key is %d bytes, want at least %d", len(key), StateKeySize)
	case nonces == nil:
		return nil, errors.New("request-state sealer: no nonce store")
	case ttl <= 0:
		return nil, errors.New("request-state sealer: lifetime must be positive")
	}
	if clock == nil {
		clock = time.Now
	}
	aesKey, err := hkdf.Key(sha256.New, key, nil, cipherLabel, 32)
	if err != nil {
		return nil, fmt.Errorf("request-state sealer: %w", err)
	}
	block, err := aes.NewCipher(aesKey)
	if err != nil {
		return nil, fmt.Errorf("request-state sealer: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("request-state sealer: %w", err)
	}
	return &Sealer{aead: aead, nonces: nonces, clock: clock, ttl: ttl}, nil
}

// Seal returns the requestState for st. It draws a fresh single-use nonce,
// sets the expiry to now+ttl (st.Nonce and st.Expires are ignored), and
// records the nonce before returning, so the state can be redeemed once,
// by any process on the database.
func (s *Sealer) Seal(ctx context.Context, st State) (string, error) {
	if err := sealable(st); err != nil {
		return "", fmt.Errorf("seal request state: %w", err)
	}
	nonce := make([]byte, nonceBytes)
	rand.Read(nonce) // never fails (crypto/rand crashes the program rather)
	st.Nonce = hex.EncodeToString(nonce)
	st.Expires = s.clock().Add(s.ttl)
	plain, err := json.Marshal(sealed{Principal: st.Principal, Tool: st.Tool, ArgsDigest: st.ArgsDigest,
		RequestID: st.RequestID, Expires: st.Expires.UnixNano(), Nonce: st.Nonce})
	if err != nil {
		return "", fmt.Errorf("seal request state: %w", err)
	}
	iv := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	rand.Read(iv)
	token := tokenPrefix + b64.EncodeToString(s.aead.Seal(iv, iv, plain, []byte(tokenAD)))
	if len(token) > MaxTokenSize {
		return "", fmt.Errorf("seal request state: the state would be %d bytes, over the %d limit", len(token), MaxTokenSize)
	}
	if err := s.nonces.Issue(ctx, st.Nonce, st.Principal, st.Expires); err != nil {
		return "", fmt.Errorf("seal request state: %w", err)
	}
	return token, nil
}

// sealable checks that st says what it must: every field set, as valid
// UTF-8 (JSON would alter anything else, and the altered value would no
// longer match), and a digest in ArgsDigest's form.
func sealable(st State) error {
	for _, f := range []struct{ name, v string }{
		{"principal", st.Principal}, {"tool", st.Tool}, {"request id", st.RequestID},
	} {
		if f.v == "" || !utf8.ValidString(f.v) {
			return fmt.Errorf("%s is empty or not UTF-8", f.name)
		}
	}
	if len(st.ArgsDigest) != 2*sha256.Size || strings.Trim(st.ArgsDigest, "0123456789abcdef") != "" {
		return errors.New("argument digest is not a hex SHA-256 (see ArgsDigest)")
	}
	return nil
}

// Open checks token and redeems it: it must be a state this Sealer's key
// sealed, unaltered, for this principal, tool and argument digest, not yet
// expired, and not redeemed before. Redeeming uses the nonce up, so of two
// retries with one token, even in two processes, exactly one succeeds.
//
// A refusal wraps ErrStateInvalid, ErrStateForeign, ErrStateExpired or
// ErrStateReplayed, checked in that order; any other error is the
// database's, and leaves the state unused.
func (s *Sealer) Open(ctx context.Context, token, principal, tool, argsDigest string) (State, error) {
	st, ok := s.unseal(token)
	if !ok {
		return State{}, refuse(fault.Invalid, ErrStateInvalid)
	}
	// Constant time, and all three compared, so timing tells nothing of
	// which binding differed.
	same := subtle.ConstantTimeCompare([]byte(st.Principal), []byte(principal)) &
		subtle.ConstantTimeCompare([]byte(st.Tool), []byte(tool)) &
		subtle.ConstantTimeCompare([]byte(st.ArgsDigest), []byte(argsDigest))
	if same != 1 {
		return State{}, refuse(fault.PermissionDenied, ErrStateForeign)
	}
	now := s.clock()
	if !now.Before(st.Expires) {
		return State{}, refuse(fault.Conflict, ErrStateExpired)
	}
	used, err := s.nonces.Consume(ctx, st.Nonce, st.Principal, now)
	if err != nil {
		return State{}, fmt.Errorf("open request state: %w", err)
	}
	if !used {
		return State{}, refuse(fault.Conflict, ErrStateReplayed)
	}
	return st, nil
}

// unseal decodes and authenticates token. Nothing is decoded before the
// size, prefix and alphabet pass (base64 decoders skip newlines, which
// would let an altered token decode alike), and nothing is parsed before
// GCM has authenticated it.
func (s *Sealer) unseal(token string) (State, bool) {
	if len(token) > MaxTokenSize {
		return State{}, false
	}
	body, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok || strings.IndexFunc(body, notURLBase64) >= 0 {
		return State{}, false
	}
	raw, err := b64.DecodeString(body)
	ns := s.aead.NonceSize()
	if err != nil || len(raw) < ns+s.aead.Overhead() {
		return State{}, false
	}
	plain, err := s.aead.Open(nil, raw[:ns], raw[ns:], []byte(tokenAD))
	if err != nil {
		return State{}, false
	}
	var p sealed
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil || dec.More() {
		return State{}, false
	}
	st := State{Principal: p.Principal, Tool: p.Tool, ArgsDigest: p.ArgsDigest, RequestID: p.RequestID,
		Expires: time.Unix(0, p.Expires).UTC(), Nonce: p.Nonce}
	if sealable(st) != nil || len(p.Nonce) != 2*nonceBytes {
		return State{}, false
	}
	return st, true
}

func notURLBase64(r rune) bool {
	return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_')
}
