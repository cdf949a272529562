package discordtest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Version is what a message showed at one point: as posted, or after an
// edit. A deferred response shows flags 128 (LOADING) and no content
// until it is edited.
type Version struct {
	Content         string          `json:"content"`
	Embeds          json.RawMessage `json:"embeds,omitempty"`
	Components      json.RawMessage `json:"components,omitempty"`
	Flags           int             `json:"flags"`
	AllowedMentions json.RawMessage `json:"allowed_mentions,omitempty"`
}

// Message flags the fake reads or sets.
const (
	FlagEphemeral = 1 << 6 // 64: only the user who interacted sees it
	FlagLoading   = 1 << 7 // 128: a deferred response, "is thinking..."
)

// Message is a message the bot posted or an interaction response. History
// holds every version it showed, oldest first; the last is what it shows
// now.
type Message struct {
	ID        string
	ChannelID string
	// Interaction is the id of the interaction it answers (original
	// response or follow-up); "" for a message posted to the channel.
	Interaction string
	Ephemeral   bool // never listed among the channel's messages
	History     []Version
	Deleted     bool
	Posted      time.Time // on the fake's clock
	Edited      time.Time // zero until edited
}

// Now is what the message shows now.
func (m Message) Now() Version { return m.History[len(m.History)-1] }

// Content is the text the message shows now.
func (m Message) Content() string { return m.Now().Content }

// Callback is the accepted answer to an interaction (POST .../callback).
type Callback struct {
	Type int             // 1 PONG, 4 message, 5 deferred message, 6 deferred update, 7 update, 8 choices, 9 modal
	Data json.RawMessage // as the app sent it
	At   time.Time       // on the fake's clock
}

// Exchange is an interaction the fake sent and everything the app
// answered it with.
type Exchange struct {
	Interaction Interaction
	Sent        time.Time // on the fake's clock
	Callback    *Callback // nil until acknowledged
	Original    *Message  // the original response, once there is one
	FollowUps   []Message // in the order they were created
}

// StoredCommand is an application command as stored by a bulk overwrite.
type StoredCommand struct {
	ID   string
	Name string
	JSON json.RawMessage // as the fake returns it, id and version included
}

// Dispatch is an event sent on the gateway (op 0).
type Dispatch struct {
	Session string
	Seq     int64
	Type    string
	Data    json.RawMessage
}

// Gateway counts what happened on the gateway.
type Gateway struct {
	Connections int // websocket connections accepted so far
	Live        int // open now
	Identifies  int // accepted IDENTIFYs (each started a session)
	Resumes     int // accepted RESUMEs
	Heartbeats  int // heartbeats received (each acked)
	Dispatched  []Dispatch
	Replayed    int // dispatches sent again on a resume
}

// State is a copy of everything the fake holds, for a test to inspect.
type State struct {
	// Messages are the messages each channel shows, in post order:
	// what the bot posted and the interaction responses that are not
	// ephemeral.
	Messages     map[string][]Message
	Interactions map[string]Exchange // interaction id → exchange
	// Commands are the stored commands per scope: the guild id, or ""
	// for global commands.
	Commands   map[string][]StoredCommand
	Overwrites map[string]int // bulk overwrites accepted per scope
	Gateway    Gateway
	Calls      map[string]int // route → calls, refused ones included; see Fail
	// DMs are the direct message channels the bot opened: user id →
	// channel id, whose messages are in Messages.
	DMs map[string]string
}

// Message returns message id wherever it is: a channel or an interaction.
func (st State) Message(id string) (Message, bool) {
	for _, ms := range st.Messages {
		for _, m := range ms {
			if m.ID == id {
				return m, true
			}
		}
	}
	for _, x := range st.Interactions {
		if x.Original != nil && x.Original.ID == id {
			return *x.Original, true
		}
		for _, m := range x.FollowUps {
			if m.ID == id {
				return m, true
			}
		}
	}
	return Message{}, false
}

// exchange is the live record of an interaction behind Server.mu.
type exchange struct {
	in        Interaction
	sent      time.Time
	callback  *Callback
	original  *Message
	followUps []*Message
}

// state is the live record behind Server.mu. Messages are pointers so an
// edit finds them; State copies them out.
type state struct {
	messages     map[string]*Message // id → message, every message
	channels     map[string][]*Message
	interactions map[string]*exchange // by id
	tokens       map[string]*exchange // by token
	commands     map[string][]StoredCommand
	overwrites   map[string]int
	gateway      Gateway
	calls        map[string]int
	dms          map[string]string // user id → direct message channel id
}

func newState() state {
	return state{
		messages:     map[string]*Message{},
		channels:     map[string][]*Message{},
		interactions: map[string]*exchange{},
		tokens:       map[string]*exchange{},
		commands:     map[string][]StoredCommand{},
		overwrites:   map[string]int{},
		calls:        map[string]int{},
		dms:          map[string]string{},
	}
}

// State returns a copy of the fake's state.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshotLocked()
}

func copyMessage(m *Message) Message {
	c := *m
	c.History = slices.Clone(m.History)
	return c
}

func (s *Server) snapshotLocked() State {
	st := State{
		Messages:     map[string][]Message{},
		Interactions: map[string]Exchange{},
		Commands:     map[string][]StoredCommand{},
		Overwrites:   maps.Clone(s.st.overwrites),
		Gateway:      s.st.gateway,
		Calls:        maps.Clone(s.st.calls),
		DMs:          maps.Clone(s.st.dms),
	}
	st.Gateway.Dispatched = slices.Clone(s.st.gateway.Dispatched)
	st.Gateway.Live = len(s.conns)
	for ch, ms := range s.st.channels {
		for _, m := range ms {
			st.Messages[ch] = append(st.Messages[ch], copyMessage(m))
		}
	}
	for id, x := range s.st.interactions {
		e := Exchange{Interaction: x.in, Sent: x.sent}
		if x.callback != nil {
			c := *x.callback
			e.Callback = &c
		}
		if x.original != nil {
			o := copyMessage(x.original)
			e.Original = &o
		}
		for _, m := range x.followUps {
			e.FollowUps = append(e.FollowUps, copyMessage(m))
		}
		st.Interactions[id] = e
	}
	for scope, cs := range s.st.commands {
		st.Commands[scope] = slices.Clone(cs)
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
			return st, fmt.Errorf("discordtest: waiting for a state: %w", ctx.Err())
		}
	}
}

// Calls returns how many times route was called, refused calls included.
// Routes are named by their method and pattern, as the Route constants
// spell them.
func (s *Server) Calls(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.calls[route]
}

// snowflakeEpoch is Discord's epoch, the first second of 2015, in ms.
const snowflakeEpoch = 1420070400000

// idLocked mints a snowflake on the fake's clock: milliseconds since
// Discord's epoch in the high bits and a sequence number in the low 22,
// so ids are unique, grow, and carry their time as Discord's do.
func (s *Server) idLocked() string {
	s.seq++
	ms := max(s.opts.Clock().UnixMilli()-snowflakeEpoch, 0)
	return fmt.Sprint(ms<<22 | s.seq&(1<<22-1))
}
