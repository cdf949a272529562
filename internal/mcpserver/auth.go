package mcpserver

// The HTTP edge in front of the MCP handler: bearer tokens (stored as
// SHA-256 hashes, compared in constant time), the principal they name, a
// bound on request bodies, and the unauthenticated /healthz probe.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/vpsops/vpsops/internal/config"
)

// TokenPrefix starts every token NewToken makes, so that a leaked one is
// recognisable (secret scanners, logs) as a vpsops MCP token.
const TokenPrefix = "vpsops_mcp_"

// MaxBodyBytes bounds an authenticated request's body: an MCP message is a
// small JSON-RPC object, and nothing past this is read.
const MaxBodyBytes = 1 << 20

// Tokens checks bearer tokens against configured SHA-256 hashes.
type Tokens struct {
	known []knownToken
}

type knownToken struct {
	principal string
	hash      [sha256.Size]byte
}

// NewTokens accepts the configured tokens (config.MCP.Tokens). It refuses
// an empty list, a bad name or hash and duplicates, each error naming the
// entry (never a hash): HTTP mode with no usable token would lock every
// client out without saying why.
func NewTokens(ts []config.MCPToken) (*Tokens, error) {
	if len(ts) == 0 {
		return nil, errors.New("mcp.tokens: HTTP mode needs at least one token (mcp token new NAME makes one)")
	}
	t := &Tokens{known: make([]knownToken, 0, len(ts))}
	names, hashes := map[string]bool{}, map[[sha256.Size]byte]bool{}
	for i, ct := range ts {
		if !config.ValidMCPTokenName(ct.Name) {
			return nil, fmt.Errorf("mcp.tokens[%d].name: must be lowercase letters, digits, '_' or '-' (at most 63)", i)
		}
		h, err := hex.DecodeString(ct.SHA256)
		if err != nil || len(h) != sha256.Size {
			return nil, fmt.Errorf("mcp.tokens[%d].sha256: must be the SHA-256 of the token: 64 hex digits", i)
		}
		k := knownToken{principal: "mcp:" + ct.Name, hash: [sha256.Size]byte(h)}
		switch {
		case names[ct.Name]:
			return nil, fmt.Errorf("mcp.tokens[%d].name: used by an earlier entry", i)
		case hashes[k.hash]:
			// One token naming two principals would make the principal
			// depend on the order of the list.
			return nil, fmt.Errorf("mcp.tokens[%d].sha256: same token as an earlier entry", i)
		}
		names[ct.Name], hashes[k.hash] = true, true
		t.known = append(t.known, k)
	}
	return t, nil
}

// Principal returns mcp:<name> for an Authorization header value
// "Bearer <token>" whose token is configured. The scheme is
// case-insensitive (RFC 9110 §11.1). The token's hash is compared with
// every configured hash, without stopping at a match, so the time taken
// says nothing about which hash, or how much of one, matched. A nil
// *Tokens accepts nothing.
func (t *Tokens) Principal(authorizationHeader string) (principal string, ok bool) {
	token, reason := parseBearer(authorizationHeader)
	if reason != "" || t == nil {
		return "", false
	}
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range t.known {
		eq := subtle.ConstantTimeCompare(sum[:], t.known[i].hash[:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	if found < 0 {
		return "", false
	}
	return t.known[found].principal, true
}

// Reasons RequireBearer gives onFail. They are fixed strings: nothing the
// client sent, so neither a token nor another scheme's credentials can
// reach the audit trail or a log through them.
const (
	ReasonNoHeader    = "no Authorization header"
	ReasonManyHeaders = "more than one Authorization header"
	ReasonNotBearer   = "Authorization is not a Bearer token"
	ReasonEmpty       = "empty bearer token"
	ReasonMalformed   = "malformed bearer token"
	ReasonUnknown     = "unknown bearer token"
)

// parseBearer returns the token of "Bearer <token>" (one or more spaces
// between, RFC 9110 §11.4), or why h is not of that form.
func parseBearer(h string) (token, reason string) {
	if h == "" {
		return "", ReasonNoHeader
	}
	scheme, rest, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", ReasonNotBearer
	}
	token = strings.TrimLeft(rest, " ")
	switch {
	case token == "":
		return "", ReasonEmpty
	case strings.ContainsAny(token, " \t"):
		return "", ReasonMalformed
	}
	return token, ""
}

// RequireBearer wraps next: a request without a valid token gets 401 with
// `WWW-Authenticate: Bearer realm="vpsops"` (plus error="invalid_token"
// when a token was given but is wrong, RFC 6750 §3.1) and a one-line JSON
// body, and onFail (if not nil) is called with one of the Reason
// constants. With a valid token, next gets the request with the principal
// in its context (PrincipalFrom), its body limited to MaxBodyBytes, and
// the Authorization header removed, so no later handler can log the token.
func RequireBearer(t *Tokens, onFail func(r *http.Request, reason string), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		principal, reason := authenticate(t, r.Header.Values("Authorization"))
		if reason != "" {
			if onFail != nil {
				onFail(r, reason)
			}
			unauthorized(w, reason)
			return
		}
		r = r.WithContext(WithPrincipal(r.Context(), principal))
		r.Header.Del("Authorization")
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// authenticate returns the principal of the request's Authorization
// header, or why there is none.
func authenticate(t *Tokens, values []string) (principal, reason string) {
	switch len(values) {
	case 0:
		return "", ReasonNoHeader
	case 1:
	default:
		return "", ReasonManyHeaders
	}
	if _, reason := parseBearer(values[0]); reason != "" {
		return "", reason
	}
	if p, ok := t.Principal(values[0]); ok {
		return p, ""
	}
	return "", ReasonUnknown
}

// unauthorized writes the 401. Only a presented but wrong token is
// invalid_token: a client that sent none is just told the scheme.
func unauthorized(w http.ResponseWriter, reason string) {
	challenge := `Bearer realm="vpsops"`
	body := `{"error":"unauthorized","message":"this endpoint needs Authorization: Bearer <token>"}`
	if reason == ReasonMalformed || reason == ReasonUnknown {
		challenge += `, error="invalid_token"`
		body = `{"error":"invalid_token","message":"the bearer token is not valid"}`
	}
	h := w.Header()
	h.Set("WWW-Authenticate", challenge)
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte(body + "\n"))
}

type principalCtxKey struct{}

// WithPrincipal returns ctx carrying the authenticated principal.
func WithPrincipal(ctx context.Context, principal string) context.Context {
	return context.WithValue(ctx, principalCtxKey{}, principal)
}

// PrincipalFrom returns the principal RequireBearer put in ctx.
func PrincipalFrom(ctx context.Context) (string, bool) {
	p, ok := ctx.Value(principalCtxKey{}).(string)
	return p, ok && p != ""
}

// NewToken returns a fresh token: TokenPrefix and 32 random bytes in
// unpadded URL-safe base64 (43 characters).
func NewToken() (token string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new MCP token: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// HashToken returns the lowercase hex SHA-256 of token, the form
// mcp.tokens[].sha256 takes.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Health answers the /healthz probe: 200 "ok" to GET and HEAD, with no
// authentication, since it says nothing but that the process serves.
func Health(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}
