package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// A response_url takes ResponseURLUses posts within ResponseURLTTL of the
// slash command or interaction that carried it.
const (
	ResponseURLUses = 5
	ResponseURLTTL  = 30 * time.Minute
)

// hook is what a response_url answers for: where it was minted, and the
// message the interaction came from (none for a slash command).
type hook struct {
	channel, user string
	original      string // ts of the message a button was pressed on
	minted        time.Time
	uses          int
}

// ResponseURL mints a response_url as a slash command carries it: posts to
// it reach channel (in_channel) or user (ephemeral).
func (s *Server) ResponseURL(channel, user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hookLocked("commands", channel, user, "")
}

// ActionResponseURL mints a response_url as an interaction payload carries
// it: replace_original and delete_original act on the message messageTS,
// an ephemeral of user or a message of channel.
func (s *Server) ActionResponseURL(channel, user, messageTS string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hookLocked("actions", channel, user, messageTS)
}

func (s *Server) hookLocked(kind, channel, user, original string) string {
	u := fmt.Sprintf("%s/%s/%s/%d/fakehook%06d", s.srv.URL, kind, s.opts.TeamID, s.opts.Clock().Unix(), s.nextLocked())
	s.st.hooks[u] = &hook{channel: channel, user: user, original: original, minted: s.opts.Clock()}
	return u
}

// responseBody is what an app posts to a response_url.
type responseBody struct {
	Text            string          `json:"text"`
	Blocks          json.RawMessage `json:"blocks"`
	ResponseType    string          `json:"response_type"`
	ReplaceOriginal bool            `json:"replace_original"`
	DeleteOriginal  bool            `json:"delete_original"`
	ThreadTS        string          `json:"thread_ts"`
}

// serveResponseURL answers as Slack's response_url does: {"ok":true}, an
// API error in the body, or 404 with expired_url or used_url once the URL
// is past its time or its uses.
func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.called("response_url"); ok && s.answer(f, w, r) {
		return
	}
	var body responseBody
	raw, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil || json.Unmarshal(raw, &body) != nil {
		writeError(w, "invalid_payload")
		return
	}
	body.Blocks = noBlocks(body.Blocks)
	url := s.srv.URL + r.URL.Path
	s.mu.Lock()
	status, code := s.respondLocked(url, body)
	s.changedLocked()
	s.mu.Unlock()
	if code == "" {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
		return
	}
	writeJSON(w, status, map[string]any{"ok": false, "error": code})
}

func (s *Server) respondLocked(url string, b responseBody) (int, string) {
	h := s.st.hooks[url]
	switch {
	case h == nil:
		return http.StatusNotFound, "invalid_url" // the fake's word: Slack's is not documented
	case s.opts.Clock().Sub(h.minted) > ResponseURLTTL:
		return http.StatusNotFound, "expired_url"
	case h.uses >= ResponseURLUses:
		return http.StatusNotFound, "used_url"
	}
	v := Version{Text: b.Text, Blocks: b.Blocks}
	if !b.DeleteOriginal {
		if v.Text == "" && len(v.Blocks) == 0 {
			return http.StatusOK, "no_text"
		}
		if code := checkVersion(v); code != "" {
			return http.StatusOK, code
		}
	}
	if code := s.deliverLocked(h, b, v); code != "" {
		return http.StatusOK, code
	}
	h.uses++
	s.st.responses[url] = append(s.st.responses[url], Response{
		URL: url, Channel: h.channel, User: h.user, Text: b.Text, Blocks: b.Blocks,
		ResponseType: b.ResponseType, ReplaceOriginal: b.ReplaceOriginal,
		DeleteOriginal: b.DeleteOriginal, ThreadTS: b.ThreadTS,
	})
	return http.StatusOK, ""
}

// deliverLocked shows a response: it replaces or deletes the original
// message (the user's ephemeral or the channel's message), or adds a new
// one, in the channel or for the user alone.
func (s *Server) deliverLocked(h *hook, b responseBody, v Version) string {
	if (b.ReplaceOriginal || b.DeleteOriginal) && h.original != "" {
		if e := s.findEphemeralLocked(h.user, h.original); e != nil {
			e.Deleted = b.DeleteOriginal
			if !b.DeleteOriginal {
				e.History = append(e.History, v)
			}
			return ""
		}
		if m := s.findMessageLocked(h.channel, h.original); m != nil {
			m.Deleted = b.DeleteOriginal
			if !b.DeleteOriginal {
				m.History = append(m.History, v)
			}
			return ""
		}
		return "message_not_found"
	}
	if b.DeleteOriginal {
		return "" // nothing to delete: a slash command has no original
	}
	if b.ResponseType == "in_channel" {
		s.addMessageLocked(h.channel, b.ThreadTS, v)
		return ""
	}
	s.addEphemeralLocked(h.channel, h.user, b.ThreadTS, v)
	return ""
}
