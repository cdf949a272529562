package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresence       = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

// Gateway close codes Discord uses, for CloseGateway.
const (
	CloseUnknownError         = 4000
	CloseUnknownOpcode        = 4001
	CloseDecodeError          = 4002
	CloseNotAuthenticated     = 4003
	CloseAuthenticationFailed = 4004
	CloseAlreadyAuthenticated = 4005
	CloseInvalidSeq           = 4007
	CloseRateLimited          = 4008
	CloseSessionTimedOut      = 4009
	CloseInvalidShard         = 4010
	CloseShardingRequired     = 4011
	CloseInvalidAPIVersion    = 4012
	CloseInvalidIntents       = 4013
	CloseDisallowedIntents    = 4014
)

// Privileged intents, which the app must be allowed (Options.PrivilegedIntents).
const (
	IntentGuildMembers   = 1 << 1
	IntentGuildPresences = 1 << 8
	IntentMessageContent = 1 << 15
	privilegedIntents    = IntentGuildMembers | IntentGuildPresences | IntentMessageContent
	knownIntents         = 1<<26 - 1
)

// payload is a gateway message, both ways.
type payload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

// gatewayConn is one websocket connection. Gorilla allows one writer at a
// time, so every message goes through wmu. Lock order: Server.mu, then
// wmu; never Server.mu while holding wmu.
type gatewayConn struct {
	n       int
	ws      *websocket.Conn
	wmu     sync.Mutex
	session *session // under Server.mu; nil until IDENTIFY or RESUME
}

func (c *gatewayConn) writeLocked(p payload) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteJSON(p)
}

func (c *gatewayConn) send(p payload) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(p)
}

// session is a gateway session: its sequence and every dispatch it was
// sent, which a RESUME replays from where the client left off.
type session struct {
	id     string
	seq    int64
	events []Dispatch
	conn   *gatewayConn // nil while disconnected
}

// gateway is GET /gateway: where to connect.
func (s *Server) gateway(c call) answer { return ok(map[string]any{"url": s.GatewayURL()}) }

// gatewayBot is GET /gateway/bot: where to connect, with shards and
// session start limits.
func (s *Server) gatewayBot(c call) answer {
	return ok(map[string]any{
		"url": s.GatewayURL(), "shards": 1,
		"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1},
	})
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveGateway is one gateway connection from upgrade to close: HELLO,
// then whatever the client sends.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	default:
		s.wsWG.Add(1) // under mu, so never after Close started waiting
	}
	s.mu.Unlock()
	defer s.wsWG.Done()
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gatewayConn{ws: ws}
	s.mu.Lock()
	s.st.gateway.Connections++
	c.n = s.st.gateway.Connections
	s.conns[c] = true
	s.changedLocked()
	s.mu.Unlock()
	defer s.forget(c)

	hello := rawJSON(map[string]any{"heartbeat_interval": s.opts.HeartbeatInterval.Milliseconds()})
	if c.send(payload{Op: opHello, D: hello}) != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var p payload
		if json.Unmarshal(data, &p) != nil {
			s.closeConn(c, CloseDecodeError, "Decode error.")
			return
		}
		if !s.receive(c, p) {
			return
		}
	}
}

// receive handles one message from the client and reports whether the
// connection goes on.
func (s *Server) receive(c *gatewayConn, p payload) bool {
	switch p.Op {
	case opHeartbeat:
		s.mu.Lock()
		s.st.gateway.Heartbeats++
		s.changedLocked()
		s.mu.Unlock()
		return c.send(payload{Op: opHeartbeatAck}) == nil
	case opIdentify:
		return s.identify(c, p.D)
	case opResume:
		return s.resume(c, p.D)
	case opPresence, opVoiceState, opRequestMembers:
		s.mu.Lock()
		identified := c.session != nil
		s.mu.Unlock()
		if !identified {
			s.closeConn(c, CloseNotAuthenticated, "Not authenticated.")
		}
		return identified
	}
	s.closeConn(c, CloseUnknownOpcode, "Unknown opcode.")
	return false
}

// tokenOK reports whether a gateway token is the bot's; Discord takes it
// with or without "Bot ".
func (s *Server) tokenOK(token string) bool {
	return strings.TrimPrefix(token, "Bot ") == s.opts.BotToken
}

