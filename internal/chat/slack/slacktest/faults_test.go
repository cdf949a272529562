package slacktest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestRateLimitIsARateLimitedError(t *testing.T) {
	s, _ := start(t)
	s.Fail("chat.postMessage", 1, RateLimit(7))
	c := client(s)
	_, _, err := c.PostMessage(general, slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("rate-limited post: %v, want RateLimitedError after 7s", err)
	}
	if len(s.State().Messages[general]) != 0 {
		t.Fatal("a rate-limited post was stored")
	}
	if _, _, err := c.PostMessage(general, slack.MsgOptionText("x", false)); err != nil {
		t.Fatalf("the call after the fault: %v", err)
	}
	if n := s.Calls("chat.postMessage"); n != 2 {
		t.Fatalf("calls counted: %d, want 2", n)
	}
}

func TestFaultsAreServedInOrderThenCallsSucceed(t *testing.T) {
	s, _ := start(t)
	s.Fail("auth.test", 2, ServerError(http.StatusServiceUnavailable))
	s.Fail("auth.test", 1, SlackError("fatal_error"))
	s.Fail("auth.test", 1, Garbage())
	c := client(s)
	for i := range 2 {
		var sc slack.StatusCodeError
		if _, err := c.AuthTest(); !errors.As(err, &sc) || sc.Code != http.StatusServiceUnavailable {
			t.Fatalf("call %d: %v, want status 503", i+1, err)
		}
	}
	if _, err := c.AuthTest(); slackErr(err) != "fatal_error" {
		t.Fatalf("call 3: %v, want fatal_error", err)
	}
	if _, err := c.AuthTest(); err == nil || slackErr(err) != "" {
		t.Fatalf("call 4 (garbage): %v, want a decoding error", err)
	}
	if _, err := c.AuthTest(); err != nil {
		t.Fatalf("call 5: %v", err)
	}
	if n := s.Calls("auth.test"); n != 5 {
		t.Fatalf("calls counted: %d, want 5", n)
	}
}

func TestDelayHoldsTheCallUntilTheClientGivesUp(t *testing.T) {
	s, _ := start(t)
	s.Fail("chat.postMessage", 1, Delay(time.Hour))
	c, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := client(s).PostMessageContext(c, general, slack.MsgOptionText("slow", false))
		done <- err
	}()
	// The call is in the fake once it is counted; then the client gives up.
	if _, err := s.Wait(ctx(t), func(st State) bool { return st.Calls["chat.postMessage"] == 1 }); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("delayed call: %v, want context.Canceled", err)
	}
}
