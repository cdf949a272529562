package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// app is slack-go's Socket Mode client against the fake. It acks every
// envelope, a slash command with {"text":"ack <command text>"}, and hands
// the event to the test.
type app struct {
	events chan socketmode.Event
}

func runApp(t *testing.T, s *Server) *app {
	t.Helper()
	sm := socketmode.New(client(s))
	a := &app{events: make(chan socketmode.Event, 16)}
	c, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- sm.RunContext(c) }()
	go func() {
		for {
			select {
			case <-c.Done():
				return
			case evt := <-sm.Events:
				if evt.Request == nil || evt.Type == socketmode.EventTypeHello {
					continue
				}
				var payload any
				if cmd, ok := evt.Data.(slack.SlashCommand); ok {
					payload = map[string]string{"text": "ack " + cmd.Text}
				}
				if err := sm.AckCtx(c, evt.Request.EnvelopeID, payload); err != nil {
					return
				}
				select {
				case a.events <- evt:
				case <-c.Done():
					return
				}
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("socketmode client: %v", err)
		}
	})
	if _, err := s.Wait(ctx(t), func(st State) bool { return st.Live == 1 }); err != nil {
		t.Fatalf("the app never connected: %v", err)
	}
	return a
}

func (a *app) next(t *testing.T) socketmode.Event {
	t.Helper()
	select {
	case evt := <-a.events:
		return evt
	case <-ctx(t).Done():
		t.Fatal("no event reached the app")
		return socketmode.Event{}
	}
}

func TestSocketModeSlashCommandIsDeliveredAndAcked(t *testing.T) {
	s, _ := start(t)
	a := runApp(t, s)
	cmd := s.Slash(SlashCommand{User: alice, Channel: general, Text: "status web-1"})
	id, err := s.Send(cmd.Envelope())
	if err != nil {
		t.Fatal(err)
	}
	evt := a.next(t)
	got, ok := evt.Data.(slack.SlashCommand)
	if !ok || evt.Request.EnvelopeID != id || !evt.Request.AcceptsResponsePayload {
		t.Fatalf("event %s, request %+v", evt.Type, evt.Request)
	}
	if got.UserID != alice || got.ChannelID != general || got.ChannelName != "general" || got.Text != "status web-1" ||
		got.Command != "/vps" || got.TeamID != "T0TEST" || got.ResponseURL != cmd.ResponseURL || got.TriggerID != cmd.TriggerID {
		t.Fatalf("slash command as the app parsed it: %+v", got)
	}
	ack, err := s.WaitAck(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if string(ack.Payload) != `{"text":"ack status web-1"}` || ack.Connection != 1 {
		t.Fatalf("ack: %+v (payload %s)", ack, ack.Payload)
	}
}

func TestSocketModeInteractionParsesAsBlockActions(t *testing.T) {
	s, _ := start(t)
	a := runApp(t, s)
	_, ts, err := client(s).PostMessage(approvals, slack.MsgOptionText("Approve?", false), confirmBlocks())
	if err != nil {
		t.Fatal(err)
	}
	press, err := s.Press(bob, approvals, ts, "vps:confirm")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(press.Envelope()); err != nil {
		t.Fatal(err)
	}
	cb, ok := a.next(t).Data.(slack.InteractionCallback)
	if !ok {
		t.Fatal("the interaction did not parse as an InteractionCallback")
	}
	acts := cb.ActionCallback.BlockActions
	if cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != bob || cb.Channel.ID != approvals ||
		cb.Container.MessageTs != ts || cb.Container.IsEphemeral || cb.Message.Timestamp != ts || cb.ResponseURL != press.ResponseURL ||
		len(acts) != 1 || acts[0].ActionID != "vps:confirm" || acts[0].Value != "r-1" || acts[0].BlockID != "gate" {
		t.Fatalf("interaction as the app parsed it: %+v", cb)
	}
}

func TestDisconnectMakesTheAppReconnect(t *testing.T) {
	s, _ := start(t)
	a := runApp(t, s)
	s.Disconnect("refresh_requested")
	if _, err := s.Wait(ctx(t), func(st State) bool { return st.Connections == 2 && st.Live == 1 }); err != nil {
		t.Fatalf("no reconnect after disconnect: %v", err)
	}
	id, err := s.Send(s.Slash(SlashCommand{User: alice, Channel: general, Text: "list"}).Envelope())
	if err != nil {
		t.Fatal(err)
	}
	a.next(t)
	if ack, err := s.WaitAck(ctx(t), id); err != nil || ack.Connection != 2 {
		t.Fatalf("ack on the new connection: %+v, %v", ack, err)
	}
	if n := s.Calls("apps.connections.open"); n != 2 {
		t.Fatalf("apps.connections.open called %d times, want 2", n)
	}
}

func TestDropAndRedelivery(t *testing.T) {
	s, _ := start(t)
	a := runApp(t, s)
	id, err := s.Send(s.Slash(SlashCommand{User: alice, Channel: general, Text: "list"}).Envelope())
	if err != nil {
		t.Fatal(err)
	}
	first := a.next(t)
	s.Drop()
	if _, err := s.Wait(ctx(t), func(st State) bool { return st.Connections == 2 && st.Live == 1 }); err != nil {
		t.Fatalf("no reconnect after a drop: %v", err)
	}
	if err := s.Redeliver(id, "timeout"); err != nil {
		t.Fatal(err)
	}
	again := a.next(t)
	if again.Request.EnvelopeID != id || again.Request.RetryAttempt != 1 || again.Request.RetryReason != "timeout" || first.Request.RetryAttempt != 0 {
		t.Fatalf("redelivery: %+v, first %+v", again.Request, first.Request)
	}
	if sent := s.State().Sent; len(sent) != 2 || sent[1].RetryAttempt != 1 {
		t.Fatalf("sent envelopes: %+v", sent)
	}
}

func TestSendWithNoAppConnected(t *testing.T) {
	s, _ := start(t)
	if _, err := s.Send(Envelope{Type: "events_api", Payload: json.RawMessage(`{}`)}); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("send with nobody connected: %v", err)
	}
}

func TestHelloCarriesTheConnectionCount(t *testing.T) {
	s, _ := start(t)
	_, url, err := client(s).StartSocketModeContext(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocketDial(t, url)
	if err != nil {
		t.Fatal(err)
	}
	var hello socketmode.Request
	if err := ws.ReadJSON(&hello); err != nil {
		t.Fatal(err)
	}
	if hello.Type != "hello" || hello.NumConnections != 1 || hello.ConnectionInfo.AppID != s.Options().AppID || hello.DebugInfo.Host == "" {
		t.Fatalf("hello: %+v", hello)
	}
	if _, _, err := websocketDial(t, url); err == nil {
		t.Fatal("a ticket was used twice")
	}

	// The fake answers the app's pings (pongs arrive while reading).
	pong := make(chan string, 1)
	ws.SetPongHandler(func(data string) error { pong <- data; return nil })
	go func() {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}()
	if err := ws.WriteControl(websocket.PingMessage, []byte("are you there"), time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	select {
	case data := <-pong:
		if data != "are you there" {
			t.Fatalf("pong %q", data)
		}
	case <-ctx(t).Done():
		t.Fatal("no pong")
	}
}
