package slack

import (
	"context"
	"encoding/json"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// runSocket keeps a Socket Mode connection to Slack until ctx ends:
// slack-go reconnects when Slack asks it to (a "disconnect" envelope) or
// the connection dies; when even reconnecting fails (Slack down, a
// revoked token) this loop starts over after a backoff that doubles up to
// a minute. Connection state is logged.
func (a *Adapter) runSocket(ctx context.Context) {
	sm := socketmode.New(a.api)
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.socketEvents(ctx, sm)
	}()
	backoff := time.Second
	for ctx.Err() == nil {
		start := time.Now()
		err := sm.RunContext(ctx)
		if ctx.Err() != nil {
			break
		}
		if time.Since(start) > time.Minute {
			backoff = time.Second // it ran a while: a fresh failure
		}
		a.log.Warn("slack: Socket Mode connection failed; reconnecting", "err", classify("apps.connections.open", err), "in", backoff)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Minute)
	}
	<-done
}

// socketEvents acknowledges every envelope at once, before anything is
// run (Slack redelivers what is not acknowledged within 3 seconds), then
// acts on it unless it was delivered before.
func (a *Adapter) socketEvents(ctx context.Context, sm *socketmode.Client) {
	for {
		var evt socketmode.Event
		select {
		case <-ctx.Done():
			return
		case evt = <-sm.Events:
		}
		switch evt.Type {
		case socketmode.EventTypeConnecting:
			a.log.Info("slack: connecting (Socket Mode)")
		case socketmode.EventTypeConnected:
			a.log.Info("slack: connected (Socket Mode)")
		case socketmode.EventTypeConnectionError:
			a.log.Warn("slack: Socket Mode connection error", "err", evt.Data)
		case socketmode.EventTypeDisconnect:
			a.log.Info("slack: Slack asked to reconnect (Socket Mode)")
		case socketmode.EventTypeInvalidAuth:
			a.log.Error("slack: the app token was refused (Socket Mode)")
		case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
			a.envelope(sm, evt)
		case socketmode.EventTypeErrorBadMessage:
			a.badEnvelope(sm, evt)
		}
	}
}

// envelope acts on one delivered request.
func (a *Adapter) envelope(sm *socketmode.Client, evt socketmode.Event) {
	if evt.Request == nil {
		return
	}
	start := time.Now()
	if err := sm.Ack(*evt.Request); err != nil {
		a.log.Warn("slack: acknowledging an envelope failed", "err", err)
	}
	chat.Acked(a.cfg.Acks, Source, envelopeKind(evt.Type), start)
	// The envelope id is checked with the payload's own key (see
	// slashCommand), after the payload is read: a failed check is then
	// answered to the person, through the payload's response_url.
	env := envelopeKey + evt.Request.EnvelopeID
	var err error
	switch data := evt.Data.(type) {
	case slack.SlashCommand:
		err = a.slashCommand(data, env)
	case slack.InteractionCallback:
		err = a.interaction(data, env)
	default:
		return // events we did not subscribe to
	}
	if err != nil {
		a.refusedEnvelope(err)
	}
}

// envelopeKind is the kind of acknowledgement an envelope of type t gets.
func envelopeKind(t socketmode.EventType) string {
	switch t {
	case socketmode.EventTypeSlashCommand:
		return chat.AckCommand
	case socketmode.EventTypeInteractive:
		return chat.AckPress
	}
	return chat.AckOther // events the app did not subscribe to
}

// badEnvelope acknowledges an envelope slack-go could not decode (so Slack
// does not send it again and again) and puts it on the record.
func (a *Adapter) badEnvelope(sm *socketmode.Client, evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
	}
	if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
		start := time.Now()
		if err := sm.Ack(socketmode.Request{EnvelopeID: env.EnvelopeID}); err != nil {
			a.log.Warn("slack: acknowledging an envelope failed", "err", err)
		}
		chat.Acked(a.cfg.Acks, Source, chat.AckRefused, start)
	}
	a.refusedEnvelope(fault.Errorf(fault.Invalid, "slack envelope: malformed payload"))
}

// refusedEnvelope puts an unusable Socket Mode envelope on the record, at
// most once a minute like the HTTP refusals.
func (a *Adapter) refusedEnvelope(err error) {
	a.log.Warn("slack: envelope refused", "err", err)
	n, write := a.refusals.Note(a.cfg.Clock())
	if !write {
		return
	}
	msg := chat.Summary(err, n)
	_ = a.runner.Refused(context.Background(), commands.Request{Source: Source, Principal: Unverified},
		fault.Errorf(fault.ClassOf(err), "%s", msg))
}
