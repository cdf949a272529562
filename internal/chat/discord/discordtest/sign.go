package discordtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Sign returns the headers Discord signs a request to an app's
// interactions endpoint with, under key at time ts: X-Signature-Timestamp
// (Unix seconds) and X-Signature-Ed25519, the hex Ed25519 signature of the
// timestamp followed by the body. It is written here apart from the
// adapter's verifier, so that each checks the other.
func Sign(key ed25519.PrivateKey, ts time.Time, body []byte) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	sig := ed25519.Sign(key, append([]byte(stamp), body...))
	h := http.Header{}
	h.Set("X-Signature-Timestamp", stamp)
	h.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	return h
}

// SignOption changes how a request is signed, to make one the app must
// refuse.
type SignOption func(*signing)

type signing struct {
	key ed25519.PrivateKey
	at  time.Time
}

// BadSignature signs with a key that is not the application's, as a
// forger would.
func BadSignature() SignOption {
	return func(sg *signing) {
		_, other, _ := ed25519.GenerateKey(nil) // nil reads crypto/rand
		sg.key = other
	}
}

// Stale signs with a timestamp d before the fake's clock: a validly
// signed request replayed later.
func Stale(d time.Duration) SignOption {
	return func(sg *signing) { sg.at = sg.at.Add(-d) }
}

// SignedRequest builds the POST Discord sends an app's interactions
// endpoint URL: the JSON body, signed with the application's key at the
// fake's clock.
func (s *Server) SignedRequest(ctx context.Context, url string, body []byte, opts ...SignOption) (*http.Request, error) {
	sg := signing{key: s.opts.PrivateKey, at: s.opts.Clock()}
	for _, o := range opts {
		o(&sg)
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("discordtest: signed request: %w", err)
	}
	for k, v := range Sign(sg.key, sg.at, body) {
		r.Header[k] = v
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	return r, nil
}

// PostSigned sends SignedRequest to the app and returns its answer's
// status and body.
func (s *Server) PostSigned(ctx context.Context, url string, body []byte, opts ...SignOption) (int, []byte, error) {
	r, err := s.SignedRequest(ctx, url, body, opts...)
	if err != nil {
		return 0, nil, err
	}
	resp, err := httpClient.Do(r)
	if err != nil {
		return 0, nil, fmt.Errorf("discordtest: posting to the app: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("discordtest: reading the app's answer: %w", err)
	}
	return resp.StatusCode, b, nil
}

// PostInteraction mints i and posts it, signed, to the app's interactions
// endpoint URL, and returns the interaction as sent and the app's answer.
// An HTTP-mode app answers an interaction in its response body; when the
// answer is 200 with an interaction response, the fake takes it as the
// interaction's callback, under the same rules as POST .../callback, and
// returns an error naming what it refused.
func (s *Server) PostInteraction(ctx context.Context, url string, i Interaction, opts ...SignOption) (Interaction, int, []byte, error) {
	i = s.Mint(i)
	status, body, err := s.PostSigned(ctx, url, i.JSON(), opts...)
	if err != nil || status != http.StatusOK {
		return i, status, body, err
	}
	s.mu.Lock()
	a := s.acknowledgeLocked(s.st.interactions[i.ID], body)
	s.changedLocked()
	s.mu.Unlock()
	if e, refused := a.body.(apiError); refused {
		return i, status, body, fmt.Errorf("discordtest: the app's answer to interaction %s was refused: %d %s", i.ID, e.Code, e.Message)
	}
	return i, status, body, nil
}
