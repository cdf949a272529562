package discordtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gorilla/websocket"
)

// What a test makes the gateway do: dispatch events, and ask clients to
// reconnect, identify anew, or go.

// ErrNoSession is Dispatch's answer when no client has identified.
var ErrNoSession = errors.New("discordtest: no gateway session")

// Dispatch sends event with data to every gateway session, each with its
// next sequence number. A session whose connection is down keeps it for
// a RESUME to replay.
func (s *Server) Dispatch(event string, data any) error {
	raw := rawJSON(data)
	s.mu.Lock()
	var all []*session
	for _, sess := range s.sessions {
		all = append(all, sess)
	}
	s.mu.Unlock()
	if len(all) == 0 {
		return ErrNoSession
	}
	for _, sess := range all {
		s.mu.Lock()
		if err := s.sendLocked(sess, event, raw); err != nil {
			return fmt.Errorf("discordtest: dispatching %s: %w", event, err)
		}
	}
	return nil
}

// SendInteraction mints i and dispatches it as INTERACTION_CREATE; it
// returns the interaction as sent.
func (s *Server) SendInteraction(i Interaction) (Interaction, error) {
	i = s.Mint(i)
	return i, s.Dispatch("INTERACTION_CREATE", i.payload())
}

// Reconnect sends RECONNECT (op 7) on every connection: the client should
// close it and resume.
func (s *Server) Reconnect() {
	for _, c := range s.live() {
		_ = c.send(payload{Op: opReconnect, D: json.RawMessage("null")})
	}
}

// InvalidSession sends INVALID_SESSION (op 9) on every connection. When
// resumable is false the sessions are gone: the client must IDENTIFY
// again, which the fake accepts on the same connection.
func (s *Server) InvalidSession(resumable bool) {
	for _, c := range s.live() {
		if !resumable {
			s.mu.Lock()
			if c.session != nil {
				delete(s.sessions, c.session.id)
				c.session.conn = nil
				c.session = nil
			}
			s.mu.Unlock()
		}
		_ = c.send(payload{Op: opInvalidSession, D: rawJSON(resumable)})
	}
}

// CloseGateway closes every connection with code and reason, as Discord
// does (CloseUnknownError 4000, CloseSessionTimedOut 4009...). After the
// codes that end a session (4004, 4007, 4009-4014) the sessions are gone
// and a RESUME gets INVALID_SESSION.
func (s *Server) CloseGateway(code int, reason string) {
	for _, c := range s.live() {
		s.closeConn(c, code, reason)
	}
}

func (s *Server) closeConn(c *gatewayConn, code int, reason string) {
	switch code {
	case CloseAuthenticationFailed, CloseInvalidSeq, CloseSessionTimedOut, CloseInvalidShard,
		CloseShardingRequired, CloseInvalidAPIVersion, CloseInvalidIntents, CloseDisallowedIntents:
		s.mu.Lock()
		if c.session != nil {
			delete(s.sessions, c.session.id)
		}
		s.mu.Unlock()
	}
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.wmu.Unlock()
	_ = c.ws.Close()
}

// Drop closes every connection abruptly, with no close frame, as a
// network failure does. Sessions stay resumable.
func (s *Server) Drop() {
	for _, c := range s.live() {
		_ = c.ws.Close()
	}
}
