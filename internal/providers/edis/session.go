package edis

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

// Session timing.
const (
	// maxRefreshMargin is how long before valid_until a session is renewed,
	// so a call never starts with a signature about to expire. Sessions
	// shorter than ten margins renew at 90% of their lifetime instead.
	maxRefreshMargin = time.Minute
	// unknownRecheck: an id missing from a login younger than this is
	// answered not_found without logging in again, so mistyped ids cannot
	// multiply logins; an older login is renewed first, to find a VPS
	// ordered since.
	unknownRecheck = time.Minute
	// loginTimeout bounds one shared login, which runs detached from the
	// caller that started it so that caller's cancellation cannot fail the
	// others waiting on it.
	loginTimeout = 30 * time.Second
	// failedLoginMemory is how long a login the session host refused for
	// the credentials or the account (unauthenticated, permission_denied)
	// is remembered: commands in that time get the same answer without
	// another login, so a wrong password does not turn every command
	// into a login attempt (which looks like brute force to EDIS). A
	// network failure or an unavailable host is not remembered.
	failedLoginMemory = 30 * time.Second
)

// session is one VPS's credentials and what the login said about it. It is
// immutable once stored.
type session struct {
	id         string
	apiHost    string // host[:port], verbatim from the login; never kept beyond this session
	rdnsHost   string
	signature  string // secret
	validUntil string // echoed exactly as the login sent it
	expires    time.Time
	renewAt    time.Time
	gen        uint64 // the login that produced it

	name      string // description
	region    string // lps
	premium   bool
	suspended bool
	primaryIP string
}

// sessions caches the account's sessions, one per VPS, all from the latest
// login. Logins are shared: while one runs, every caller that needs a
// session waits for it instead of starting another.
type sessions struct {
	clock func() time.Time
	login func(ctx context.Context) (map[string]*session, error)
	log   *slog.Logger

	mu       sync.Mutex
	byID     map[string]*session
	gen      uint64    // number of successful logins; 0 = none yet
	at       time.Time // when the latest login finished
	flight   *flight   // the login in progress, if any
	failErr  *fault.Error
	failedAt time.Time // when failErr was answered; zero = no remembered failure
}

// flight is one login that callers wait on.
type flight struct {
	done chan struct{}
	err  error
}

func newSessions(clock func() time.Time, login func(context.Context) (map[string]*session, error), log *slog.Logger) *sessions {
	return &sessions{clock: clock, login: login, log: log}
}

// get returns id's session, logging in first when there is none yet, it
// is about to expire, or id is unknown to a login older than unknownRecheck.
// An id the account does not have is a NotFound error.
func (s *sessions) get(ctx context.Context, id string) (*session, error) {
	s.mu.Lock()
	se, gen, at := s.byID[id], s.gen, s.at
	now := s.clock()
	s.mu.Unlock()
	switch {
	case se != nil && now.Before(se.renewAt):
		return se, nil
	case se == nil && gen > 0 && now.Sub(at) < unknownRecheck:
		return nil, notFound(id)
	}
	if err := s.refresh(ctx, gen); err != nil {
		return nil, err
	}
	s.mu.Lock()
	se = s.byID[id]
	s.mu.Unlock()
	if se == nil {
		return nil, notFound(id)
	}
	// Used even if the fresh session is already inside its renewal
	// margin (clock skew): the API decides, and a rejection renews once.
	return se, nil
}

// all returns every session sorted by id, logging in first when there are
// none or any is about to expire.
func (s *sessions) all(ctx context.Context) ([]*session, error) {
	s.mu.Lock()
	gen, stale := s.gen, s.gen == 0
	now := s.clock()
	for _, se := range s.byID {
		stale = stale || !now.Before(se.renewAt)
	}
	s.mu.Unlock()
	if stale {
		if err := s.refresh(ctx, gen); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	out := make([]*session, 0, len(s.byID))
	for _, se := range s.byID {
		out = append(out, se)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

// cached returns id's session from the latest login without logging in,
// or nil when there is none or it has expired.
func (s *sessions) cached(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if se := s.byID[id]; se != nil && s.clock().Before(se.expires) {
		return se
	}
	return nil
}

// generation is the number of the latest login.
func (s *sessions) generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// refresh makes sure a login newer than seen has happened: it returns at
// once if one has, joins the login in progress, or starts one. Callers
// pass the generation of the session that failed or expired, so a burst of
// callers holding the same stale session makes exactly one login. Within
// failedLoginMemory of a refused login it answers that refusal again
// without logging in.
func (s *sessions) refresh(ctx context.Context, seen uint64) error {
	s.mu.Lock()
	if s.gen > seen {
		s.mu.Unlock()
		return nil
	}
	if s.failErr != nil && s.clock().Sub(s.failedAt) < failedLoginMemory {
		e := *s.failErr
		s.mu.Unlock()
		e.Message += " (no new login for " + failedLoginMemory.String() + " after a refused one)"
		return &e
	}
	f := s.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		s.flight = f
		go s.run(context.WithoutCancel(ctx), f)
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return &fault.Error{Class: fault.Unavailable, Message: "EDIS login interrupted: " + ctx.Err().Error(), Err: ctx.Err()}
	}
}

// run performs flight f's login and publishes its result.
func (s *sessions) run(ctx context.Context, f *flight) {
	ctx, cancel := context.WithTimeout(ctx, loginTimeout)
	defer cancel()
	byID, err := s.login(ctx)
	s.mu.Lock()
	var refused *fault.Error
	switch {
	case err == nil:
		s.gen++
		for _, se := range byID {
			se.gen = s.gen
		}
		s.byID, s.at = byID, s.clock()
		s.failErr, s.failedAt = nil, time.Time{}
	case errors.As(err, &refused) && (refused.Class == fault.Unauthenticated || refused.Class == fault.PermissionDenied):
		s.failErr, s.failedAt = refused, s.clock()
		s.log.Debug("edis: login refused; answering the same for a while", "class", refused.Class, "for", failedLoginMemory.String())
	}
	f.err = err
	s.flight = nil
	s.mu.Unlock()
	close(f.done)
}

func notFound(id string) error {
	return fault.Errorf(fault.NotFound, "server %s not found in this EDIS account", id)
}
