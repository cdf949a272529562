// Package discordtest is a fake Discord for tests: a stateful server on
// 127.0.0.1 that the real discordgo v0.28.1 client is pointed at
// (s.Point(session)), so that the Discord adapter's tests run the
// adapter's real wire code against a platform written apart from it. It
// imports nothing of the adapter: where the two disagree, one of them is
// wrong about Discord.
//
// Pointing discordgo at it: discordgo.New("Bot "+token), then s.Point(dg),
// which gives the session an HTTP client that sends every request to the
// fake. Reassigning discordgo.EndpointAPI would not do: the string
// endpoints derived from it (EndpointChannels, EndpointWebhooks,
// EndpointApplications, EndpointGateway...) were fixed when discordgo was
// initialised, and the variables are global to the test binary. The
// gateway follows by itself: Open asks GET /gateway, which names the
// fake's websocket. discordgo v0.28.1 resumes on the URL it connected to
// and ignores READY's resume_gateway_url (the fake's own URL anyway).
//
// What it fakes:
//
//   - Interaction callbacks, POST /interactions/{id}/{token}/callback
//     (types 1, 4-9, flags 64 = ephemeral): only for an interaction the
//     fake minted, once (400, 40060), within 3 s of the fake's clock (404
//     Unknown interaction, 10062), of a type that fits the interaction
//     (PONG only for a PING, choices only for an autocomplete). A message
//     becomes the original response; a deferred one shows flag 128
//     (loading) until edited; UPDATE_MESSAGE edits the message the
//     component was on. An HTTP-mode app's answer in its response body
//     counts as the callback (PostInteraction).
//   - Webhooks with the interaction token: follow-ups (POST, ?wait=true),
//     GET, PATCH and DELETE of @original and follow-ups, for 15 minutes
//     from the interaction; then 401 Invalid Webhook Token (50027). A
//     token the fake never minted, or not acknowledged yet, is 404
//     Unknown Webhook (10015).
//   - Channel messages with the bot token (POST, PATCH, GET): 404 Unknown
//     Channel (10003) and Unknown Message (10008), allowed_mentions
//     recorded, every version kept. Ephemeral messages never show in a
//     channel.
//   - Direct messages: POST /users/@me/channels opens the bot's channel
//     with a user (the same one each time, listed in State.DMs), which
//     then takes channel messages like any other.
//   - Message limits (CheckMessage, exported for renderer tests), refused
//     with 400 Invalid Form Body (50035) and Discord's errors object;
//     empty messages with 50006.
//   - Bulk overwrites of guild and global commands, and their GET:
//     stored, counted per scope, ids kept by name, checked (CheckCommands)
//     for names, descriptions, option counts and order, nesting, choices,
//     4000 characters in all.
//   - Bot auth: "Authorization: Bot <token>" on every bot route, 401
//     {"message":"401: Unauthorized","code":0} otherwise; webhook and
//     callback routes take no auth, as on Discord.
//   - Failures on demand (Fail): 429 with Retry-After, X-RateLimit-* and
//     Discord's body (RateLimit, GlobalRateLimit), 5xx, bodies that are not
//     JSON, slow answers.
//   - The gateway: HELLO, IDENTIFY (token, intents: 4004, 4013, 4014) and
//     READY, heartbeats and their acks, RESUME with the missed dispatches
//     replayed and RESUMED, INVALID_SESSION for an unknown session;
//     Dispatch, SendInteraction (INTERACTION_CREATE), Reconnect (op 7),
//     InvalidSession (op 9), CloseGateway (4000...), Drop.
//   - What Discord sends an app: PING, slash commands with option trees,
//     component presses, autocompletes, modal submits, in a guild (member
//     and roles) or a DM (user); UndecodableMessage for a message with a
//     component discordgo v0.28.1 cannot decode; signed with Ed25519 over
//     timestamp + body (Sign, PostSigned, PostInteraction), or wrongly
//     (BadSignature, Stale).
//
// What it does not fake: other routes (404 with code 0), files and
// attachments, threads, reactions, guilds, members and permissions (any
// user is accepted), rate limits by themselves (only those a test asks
// for), zlib compression of the gateway (discordgo asks for it; the fake
// sends plain text, which discordgo reads too), sharding, Components V2,
// and the first follow-up after a deferred response replacing it (the
// fake keeps follow-ups apart from the original).
//
// Where Discord does not document its answer the fake guesses, and says so
// here: a callback type that does not fit the interaction is 50035 with
// the fake's own errors code INTERACTION_CALLBACK_TYPE_INVALID; a
// follow-up before the callback is 404 Unknown Webhook; the 50035 errors
// codes for components (COMPONENT_TYPE_INVALID, COMPONENT_LINK_INVALID,
// COMPONENT_LAYOUT_WIDTH_EXCEEDED) and commands
// (APPLICATION_COMMAND_OPTION_TYPE_INVALID, APPLICATION_COMMAND_OPTIONS_TYPE_INVALID,
// APPLICATION_COMMAND_INVALID_FIELDS, APPLICATION_COMMANDS_TOO_MANY) and
// their messages are the fake's own; 403 Missing Access (50001) for
// another application's or guild's commands. Tests should match on the
// numeric code and the field path, not on these words.
//
// State is read with State (a copy) and waited for with Wait, which wakes
// on every change instead of polling.
package discordtest
