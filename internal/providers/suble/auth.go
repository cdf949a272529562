package suble

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/providers/driver"
)

// authTimeout bounds one login or refresh. The renewal runs detached from
// the caller that started it, so that caller giving up does not fail the
// others waiting for the same renewal.
const authTimeout = 30 * time.Second

// session holds the credentials in use: a static token, or a JWT pair
// from a login that is renewed as a whole when the API rejects it.
type session struct {
	static string // Config.Token; when set nothing is ever renewed

	mu      sync.Mutex
	access  string
	refresh string
	gen     uint64  // counts renewals; a 401 names the generation it saw
	flight  *flight // the renewal under way, if any
}

// flight is one renewal that any number of callers wait for.
type flight struct {
	done chan struct{}
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
		if err := d.renew(ctx, gen); err != nil {
			return "", 0, err
		}
	}
	return "", 0, driver.Errorf(driver.Unauthenticated, "Suble login returned no usable token")
}

// renew replaces the JWT of generation stale: a refresh, or a fresh login
// when there is no refresh token or it was rejected. Callers that saw the
// same stale generation share one renewal; a caller whose generation is
// already outdated returns at once and retries with the newer token.
func (d *Driver) renew(ctx context.Context, stale uint64) error {
	s := &d.sess
	s.mu.Lock()
	if s.gen != stale {
		s.mu.Unlock()
		return nil
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
		return f.err
	case <-ctx.Done():
		return &driver.Error{Class: driver.Unavailable, Message: "gave up waiting for the Suble login", Err: ctx.Err()}
	}
}

// runRenewal performs flight f and publishes its result.
func (d *Driver) runRenewal(ctx context.Context, f *flight, refreshToken string) {
	ctx, cancel := context.WithTimeout(ctx, authTimeout)
	defer cancel()
	access, refresh, err := d.authenticate(ctx, refreshToken)
	s := &d.sess
	s.mu.Lock()
	if err == nil {
		s.access, s.refresh = access, refresh
		s.gen++
	}
	s.flight = nil
	f.err = err
	s.mu.Unlock()
	close(f.done)
}

// authenticate refreshes with refreshToken when there is one, and logs
// in when there is none or the API rejects it.
func (d *Driver) authenticate(ctx context.Context, refreshToken string) (access, refresh string, err error) {
	if refreshToken != "" {
		var out tokenPair
		err := d.authCall(ctx, "/auth/refresh", map[string]string{"refresh_token": refreshToken}, &out, "token refresh")
		if err == nil {
			if out.RefreshToken == "" {
				out.RefreshToken = refreshToken // the reference only promises a new access token
			}
			return out.AccessToken, out.RefreshToken, nil
		}
		if c := driver.ClassOf(err); c != driver.Unauthenticated && c != driver.PermissionDenied && c != driver.Invalid {
			return "", "", err
		}
		d.log.DebugContext(ctx, "suble refresh token rejected; logging in again")
	}
	var out tokenPair
	creds := map[string]string{"email": d.cfg.Email, "password": d.cfg.Password}
	if err := d.authCall(ctx, "/auth/login", creds, &out, "login"); err != nil {
		return "", "", err
	}
	return out.AccessToken, out.RefreshToken, nil
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
		return &driver.Error{Class: driver.Internal, Message: "encoding the Suble " + what, Err: err}
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
		return driver.Errorf(driver.Unauthenticated, "Suble %s rejected: %s", what, msg)
	case status < 200 || status > 299:
		return d.statusError(call{method: http.MethodPost, path: path, what: "Suble " + what}, status, h, resp)
	}
	if err := d.decode(resp, out, "Suble "+what); err != nil {
		return err
	}
	if out.AccessToken == "" {
		return driver.Errorf(driver.Unavailable, "malformed response from Suble for %s: no access token", what)
	}
	return nil
}
