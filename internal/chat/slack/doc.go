// Package slack is the Slack adapter. This part is its HTTP edge: every
// request Slack sends (slash commands, button presses, events) is signed with
// the app's signing secret, and nothing of it is parsed or trusted before
// Verifier has checked that signature over the raw body.
//
// Slack's v0 scheme: the base string is "v0:" + X-Slack-Request-Timestamp +
// ":" + raw body; X-Slack-Signature is "v0=" + hex(HMAC-SHA256(secret, base
// string)). A request older or newer than Window is refused, so a captured
// request cannot be replayed later; within Window, the adapter's
// chat.Deliveries (shared by every replica on the database) answers an
// exact replay once and drops it.
package slack
