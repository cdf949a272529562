// Package slacktest is a fake Slack for tests: a stateful server on
// 127.0.0.1 that the real slack-go client is pointed at
// (slack.OptionAPIURL(s.APIURL())), so that the Slack adapter's tests run
// the adapter's real wire code against a platform written apart from it.
// It imports nothing of the adapter: where the two disagree, one of them
// is wrong about Slack.
//
// What it fakes:
//
//   - Web API methods auth.test, chat.postMessage, chat.postEphemeral,
//     chat.update, views.open, apps.connections.open,
//     files.getUploadURLExternal (with its upload URL) and
//     files.completeUploadExternal, with Slack's envelopes ({"ok":true,...}
//     and {"ok":false,"error":"..."} with HTTP 200), token checks
//     (not_authed, invalid_auth, not_allowed_token_type: the bot token for
//     everything but apps.connections.open, which takes the app token), form
//     and JSON bodies as slack-go sends them.
//   - What Slack refuses: unknown channels, chat.update of anything but a
//     channel message (ephemeral messages cannot be edited), Block Kit limits
//     (CheckBlocks, exported for renderer tests), message text over 40,000
//     characters, trigger ids that are unknown, used or older than 3 s.
//   - Ephemeral messages kept per user, never among a channel's messages;
//     every version of every message (edit history).
//   - response_urls (ResponseURL, ActionResponseURL): five uses in 30
//     minutes of the fake's clock, then 404 used_url or expired_url;
//     replace_original and delete_original act on the message the button
//     was on, ephemeral or not.
//   - Socket Mode: hello, pings, envelopes (Send, Redeliver with
//     retry_attempt), acks (WaitAck), disconnect requests (Disconnect) and
//     broken connections (Drop), counted so a test can see a reconnect.
//   - What Slack sends an app: slash commands and block_actions payloads
//     (Slash, Actions, Press), as signed form bodies (Sign, PostSigned) or
//     as Socket Mode envelope payloads.
//   - Failures on demand (Fail): rate limits (429 with Retry-After), 5xx,
//     API errors, bodies that are not JSON, slow answers.
//
// What it does not fake: other methods (answered unknown_method),
// attachments, users and channel membership (any user id is accepted),
// rate limits by themselves (only those a test asks for), the Events API
// over HTTP, modal submissions, message formatting, and Slack's exact
// words where Slack does not document them (an unknown response_url is
// 404 invalid_url; an invalid block inside a view is invalid_arguments
// with the fake's own message).
//
// State is read with State (a copy) and waited for with Wait, which
// wakes on every change instead of polling.
package slacktest
