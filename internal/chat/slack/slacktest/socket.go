package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// socketConn is one Socket Mode connection. Gorilla allows one writer at a
// time (control frames aside), so every message goes through write.
type socketConn struct {
	n   int // 1 for the first connection of the server
	ws  *websocket.Conn
	wmu sync.Mutex
}

func (c *socketConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteJSON(v)
}

// openConnection is apps.connections.open: a single-use ticket for the
// fake's own websocket endpoint, as Slack hands out a wss:// URL.
func (s *Server) openConnection(p params) (reply, string) {
	ticket := fmt.Sprintf("fake-ticket-%08d", s.nextLocked())
	s.tickets[ticket] = true
	return reply{"url": s.socketURL() + "?ticket=" + ticket + "&app_id=" + s.opts.AppID}, ""
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveSocket is one Socket Mode connection from upgrade to close: hello,
// pings, and every ack the app sends.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket]
	delete(s.tickets, ticket)
	select {
	case <-s.closed:
		valid = false
	default:
		if valid {
			s.wsWG.Add(1) // under mu, so never after Close started waiting
		}
	}
	s.mu.Unlock()
	if !valid {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	defer s.wsWG.Done()
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &socketConn{ws: ws}
	s.mu.Lock()
	s.st.connections++
	c.n = s.st.connections
	s.conns[c] = true
	live := len(s.conns)
	s.changedLocked()
	s.mu.Unlock()
	defer s.forget(c)

	hello := map[string]any{
		"type":            "hello",
		"num_connections": live,
		"debug_info":      map[string]any{"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": s.opts.AppID},
	}
	if c.write(hello) != nil {
		return
	}
	done := make(chan struct{})
	defer close(done)
	go s.ping(c, done)
	s.readAcks(c)
}

// ping pings the app at once and then every PingInterval: slack-go takes
// a connection that is not pinged for dead.
func (s *Server) ping(c *socketConn, done <-chan struct{}) {
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	for {
		if c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second)) != nil {
			return
		}
		select {
		case <-t.C:
		case <-done:
			return
		}
	}
}

// readAcks records every ack until the connection ends. Gorilla's default
// ping handler answers the app's pings.
func (s *Server) readAcks(c *socketConn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var a Ack
		if json.Unmarshal(data, &a) != nil || a.EnvelopeID == "" {
			continue
		}
		a.Connection = c.n
		s.mu.Lock()
		s.st.acks = append(s.st.acks, a)
		s.changedLocked()
		s.mu.Unlock()
	}
}

func (s *Server) forget(c *socketConn) {
	_ = c.ws.Close()
	s.mu.Lock()
	delete(s.conns, c)
	s.changedLocked()
	s.mu.Unlock()
}

// ErrNotConnected is Send's answer when no app is connected.
var ErrNotConnected = errors.New("slacktest: no Socket Mode connection")

// Send delivers an envelope on the newest connection, as Slack delivers
// each envelope on one of an app's connections, and returns its
// envelope_id (minted when env has none).
func (s *Server) Send(env Envelope) (string, error) {
	s.mu.Lock()
	if env.EnvelopeID == "" {
		env.EnvelopeID = fmt.Sprintf("fake-envelope-%08d", s.nextLocked())
	}
	var c *socketConn
	for k := range s.conns {
		if c == nil || k.n > c.n {
			c = k
		}
	}
	if c == nil {
		s.mu.Unlock()
		return "", ErrNotConnected
	}
	s.st.sent = append(s.st.sent, env)
	s.changedLocked()
	s.mu.Unlock()
	if err := c.write(env); err != nil {
		return "", fmt.Errorf("slacktest: sending envelope: %w", err)
	}
	return env.EnvelopeID, nil
}

// Redeliver sends envelope id again with retry_attempt one higher and
// retry_reason reason ("timeout" when the app did not ack in time).
func (s *Server) Redeliver(id, reason string) error {
	s.mu.Lock()
	var last *Envelope
	for i := range s.st.sent {
		if s.st.sent[i].EnvelopeID == id {
			last = &s.st.sent[i]
		}
	}
	if last == nil {
		s.mu.Unlock()
		return fmt.Errorf("slacktest: no envelope %s was sent", id)
	}
	env := *last
	s.mu.Unlock()
	env.RetryAttempt++
	env.RetryReason = reason
	_, err := s.Send(env)
	return err
}

// WaitAck waits for the app to ack envelope id.
func (s *Server) WaitAck(ctx context.Context, id string) (Ack, error) {
	st, err := s.Wait(ctx, func(st State) bool { _, ok := st.Ack(id); return ok })
	if err != nil {
		return Ack{}, fmt.Errorf("slacktest: no ack of %s: %w", id, err)
	}
	a, _ := st.Ack(id)
	return a, nil
}

// Disconnect asks every connection to go, as Slack does before it
// recycles a connection ("refresh_requested", "warning", "link_disabled"),
// then closes it.
func (s *Server) Disconnect(reason string) {
	for _, c := range s.live() {
		_ = c.write(map[string]any{
			"type":       "disconnect",
			"reason":     reason,
			"debug_info": map[string]any{"host": "applink-fake"},
		})
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		_ = c.ws.Close()
	}
}

// Drop closes every connection abruptly, with no disconnect message and
// no close frame, as a network failure does.
func (s *Server) Drop() {
	for _, c := range s.live() {
		_ = c.ws.Close()
	}
}

func (s *Server) live() []*socketConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cs []*socketConn
	for c := range s.conns {
		cs = append(cs, c)
	}
	return cs
}