// identify starts a session: READY, or a close for a bad token (4004),
// intents (4013, 4014) or a second IDENTIFY (4005).
func (s *Server) identify(c *gatewayConn, d json.RawMessage) bool {
	var id struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
		Shard   *[2]int
	}
	if json.Unmarshal(d, &id) != nil {
		s.closeConn(c, CloseDecodeError, "Decode error.")
		return false
	}
	s.mu.Lock()
	code, reason := 0, ""
	switch {
	case c.session != nil:
		code, reason = CloseAlreadyAuthenticated, "Already authenticated."
	case !s.tokenOK(id.Token):
		code, reason = CloseAuthenticationFailed, "Authentication failed."
	case id.Intents < 0 || id.Intents&^knownIntents != 0:
		code, reason = CloseInvalidIntents, "Invalid intent(s)."
	case id.Intents&privilegedIntents&^s.opts.PrivilegedIntents != 0:
		code, reason = CloseDisallowedIntents, "Disallowed intent(s)."
	}
	if code != 0 {
		s.mu.Unlock()
		s.closeConn(c, code, reason)
		return false
	}
	for sid, old := range s.sessions { // a client that identifies anew gave up its old sessions
		if old.conn == nil {
			delete(s.sessions, sid)
		}
	}
	sess := &session{id: newSessionID(), conn: c}
	s.sessions[sess.id] = sess
	c.session = sess
	s.st.gateway.Identifies++
	ready := map[string]any{
		"v": 9, "user": s.botUser(), "session_id": sess.id, "session_type": "normal",
		"resume_gateway_url": s.GatewayURL(),
		"guilds":             []any{map[string]any{"id": s.opts.GuildID, "unavailable": true}},
		"private_channels":   []any{},
		"application":        map[string]any{"id": s.opts.ApplicationID, "flags": 0},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	return s.sendLocked(sess, "READY", rawJSON(ready)) == nil // unlocks mu
}

// resume reattaches a session: the dispatches it missed, then RESUMED; an
// unknown session gets INVALID_SESSION (d false).
func (s *Server) resume(c *gatewayConn, d json.RawMessage) bool {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if json.Unmarshal(d, &rs) != nil {
		s.closeConn(c, CloseDecodeError, "Decode error.")
		return false
	}
	if !s.tokenOK(rs.Token) {
		s.closeConn(c, CloseAuthenticationFailed, "Authentication failed.")
		return false
	}
	s.mu.Lock()
	sess := s.sessions[rs.SessionID]
	if sess == nil {
		s.mu.Unlock()
		return c.send(payload{Op: opInvalidSession, D: json.RawMessage("false")}) == nil
	}
	sess.conn, c.session = c, sess
	s.st.gateway.Resumes++
	var missed []Dispatch
	for _, e := range sess.events {
		if e.Seq > rs.Seq {
			missed = append(missed, e)
		}
	}
	s.st.gateway.Replayed += len(missed)
	c.wmu.Lock()
	s.mu.Unlock()
	for _, e := range missed {
		if c.writeLocked(dispatchPayload(e)) != nil {
			c.wmu.Unlock()
			return false
		}
	}
	c.wmu.Unlock()
	s.mu.Lock()
	return s.sendLocked(sess, "RESUMED", json.RawMessage("{}")) == nil // unlocks mu
}

func dispatchPayload(e Dispatch) payload {
	seq, t := e.Seq, e.Type
	return payload{Op: opDispatch, D: e.Data, S: &seq, T: &t}
}

// sendLocked records a dispatch in session sess and sends it if the
// session is connected. Called with mu held; it unlocks mu, having taken
// the connection's write lock first so that dispatches go out in
// sequence order.
func (s *Server) sendLocked(sess *session, event string, data json.RawMessage) error {
	sess.seq++
	e := Dispatch{Session: sess.id, Seq: sess.seq, Type: event, Data: data}
	sess.events = append(sess.events, e)
	s.st.gateway.Dispatched = append(s.st.gateway.Dispatched, e)
	s.changedLocked()
	c := sess.conn
	if c == nil {
		s.mu.Unlock()
		return nil
	}
	c.wmu.Lock()
	s.mu.Unlock()
	defer c.wmu.Unlock()
	return c.writeLocked(dispatchPayload(e))
}

func (s *Server) forget(c *gatewayConn) {
	_ = c.ws.Close()
	s.mu.Lock()
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
	delete(s.conns, c)
	s.changedLocked()
	s.mu.Unlock()
}

func (s *Server) live() []*gatewayConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cs []*gatewayConn
	for c := range s.conns {
		cs = append(cs, c)
	}
	return cs
}

func newSessionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
