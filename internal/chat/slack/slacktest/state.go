package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Version is what a message showed at one point: as posted, or after an
// edit or a replace_original.
type Version struct {
	Text   string          `json:"text"`
	Blocks json.RawMessage `json:"blocks,omitempty"`
}

// Message is a message in a channel. History holds every version the
// message showed, oldest first; the last one is what it shows now, so a
// message that was never edited has one.
type Message struct {
	Channel  string
	TS       string
	ThreadTS string
	User     string // who posted: the bot user
	BotID    string
	History  []Version
	Deleted  bool // by delete_original
}

// Text is what the message shows now.
func (m Message) Text() string { return m.History[len(m.History)-1].Text }

// Blocks are the blocks the message shows now.
func (m Message) Blocks() json.RawMessage { return m.History[len(m.History)-1].Blocks }

// Ephemeral is a message only one user sees. Slack keeps none of them in
// the channel's history, and the fake keeps them apart from Messages.
// History grows when a response_url replaces it.
type Ephemeral struct {
	Channel  string
	User     string
	TS       string
	ThreadTS string
	History  []Version
	Deleted  bool
}

// Text is what the ephemeral message shows now.
func (e Ephemeral) Text() string { return e.History[len(e.History)-1].Text }

// Blocks are the blocks the ephemeral message shows now.
func (e Ephemeral) Blocks() json.RawMessage { return e.History[len(e.History)-1].Blocks }

// Response is one accepted POST to a response_url.
type Response struct {
	URL             string
	Channel, User   string
	Text            string
	Blocks          json.RawMessage
	ResponseType    string // "ephemeral" (the default) or "in_channel"
	ReplaceOriginal bool
	DeleteOriginal  bool
	ThreadTS        string
}

// View is a view opened with views.open.
type View struct {
	ID        string
	TriggerID string
	View      json.RawMessage // as the client sent it
}

// File is an upload completed with files.completeUploadExternal (or only
// uploaded, when Completed is false).
type File struct {
	ID             string
	Name           string
	Title          string
	Length         int // as declared to files.getUploadURLExternal
	Content        []byte
	Channel        string
	ThreadTS       string
	InitialComment string
	Completed      bool
}

// Envelope is a Socket Mode envelope sent to the app.
type Envelope struct {
	Type                   string          `json:"type"` // slash_commands, interactive, events_api
	EnvelopeID             string          `json:"envelope_id"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           int             `json:"retry_attempt"`
	RetryReason            string          `json:"retry_reason"`
}

// Ack is what the app answered an envelope with.
type Ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload,omitempty"`
	Connection int             // which connection (1 = the first) it came on
}

// State is a copy of everything the fake holds, for a test to inspect.
type State struct {
	Messages    map[string][]Message   // channel → messages in post order
	Ephemerals  map[string][]Ephemeral // user → ephemeral messages in post order
	Responses   map[string][]Response  // response_url → accepted POSTs in order
	Views       []View
	Files       []File
	Sent        []Envelope // Socket Mode envelopes, deliveries and redeliveries
	Acks        []Ack
	Calls       map[string]int // method → calls, refused ones included; see Fail for the names
	Connections int            // Socket Mode connections accepted so far
	Live        int            // Socket Mode connections open now
}

// Message returns the message ts of channel.
func (st State) Message(channel, ts string) (Message, bool) {
	for _, m := range st.Messages[channel] {
		if m.TS == ts {
			return m, true
		}
	}
	return Message{}, false
}

// Ack returns the first ack of envelope id.
func (st State) Ack(id string) (Ack, bool) {
	for _, a := range st.Acks {
		if a.EnvelopeID == id {
			return a, true
		}
	}
	return Ack{}, false
}

// state is the live record behind Server.mu. Messages are pointers so that
// an edit finds them; State copies them out.
type state struct {
	messages    map[string][]*Message
	ephemerals  map[string][]*Ephemeral
	responses   map[string][]Response
	hooks       map[string]*hook // response_url → its origin and uses
	triggers    map[string]time.Time
	views       []View
	files       []*File
	sent        []Envelope
	acks        []Ack
	calls       map[string]int
	connections int
}

func newState() state {
	return state{
		messages:   map[string][]*Message{},
		ephemerals: map[string][]*Ephemeral{},
		responses:  map[string][]Response{},
		hooks:      map[string]*hook{},
		triggers:   map[string]time.Time{},
		calls:      map[string]int{},
	}
}

// State returns a copy of the fake's state.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshotLocked()
}

func (s *Server) snapshotLocked() State {
	st := State{
		Messages:    map[string][]Message{},
		Ephemerals:  map[string][]Ephemeral{},
		Responses:   map[string][]Response{},
		Views:       slices.Clone(s.st.views),
		Sent:        slices.Clone(s.st.sent),
		Acks:        slices.Clone(s.st.acks),
		Calls:       maps.Clone(s.st.calls),
		Connections: s.st.connections,
		Live:        len(s.conns),
	}
	for ch, ms := range s.st.messages {
		for _, m := range ms {
			c := *m
			c.History = slices.Clone(m.History)
			st.Messages[ch] = append(st.Messages[ch], c)
		}
	}
	for u, es := range s.st.ephemerals {
		for _, e := range es {
			c := *e
			c.History = slices.Clone(e.History)
			st.Ephemerals[u] = append(st.Ephemerals[u], c)
		}
	}
	for u, rs := range s.st.responses {
		st.Responses[u] = slices.Clone(rs)
	}
	for _, f := range s.st.files {
		c := *f
		c.Content = slices.Clone(f.Content)
		st.Files = append(st.Files, c)
	}
	return st
}

// Wait returns the state as soon as cond holds for it, checking again on
// every change rather than polling; it fails when ctx ends first.
func (s *Server) Wait(ctx context.Context, cond func(State) bool) (State, error) {
	for {
		s.mu.Lock()
		st, ch := s.snapshotLocked(), s.changed
		s.mu.Unlock()
		if cond(st) {
			return st, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return st, fmt.Errorf("slacktest: waiting for a state: %w", ctx.Err())
		}
	}
}

// Calls returns how many times method was called, refused calls included:
// a Web API method, "response_url" or "files.upload" (the upload URL).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.calls[method]
}

// nextLocked returns a new sequence number, unique within the server.
func (s *Server) nextLocked() int64 {
	s.seq++
	return s.seq
}

// tsLocked returns a new message timestamp: the clock's seconds and a
// sequence number as microseconds, so timestamps are unique and grow.
func (s *Server) tsLocked() string {
	return fmt.Sprintf("%d.%06d", s.opts.Clock().Unix(), s.nextLocked()%1_000_000)
}
