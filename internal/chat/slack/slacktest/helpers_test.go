package slacktest

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// clock is a clock the test moves by hand; the fake reads it from its
// handlers' goroutines, hence the mutex.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const (
	general   = "C0GENERAL"
	approvals = "C0APPROVALS"
	alice     = "U0ALICE"
	bob       = "U0BOB"
)

// start runs a fake workspace with two channels on a hand-moved clock.
func start(t *testing.T) (*Server, *clock) {
	t.Helper()
	c := &clock{now: time.Unix(1_700_000_000, 0)}
	s := New(Options{
		BotToken: "xoxb-test", AppToken: "xapp-test", SigningSecret: "test-secret",
		TeamID: "T0TEST", Channels: map[string]string{general: "general", approvals: "approvals"},
		Clock: c.Now,
	})
	t.Cleanup(s.Close)
	return s, c
}

// client is the real slack-go client, pointed at the fake.
func client(s *Server) *slack.Client {
	o := s.Options()
	return slack.New(o.BotToken, slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(o.AppToken))
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// slackErr is the error code of a Web API refusal, "" for anything else.
func slackErr(err error) string {
	if e, ok := err.(slack.SlackErrorResponse); ok {
		return e.Err
	}
	return ""
}

// websocketDial connects to the fake's Socket Mode endpoint by hand.
func websocketDial(t *testing.T, url string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.DialContext(t.Context(), url, nil)
	if err == nil {
		t.Cleanup(func() { ws.Close() })
	}
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	return ws, resp, err
}
