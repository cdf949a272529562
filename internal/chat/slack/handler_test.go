package slack

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/chat"
)

// served records what the handler under test passed on.
type served struct {
	bodies []string
	fails  []error
}

func newHandler(t *testing.T, clock *fakeClock) (http.Handler, *served) {
	t.Helper()
	s := &served{}
	v := newVerifier(t, clock, 0)
	h := v.Handler(chat.NewReplays(clock.Now),
		func(_ *http.Request, err error) { s.fails = append(s.fails, err) },
		func(w http.ResponseWriter, _ *http.Request, body []byte) {
			s.bodies = append(s.bodies, string(body))
			io.WriteString(w, "done")
		})
	return h, s
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerPassesVerifiedBody(t *testing.T) {
	clock := &fakeClock{epoch}
	h, s := newHandler(t, clock)
	w := serve(h, signed(testSecret, unix(epoch), []byte("text=list")))
	if w.Code != http.StatusOK || w.Body.String() != "done" {
		t.Fatalf("got %d %q, want 200 from next", w.Code, w.Body)
	}
	if len(s.bodies) != 1 || s.bodies[0] != "text=list" || len(s.fails) != 0 {
		t.Fatalf("next got %q, onFail got %v", s.bodies, s.fails)
	}
}

func TestHandlerRefusesWith401(t *testing.T) {
	clock := &fakeClock{epoch}
	h, s := newHandler(t, clock)
	w := serve(h, signed("wrong-secret", unix(epoch), []byte("text=list")))
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", w.Code)
	}
	if b := w.Body.String(); strings.Count(b, "\n") != 1 || !strings.HasSuffix(b, "\n") || strings.Contains(b, testSecret) {
		t.Fatalf("body %q, want one line without the secret", b)
	}
	if len(s.bodies) != 0 {
		t.Fatalf("next called on a refused request")
	}
	if len(s.fails) != 1 || !errors.Is(s.fails[0], ErrBadSignature) {
		t.Fatalf("onFail got %v, want one ErrBadSignature", s.fails)
	}
}

func TestHandlerAnswersAReplayOnce(t *testing.T) {
	clock := &fakeClock{epoch}
	h, s := newHandler(t, clock)
	// Stamped a full window ahead, the most Verify allows: the request stays
	// fresh for two windows from now.
	ts := unix(epoch.Add(Window))
	body := []byte("text=reboot+web-1")
	serve(h, signed(testSecret, ts, body))

	clock.Advance(2*Window - time.Second)
	w := serve(h, signed(testSecret, ts, body))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("replay answered %d %q, want 200 and an empty body", w.Code, w.Body)
	}
	if len(s.bodies) != 1 || len(s.fails) != 0 {
		t.Fatalf("next called %d times, onFail %v; want once and never", len(s.bodies), s.fails)
	}

	// Past that it is stale, not a replay.
	clock.Advance(time.Second + time.Second)
	if w := serve(h, signed(testSecret, ts, body)); w.Code != http.StatusUnauthorized {
		t.Fatalf("stale replay answered %d, want 401", w.Code)
	}

	// A fresh request with the same body is not a replay.
	if w := serve(h, signed(testSecret, unix(clock.now), body)); w.Code != http.StatusOK || len(s.bodies) != 2 {
		t.Fatalf("fresh request answered %d, next called %d times; want 200 and twice", w.Code, len(s.bodies))
	}
}

func TestHandlerWithoutReplaysOrOnFail(t *testing.T) {
	v := newVerifier(t, &fakeClock{epoch}, 0)
	calls := 0
	h := v.Handler(nil, nil, func(http.ResponseWriter, *http.Request, []byte) { calls++ })
	r := signed(testSecret, unix(epoch), nil)
	serve(h, r)
	serve(h, signed(testSecret, unix(epoch), nil))
	if calls != 2 {
		t.Fatalf("next called %d times, want 2 (no replay memory)", calls)
	}
	if w := serve(h, signed("x", unix(epoch), nil)); w.Code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", w.Code)
	}
}

// brokenDeliveries is a delivery store whose database does not answer.
type brokenDeliveries struct{}

func (brokenDeliveries) Seen(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("check a chat delivery in db: connection refused")
}

// When it cannot be told whether a request was delivered before, it is
// not acted on (it might act twice): one line, 503, and next never runs.
func TestHandlerFailsClosedWhenDeliveriesCannotTell(t *testing.T) {
	v := newVerifier(t, &fakeClock{epoch}, 0)
	calls := 0
	h := v.Handler(brokenDeliveries{}, nil, func(http.ResponseWriter, *http.Request, []byte) { calls++ })
	w := serve(h, signed(testSecret, unix(epoch), []byte("text=reboot+web-1")))
	if w.Code != http.StatusServiceUnavailable || calls != 0 {
		t.Fatalf("answered %d, next called %d times; want 503 and never", w.Code, calls)
	}
	if b := w.Body.String(); strings.Count(b, "\n") != 1 || !strings.Contains(b, "not acted on") {
		t.Fatalf("body %q, want one line saying it was not acted on", b)
	}
}
