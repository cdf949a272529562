package discordtest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// open connects discordgo's gateway client to the fake and waits for
// READY; the session is closed when the test ends.
func open(t *testing.T, s *Server) (*discordgo.Session, *discordgo.Ready) {
	t.Helper()
	dg := client(t, s)
	ready := make(chan *discordgo.Ready, 1)
	dg.AddHandlerOnce(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	if err := dg.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = dg.Close() })
	select {
	case r := <-ready:
		return dg, r
	case <-ctx(t).Done():
		t.Fatal("no READY")
	}
	return nil, nil
}

func TestDiscordgoConnectsIdentifiesAndHeartbeats(t *testing.T) {
	s, _ := start(t)
	_, r := open(t, s)
	if r.SessionID == "" || r.User == nil || r.User.ID != appID || !r.User.Bot || r.Application == nil || r.Application.ID != appID {
		t.Fatalf("READY %+v", r)
	}
	st, err := s.Wait(ctx(t), func(st State) bool { return st.Gateway.Heartbeats >= 3 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Gateway.Connections != 1 || st.Gateway.Identifies != 1 || st.Gateway.Live != 1 {
		t.Fatalf("gateway %+v", st.Gateway)
	}
}

func TestAnInteractionReachesAHandlerAndCanBeAnswered(t *testing.T) {
	s, _ := start(t)
	dg, _ := open(t, s)
	got := make(chan *discordgo.InteractionCreate, 1)
	dg.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { got <- i })
	i, err := s.SendInteraction(Command("vps", SubCommand("list")))
	if err != nil {
		t.Fatal(err)
	}
	var in *discordgo.InteractionCreate
	select {
	case in = <-got:
	case <-ctx(t).Done():
		t.Fatal("no INTERACTION_CREATE reached the handler")
	}
	if in.ID != i.ID || in.ApplicationCommandData().Name != "vps" {
		t.Fatalf("handler got %+v", in.Interaction)
	}
	if err := dg.InteractionRespond(in.Interaction, reply("two servers", 0)); err != nil {
		t.Fatalf("answering a gateway interaction: %v", err)
	}
	st := s.State()
	last := st.Gateway.Dispatched[len(st.Gateway.Dispatched)-1]
	if last.Type != "INTERACTION_CREATE" || last.Seq != 2 {
		t.Fatalf("dispatched %+v, want INTERACTION_CREATE after READY", last)
	}
}

func TestReconnectMakesDiscordgoResume(t *testing.T) {
	s, _ := start(t)
	dg, _ := open(t, s)
	resumed := make(chan struct{}, 1)
	dg.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { resumed <- struct{}{} })
	s.Reconnect()
	st, err := s.Wait(ctx(t), func(st State) bool { return st.Gateway.Resumes == 1 && st.Gateway.Live == 1 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Gateway.Connections != 2 || st.Gateway.Identifies != 1 {
		t.Fatalf("gateway %+v, want a second connection that resumed", st.Gateway)
	}
	select {
	case <-resumed:
	case <-ctx(t).Done():
		t.Fatal("no RESUMED reached the handler")
	}
}

func TestAnInvalidSessionMakesDiscordgoIdentifyAgain(t *testing.T) {
	s, _ := start(t)
	open(t, s)
	s.InvalidSession(false)
	if _, err := s.Wait(ctx(t), func(st State) bool { return st.Gateway.Identifies == 2 }); err != nil {
		t.Fatal(err)
	}
}

// dial connects to the fake's gateway by hand and reads HELLO.
func dial(t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.DialContext(ctx(t), s.GatewayURL()+"/?v=9&encoding=json", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	resp.Body.Close()
	t.Cleanup(func() { ws.Close() })
	if p := read(t, ws); p.Op != opHello || string(p.D) != `{"heartbeat_interval":20}` {
		t.Fatalf("first message %+v, want HELLO", p)
	}
	return ws
}

func read(t *testing.T, ws *websocket.Conn) payload {
	t.Helper()
	var p payload
	if err := ws.ReadJSON(&p); err != nil {
		t.Fatalf("read: %v", err)
	}
	return p
}

func send(t *testing.T, ws *websocket.Conn, op int, d any) {
	t.Helper()
	if err := ws.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		t.Fatal(err)
	}
}

// closeCode is the close code the fake ended the connection with.
func closeCode(t *testing.T, ws *websocket.Conn) int {
	t.Helper()
	for {
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			t.Fatalf("read: %v, want a close frame", err)
		}
	}
}

func identifyAs(tok string, intents int) map[string]any {
	return map[string]any{"token": tok, "intents": intents, "properties": map[string]string{"os": "linux"}}
}

func TestIdentifyChecksTokenAndIntents(t *testing.T) {
	s, _ := start(t)
	ws := dial(t, s)
	send(t, ws, opIdentify, identifyAs("Bot wrong", 1))
	if code := closeCode(t, ws); code != CloseAuthenticationFailed {
		t.Fatalf("wrong token closed with %d", code)
	}
	ws = dial(t, s)
	send(t, ws, opIdentify, identifyAs(token, IntentMessageContent))
	if code := closeCode(t, ws); code != CloseDisallowedIntents {
		t.Fatalf("a privileged intent closed with %d", code)
	}
	ws = dial(t, s)
	send(t, ws, opIdentify, identifyAs(token, 1<<40))
	if code := closeCode(t, ws); code != CloseInvalidIntents {
		t.Fatalf("an unknown intent closed with %d", code)
	}
	ws = dial(t, s)
	send(t, ws, opPresence, map[string]any{})
	if code := closeCode(t, ws); code != CloseNotAuthenticated {
		t.Fatalf("a presence update before IDENTIFY closed with %d", code)
	}
	if n := s.State().Gateway.Identifies; n != 0 {
		t.Fatalf("identifies %d, want none accepted", n)
	}
}

func TestResumeReplaysMissedDispatches(t *testing.T) {
	s, _ := start(t)
	ws := dial(t, s)
	send(t, ws, opHeartbeat, nil)
	if p := read(t, ws); p.Op != opHeartbeatAck {
		t.Fatalf("heartbeat answered with %+v", p)
	}
	send(t, ws, opIdentify, identifyAs("Bot "+token, 1))
	ready := read(t, ws)
	var r struct {
		SessionID        string `json:"session_id"`
		ResumeGatewayURL string `json:"resume_gateway_url"`
	}
	if ready.T == nil || *ready.T != "READY" || *ready.S != 1 || json.Unmarshal(ready.D, &r) != nil || r.ResumeGatewayURL != s.GatewayURL() {
		t.Fatalf("READY %+v", ready)
	}
	ws.Close()
	if _, err := s.Wait(ctx(t), func(st State) bool { return st.Gateway.Live == 0 }); err != nil {
		t.Fatal(err)
	}
	if err := s.Dispatch("MESSAGE_CREATE", map[string]any{"id": "1", "content": "missed"}); err != nil {
		t.Fatal(err)
	}
	ws = dial(t, s)
	send(t, ws, opResume, map[string]any{"token": token, "session_id": r.SessionID, "seq": 1})
	if p := read(t, ws); *p.T != "MESSAGE_CREATE" || *p.S != 2 {
		t.Fatalf("replayed %+v, want MESSAGE_CREATE seq 2", p)
	}
	if p := read(t, ws); *p.T != "RESUMED" || *p.S != 3 {
		t.Fatalf("then %+v, want RESUMED seq 3", p)
	}
	if g := s.State().Gateway; g.Resumes != 1 || g.Replayed != 1 {
		t.Fatalf("gateway %+v", g)
	}
	ws = dial(t, s)
	send(t, ws, opResume, map[string]any{"token": token, "session_id": "unknown", "seq": 1})
	if p := read(t, ws); p.Op != opInvalidSession || string(p.D) != "false" {
		t.Fatalf("resume of an unknown session answered %+v", p)
	}
}

func TestCloseGatewayEndsTheSessionForFatalCodes(t *testing.T) {
	s, _ := start(t)
	ws := dial(t, s)
	send(t, ws, opIdentify, identifyAs(token, 1))
	var r struct {
		SessionID string `json:"session_id"`
	}
	_ = json.Unmarshal(read(t, ws).D, &r)
	s.CloseGateway(CloseSessionTimedOut, "Session timed out.")
	if code := closeCode(t, ws); code != CloseSessionTimedOut {
		t.Fatalf("closed with %d", code)
	}
	ws = dial(t, s)
	send(t, ws, opResume, map[string]any{"token": token, "session_id": r.SessionID, "seq": 1})
	if p := read(t, ws); p.Op != opInvalidSession {
		t.Fatalf("resume after 4009 answered %+v, want INVALID_SESSION", p)
	}
	if err := s.Dispatch("X", nil); !errors.Is(err, ErrNoSession) {
		t.Fatalf("dispatch with no session: %v", err)
	}
}

func TestADroppedConnectionIsResumed(t *testing.T) {
	s, _ := start(t)
	open(t, s)
	s.Drop()
	st, err := s.Wait(ctx(t), func(st State) bool { return st.Gateway.Resumes == 1 && st.Gateway.Live == 1 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Gateway.Connections != 2 || st.Gateway.Identifies != 1 {
		t.Fatalf("gateway %+v, want one identify and a resumed second connection", st.Gateway)
	}
}

func TestGatewayBotNamesTheFakesWebsocket(t *testing.T) {
	s, _ := start(t)
	g, err := client(t, s).GatewayBot()
	if err != nil || g.URL != s.GatewayURL()+"/" || g.Shards != 1 {
		t.Fatalf("GET /gateway/bot: %v, %+v", err, g)
	}
}
