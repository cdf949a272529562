package slacktest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// The example of Slack's "Verifying requests from Slack" guide.
func TestSignMatchesSlacksExample(t *testing.T) {
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	h := Sign("8f742231b10e8888abcd99yyyzzz85a5", time.Unix(1531420618, 0), body)
	if got := h.Get("X-Slack-Request-Timestamp"); got != "1531420618" {
		t.Errorf("timestamp header %q", got)
	}
	if got, want := h.Get("X-Slack-Signature"), "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
}

// bot is an app's request URL that checks each request with slack-go's own
// verifier (a third implementation of the scheme) and hands the request,
// body restored, to parse.
func bot(t *testing.T, secret string, parse func(*http.Request)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := slack.NewSecretsVerifier(r.Header, secret)
		if err != nil {
			http.Error(w, "unsigned", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		_, _ = v.Write(body)
		if v.Ensure() != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		parse(r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// live runs the fake on the real clock, which slack-go's verifier reads.
func live(t *testing.T) *Server {
	s := New(Options{SigningSecret: "live-secret", Channels: map[string]string{general: "general"}})
	t.Cleanup(s.Close)
	return s
}

func TestSignedSlashCommandIsWhatSlackGoParses(t *testing.T) {
	s := live(t)
	var got slack.SlashCommand
	url := bot(t, "live-secret", func(r *http.Request) { got, _ = slack.SlashCommandParse(r) })
	cmd := s.Slash(SlashCommand{User: alice, UserName: "alice", Channel: general, Text: "reboot web-1"})
	status, _, err := s.PostSigned(t.Context(), url, cmd.Body())
	if err != nil || status != 200 {
		t.Fatalf("post: %d, %v", status, err)
	}
	want := slack.SlashCommand{
		Token: "fake-verification-token", TeamID: s.Options().TeamID, TeamDomain: s.Options().TeamDomain,
		ChannelID: general, ChannelName: "general", UserID: alice, UserName: "alice",
		Command: "/vps", Text: "reboot web-1", ResponseURL: cmd.ResponseURL, TriggerID: cmd.TriggerID,
		APIAppID: s.Options().AppID,
	}
	if got != want {
		t.Fatalf("parsed %+v\nwant   %+v", got, want)
	}
	other := New(Options{SigningSecret: "another-secret"})
	defer other.Close()
	if status, _, _ := other.PostSigned(t.Context(), url, cmd.Body()); status != http.StatusUnauthorized {
		t.Fatalf("a request signed with another secret got %d", status)
	}
}

func TestSignedBlockActionsIsWhatSlackGoParses(t *testing.T) {
	s := live(t)
	var got slack.InteractionCallback
	url := bot(t, "live-secret", func(r *http.Request) { got, _ = slack.InteractionCallbackParse(r) })
	ts, err := client(s).PostEphemeral(general, alice, slack.MsgOptionText("Reboot?", false), confirmBlocks())
	if err != nil {
		t.Fatal(err)
	}
	press, err := s.Press(alice, general, ts, "vps:cancel")
	if err != nil {
		t.Fatal(err)
	}
	if status, _, err := s.PostSigned(t.Context(), url, press.Body()); err != nil || status != 200 {
		t.Fatalf("post: %d, %v", status, err)
	}
	acts := got.ActionCallback.BlockActions
	if got.Type != slack.InteractionTypeBlockActions || got.User.ID != alice || got.Team.ID != s.Options().TeamID ||
		got.Channel.ID != general || !got.Container.IsEphemeral || got.Container.MessageTs != ts ||
		got.TriggerID != press.TriggerID || got.ResponseURL != press.ResponseURL || got.APIAppID != s.Options().AppID ||
		len(acts) != 1 || acts[0].ActionID != "vps:cancel" || acts[0].Value != "r-1" || acts[0].ActionTs == "" {
		t.Fatalf("parsed %+v", got)
	}
}
