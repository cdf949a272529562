package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/chat/slack/slacktest"
)

// syncBuffer is a bytes.Buffer the bot's goroutines may write while the
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The bot with Slack in Socket Mode and no terminal: headless, it logs
// that it is connected, answers /vps, and stops cleanly on a signal.
func TestHeadlessBotServesSlackOverSocketMode(t *testing.T) {
	fake := slacktest.New(slacktest.Options{Channels: map[string]string{"C0OPS": "ops", "C0APPROVALS": "approvals"}})
	defer fake.Close()
	o := fake.Options()
	t.Setenv("SLACK_BOT_TOKEN", o.BotToken)
	t.Setenv("SLACK_APP_TOKEN", o.AppToken)
	cfg := writeConfig(t, t.TempDir(), "slack: {bot_token: \"${SLACK_BOT_TOKEN}\", app_token: \"${SLACK_APP_TOKEN}\", approvals_channel: C0APPROVALS, api_url: \""+fake.APIURL()+"\"}\n")
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	ctx, stop := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	exit := make(chan int, 1)
	go func() { exit <- runContext(ctx, []string{"--config", cfg}, null, &stdout, &stderr) }()
	wctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := fake.Wait(wctx, func(st slacktest.State) bool { return st.Live > 0 }); err != nil {
		stop()
		t.Fatalf("the bot never connected: %v\n%s", err, stderr.String())
	}
	if _, err := fake.Send(fake.Slash(slacktest.SlashCommand{User: "U0ALICE", Channel: "C0OPS", Text: "whoami"}).Envelope()); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.Wait(wctx, func(st slacktest.State) bool {
		for _, e := range st.Ephemerals["U0ALICE"] {
			if strings.Contains(e.Text()+string(e.Blocks()), "slack:T0FAKE:U0ALICE") {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatalf("no answer to /vps whoami: %v\n%s", err, stderr.String())
	}
	stop()
	if code := <-exit; code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	log := stderr.String()
	for _, want := range []string{"slack: bot token accepted", "slack: connected (Socket Mode)"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q:\n%s", want, log)
		}
	}
	if strings.Contains(stdout.String(), "vps>") {
		t.Errorf("a headless bot ran the shell: %q", stdout.String())
	}
	for _, secret := range []string{o.BotToken, o.AppToken} {
		if strings.Contains(log+stdout.String(), secret) {
			t.Fatalf("a token reached the output")
		}
	}
}
