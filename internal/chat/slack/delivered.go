package slack

import "context"

// keep is how long a delivery is remembered: a signed request stays fresh
// for two Windows when its timestamp was a Window ahead of the clock, and
// Slack's redeliveries of an envelope come within seconds.
const keep = 2 * Window

// Keys of deliveries, apart from other platforms' in a shared store.
const (
	signatureKey = "slack:signature:" // a signed HTTP request, by its signature
	envelopeKey  = "slack:envelope:"  // a Socket Mode envelope, by its id
	triggerKey   = "slack:trigger:"   // a slash command, by its trigger id
	pressKey     = "slack:press:"     // a press: user, action time, action, value
)

// first reports whether none of keys was delivered before, recording
// them all. On error it is false with the error: the caller does not act
// (failing closed) and tells the person chat.ErrDeliveryUnknown.
func (a *Adapter) first(keys ...string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	for _, k := range keys {
		seen, err := a.delivered.Seen(ctx, k, keep)
		if err != nil {
			a.log.Warn("slack: checking for a repeated delivery failed; not acting on it", "err", err)
			return false, err
		}
		if seen {
			return false, nil
		}
	}
	return true, nil
}
