// Package chat is what the chat platforms (Slack, Discord) share beyond the
// command runner: posting approval requests to an approvals channel and
// keeping every posted copy of them true as they change.
//
// A platform adapter implements Platform (post and edit one message from a
// commands.RequestView) and feeds every notice of the runner's watcher to
// Approvals.Handle. Approvals then
//
//   - posts a request that waits for an approver to the approvals channel,
//     once across all processes, whichever process or surface raised it
//     (the approval store's claim picks the poster);
//   - edits every message of the request on its platform (recorded with
//     Runner.RecordPost, by any process) on each change, in version order,
//     never with a view older than the one the message shows;
//   - keeps what failed (a rate limit, an API outage) and delivers the
//     newest view of it on the next round, so a message never stays behind
//     the request's final state.
//
// Words and buttons come from the view; the platform only lays them out.
// The interactive shell (package shell) prints notices instead of posting
// messages, and does not use this package.
package chat
