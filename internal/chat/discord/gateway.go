package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// GatewayDuty is the duty of the replica that holds the gateway
// connection (see Config.Duties).
const GatewayDuty = "discord-gateway"

// Duties elects one replica among those sharing a database for a duty,
// as duty.Elector does: Run runs fn while this replica holds the duty
// name, cancelling its context as soon as it may not.
type Duties interface {
	Run(ctx context.Context, name string, fn func(ctx context.Context))
}

// newGateway makes a session for one gateway connection: a new one each
// time, so that a replica taking the duty over identifies afresh rather
// than resuming a session that ended when it last gave the duty up. REST
// calls stay on the adapter's own session, which every replica uses.
func (a *Adapter) newGateway() (*discordgo.Session, error) {
	g, err := discordgo.New("Bot " + a.cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	g.Client = a.s.Client // the same timeout and, in tests, the same host
	g.Identify.Intents = discordgo.IntentsGuilds
	g.ShouldReconnectOnError = true
	g.MaxRestRetries = a.s.MaxRestRetries
	g.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		a.log.Info("discord: connected (gateway)", "user", r.User.ID, "session", r.SessionID != "")
	})
	g.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		a.log.Warn("discord: gateway connection lost; reconnecting")
	})
	g.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { a.log.Info("discord: gateway session resumed") })
	// Interactions are read from the raw event: discordgo hands its typed
	// handler a zero interaction when it cannot decode one (an unknown
	// component type), which could not even be answered.
	g.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
		if e.Type == interactionCreate {
			a.gatewayEvent(e.RawData)
		}
	})
	return g, nil
}

// connectGateway opens a new gateway connection.
func (a *Adapter) connectGateway() (*discordgo.Session, error) {
	g, err := a.newGateway()
	if err != nil {
		return nil, err
	}
	if err := g.Open(); err != nil {
		return nil, fmt.Errorf("discord: connecting to the gateway: %w", classify("gateway", err))
	}
	return g, nil
}

// holdGateway is the gateway duty: connected while this replica holds
// it, closed the moment it may not. A connection that fails ends the
// duty's work, so that it is released and tried again (here or by
// another replica) a renewal later.
func (a *Adapter) holdGateway(ctx context.Context) {
	g, err := a.connectGateway()
	if err != nil {
		a.log.Warn("discord: holding the gateway duty, but connecting failed; trying again", "err", err)
		return
	}
	<-ctx.Done()
	_ = g.Close()
	a.log.Info("discord: gateway closed (duty given up)")
}
