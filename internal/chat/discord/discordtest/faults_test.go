package discordtest

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestARateLimitIsARateLimitError(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	dg.ShouldRetryOnRateLimit = false
	s.Fail(RouteMessageCreate, 1, RateLimit(1.5))
	_, err := dg.ChannelMessageSend(general, "x")
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != 1500*time.Millisecond || rl.Message != "You are being rate limited." {
		t.Fatalf("rate-limited post: %v, want a RateLimitError after 1.5 s", err)
	}
	if len(s.State().Messages[general]) != 0 {
		t.Fatal("a rate-limited post was stored")
	}
}

func TestDiscordgoWaitsOutARateLimitAndRetries(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	s.Fail(RouteMessageCreate, 1, RateLimit(0.01))
	if _, err := dg.ChannelMessageSend(general, "x"); err != nil {
		t.Fatalf("post after a short rate limit: %v", err)
	}
	if n := s.Calls(RouteMessageCreate); n != 2 {
		t.Fatalf("calls %d, want the refused one and its retry", n)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	s, _ := start(t)
	s.Fail(RouteGateway, 1, GlobalRateLimit(2))
	resp, err := http.Get(s.APIURL() + "gateway")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != http.StatusTooManyRequests || h.Get("Retry-After") != "2" ||
		h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Reset-After") != "2.000" ||
		h.Get("X-RateLimit-Global") != "true" || h.Get("X-RateLimit-Scope") != "global" {
		t.Fatalf("429 with headers %v", h)
	}
}

func TestFaultsAreServedInOrderThenCallsSucceed(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	dg.MaxRestRetries = 0
	s.Fail(RouteMessageCreate, 1, ServerError(http.StatusServiceUnavailable))
	s.Fail(RouteMessageCreate, 1, Garbage())
	var re *discordgo.RESTError
	if err := errOf(dg.ChannelMessageSend(general, "1")); !errors.As(err, &re) ||
		re.Response.StatusCode != http.StatusServiceUnavailable || re.Message != nil {
		t.Fatalf("call 1: %v, want a 503 with no Discord error body", err)
	}
	if err := errOf(dg.ChannelMessageSend(general, "2")); !errors.Is(err, discordgo.ErrJSONUnmarshal) {
		t.Fatalf("call 2: %v, want a decoding error", err)
	}
	if _, err := dg.ChannelMessageSend(general, "3"); err != nil {
		t.Fatalf("call 3: %v", err)
	}
	if n := s.Calls(RouteMessageCreate); n != 3 {
		t.Fatalf("calls %d, want 3", n)
	}
}

func errOf(_ *discordgo.Message, err error) error { return err }

func TestDelayHoldsTheCallUntilTheClientGivesUp(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	s.Fail(RouteMessageCreate, 1, Delay(time.Hour))
	c, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := dg.ChannelMessageSend(general, "slow", discordgo.WithContext(c))
		done <- err
	}()
	// The call is in the fake once it is counted; then the client gives up.
	if _, err := s.Wait(ctx(t), func(st State) bool { return st.Calls[RouteMessageCreate] == 1 }); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("delayed call: %v, want context.Canceled", err)
	}
}
