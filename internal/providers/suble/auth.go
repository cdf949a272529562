package suble

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// authTimeout bounds one login or refresh. The renewal runs detached from
// the caller that started it, so that caller giving up does not fail the
// others waiting for the same renewal.
const authTimeout = 30 * time.Second

// authFailureMemory is how long a rejected login is remembered: calls in
// that time answer Unauthenticated at once instead of each sending the
// wrong password again (which also risks a lockout at the provider).
// Network errors and rate limits are not remembered.
const authFailureMemory = 30 * time.Second

// session holds the credentials in use: a static token, or a JWT pair
// from a login that is renewed as a whole when the API rejects it.
type session struct {
	static string // Config.Token; when set nothing is ever renewed

	mu      sync.Mutex
	access  string
	refresh string
	gen     uint64  // counts renewals; a 401 names the generation it saw
	flight  *flight // the renewal under way, if any

	failed   *fault.Error // the last rejected login, if still remembered
	failedAt time.Time    // when it was rejected (Config.Clock)
}

// flight is one renewal that any number of callers wait for.
type flight struct {
	done chan struct{}
	how  string // "a token refresh" or "a fresh login", once done
	err  error
}

func (s *session) renewable() bool { return s.static == "" }

// bearer returns the token to send and its generation, logging in first
// when the session has none.
func (d *Driver) bearer(ctx context.Context) (string, uint64, error) {
	s := &d.sess
	if s.static != "" {
		return s.static, 0, nil
	}
	for range 2 {
		s.mu.Lock()
		tok, gen := s.access, s.gen
		s.mu.Unlock()
		if tok != "" {
			return tok, gen, nil
		}
		if _, err := d.renew(ctx, gen); err != nil {
			return "", 0, err
		}
	}
	return "", 0, fault.Errorf(fault.Unauthenticated, "Suble login returned no usable token")
}

// renew replaces the JWT of generation stale: a refresh, or a fresh login
// when there is no refresh token or it was rejected. Callers that saw the
// same stale generation share one renewal; a caller whose generation is
// already outdated returns at once and retries with the newer token. While
// a rejected login is remembered, renew answers with it and sends nothing.
// It returns how the session was renewed, for messages.
func (d *Driver) renew(ctx context.Context, stale uint64) (string, error) {
	s := &d.sess
	s.mu.Lock()
	if s.gen != stale {
		s.mu.Unlock()
		return "another call renewed it", nil
	}
	if err := d.rememberedFailure(); err != nil {
		s.mu.Unlock()
		return "", err
	}
	f := s.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		s.flight = f
		rt := s.refresh
		go d.runRenewal(context.WithoutCancel(ctx), f, rt)
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.how, f.err
	case <-ctx.Done():
		return "", &fault.Error{Class: fault.Unavailable, Message: "gave up waiting for the Suble login", Err: ctx.Err()}
	}
}

// rememberedFailure returns the last rejected login while it is younger
// than authFailureMemory, and forgets it after. A clock that went back
// forgets it too, rather than locking the driver out for that long. The
// caller holds d.sess.mu.
func (d *Driver) rememberedFailure() error {
	s := &d.sess
	if s.failed == nil {
		return nil
	}
	age := d.cfg.Clock().Sub(s.failedAt)
	if age < 0 || age >= authFailureMemory {
		s.failed = nil
		return nil
	}
	return &fault.Error{Class: fault.Unauthenticated, Err: s.failed.Err,
		Message: fmt.Sprintf("%s (login failed %s ago; not trying again for %s)",
			s.failed.Message, age.Round(time.Second), (authFailureMemory - age).Round(time.Second))}
}

// runRenewal performs flight f and publishes its result.
func (d *Driver) runRenewal(ctx context.Context, f *flight, refreshToken string) {
	ctx, cancel := context.WithTimeout(ctx, authTimeout)
	defer cancel()
	access, refresh, how, err := d.authenticate(ctx, refreshToken)
	s := &d.sess
	s.mu.Lock()
	var rejected *fault.Error
	switch {
	case err == nil:
		s.access, s.refresh = access, refresh
		s.gen++
		s.failed = nil
	case errors.As(err, &rejected) && rejected.Class == fault.Unauthenticated:
		s.failed, s.failedAt = rejected, d.cfg.Clock()
	}
	s.flight = nil
	f.how, f.err = how, err
	s.mu.Unlock()
	close(f.done)
}

// authenticate refreshes with refreshToken when there is one, and logs
// in when there is none or the API rejects it. how says which one gave
// the new tokens. An Unauthenticated error always comes from the login.
func (d *Driver) authenticate(ctx context.Context, refreshToken string) (access, refresh, how string, err error) {
	if refreshToken != "" {
		var out tokenPair
		err := d.authCall(ctx, "/auth/refresh", map[string]string{"refresh_token": refreshToken}, &out, "token refresh")
		if err == nil {
			if out.RefreshToken == "" {
				out.RefreshToken = refreshToken // the reference only promises a new access token
			}
			return out.AccessToken, out.RefreshToken, "a token refresh", nil
		}
		if c := fault.ClassOf(err); c != fault.Unauthenticated && c != fault.PermissionDenied && c != fault.Invalid {
			return "", "", "", err
		}
		d.log.DebugContext(ctx, "suble refresh token rejected; logging in again")
	}
	var out tokenPair
	creds := map[string]string{"email": d.cfg.Email, "password": d.cfg.Password}
	if err := d.authCall(ctx, "/auth/login", creds, &out, "login"); err != nil {
		return "", "", "", err
	}
	return out.AccessToken, out.RefreshToken, "a fresh login", nil
}

// tokenPair is the answer of /auth/login and /auth/refresh.
type tokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

// authCall posts body to an auth endpoint. Rejections are Unauthenticated
// whatever their status (the reference answers a bad login with 403).
func (d *Driver) authCall(ctx context.Context, path string, body any, out *tokenPair, what string) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return &fault.Error{Class: fault.Internal, Message: "encoding the Suble " + what, Err: err}
	}
	status, h, resp, err := d.send(ctx, http.MethodPost, path, nil, payload)
	if err != nil {
		return err
	}
	switch {
	case status == http.StatusBadRequest || status == http.StatusUnauthorized || status == http.StatusForbidden:
		msg := d.apiMessage(resp)
		if msg == "" {
			msg = http.StatusText(status)
		}
		return fault.Errorf(fault.Unauthenticated, "Suble %s rejected: %s", what, msg)
	case status < 200 || status > 299:
		return d.statusError(call{method: http.MethodPost, path: path, what: "Suble " + what}, status, h, resp)
	}
	if err := d.decode(resp, out, "Suble "+what); err != nil {
		return err
	}
	if out.AccessToken == "" {
		return fault.Errorf(fault.Unavailable, "malformed response from Suble for %s: no access token", what)
	}
	return nil
}
