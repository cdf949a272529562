package chat

import "time"

// AckObserver is told of every acknowledgement an adapter gives its
// platform (the answer Slack and Discord wait up to 3 seconds for): which
// kind of request it answered and how long the platform waited. Metrics
// count them. It must be quick and safe for concurrent use.
type AckObserver interface {
	ChatAck(platform, kind string, took time.Duration)
}

// Kinds of acknowledged requests. The set is fixed: a label never carries
// what a platform sent.
const (
	AckCommand      = "command"      // a slash or application command
	AckPress        = "press"        // a button press
	AckAutocomplete = "autocomplete" // Discord's choices for an option being typed
	AckPing         = "ping"         // Discord's endpoint check
	AckOther        = "other"        // acknowledged and ignored
	AckRefused      = "refused"      // failed verification, or unreadable
)

// Acked reports an acknowledgement of kind, begun at start, to o; a nil o
// is told nothing.
func Acked(o AckObserver, platform, kind string, start time.Time) {
	if o != nil {
		o.ChatAck(platform, kind, time.Since(start))
	}
}
