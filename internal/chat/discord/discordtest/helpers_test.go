package discordtest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
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
	general   = "200000000000000001"
	approvals = "200000000000000002"
	token     = "test-bot-token"
	appID     = "300000000000000001"
	guildID   = "400000000000000001"
)

// start runs a fake Discord with two channels on a hand-moved clock.
func start(t *testing.T) (*Server, *clock) {
	t.Helper()
	c := &clock{now: time.Unix(1_700_000_000, 0)}
	s := New(Options{
		BotToken: token, ApplicationID: appID, GuildID: guildID,
		Channels: []string{general, approvals}, Clock: c.Now,
		HeartbeatInterval: 20 * time.Millisecond,
	})
	t.Cleanup(s.Close)
	return s, c
}

// client is the real discordgo session, pointed at the fake.
func client(t *testing.T, s *Server) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	dg.LogLevel = -1 // discordgo's own logging would only clutter the test output
	s.Point(dg)
	return dg
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// restCode is Discord's error code of a refused call and its HTTP status;
// 0, 0 for anything else.
func restCode(err error) (status, code int) {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil {
		return 0, 0
	}
	return re.Response.StatusCode, re.Message.Code
}

// interaction is the discordgo value for an interaction the fake minted,
// decoded from what the fake sends.
func interaction(t *testing.T, i Interaction) *discordgo.Interaction {
	t.Helper()
	var di discordgo.Interaction
	if err := di.UnmarshalJSON(i.JSON()); err != nil {
		t.Fatalf("discordgo cannot decode the interaction: %v", err)
	}
	return &di
}
