package discordtest

import (
	"encoding/json"
	"slices"
)

// Interaction types, as Discord numbers them.
const (
	InteractionPing         = 1
	InteractionCommand      = 2 // APPLICATION_COMMAND
	InteractionComponent    = 3 // MESSAGE_COMPONENT
	InteractionAutocomplete = 4 // APPLICATION_COMMAND_AUTOCOMPLETE
	InteractionModalSubmit  = 5
)

// Interaction is what Discord sends an app: over HTTP (PostSigned) or as
// a gateway INTERACTION_CREATE (SendInteraction). Build one with Ping,
// Command, Component, Autocomplete or ModalSubmit, set who and where if
// the defaults do not fit, and Mint it: the fake then knows its id and
// token, and accepts the callback and webhook calls made with them.
type Interaction struct {
	Type          int
	ID, Token     string // minted
	ApplicationID string
	GuildID       string // "" in a DM
	ChannelID     string
	// DM makes it an interaction from a direct message: "user" instead of
	// "member", no guild_id, context 1.
	DM       bool
	UserID   string
	UserName string
	Roles    []string // the member's role ids
	// Permissions is the member's permissions in the channel and
	// AppPermissions the app's, as Discord's decimal bit sets.
	Permissions    string
	AppPermissions string
	Locale         string

	// CommandName and Options are an application command's (or
	// autocomplete's) name and option tree; CommandID is the id of the
	// stored command of that name, when there is one.
	CommandName string
	CommandID   string
	Options     []Option
	// CustomID is a component's or a modal's custom_id, ComponentType the
	// pressed component's type, Values a select menu's chosen values.
	CustomID      string
	ComponentType int
	Values        []string
	// Fields are a submitted modal's text inputs, custom_id → value.
	Fields map[string]string
	// MessageID names a message the fake holds that the component was on;
	// Mint fills Message from it. Message may also be given as JSON, to
	// send a message the fake does not hold (UndecodableMessage).
	MessageID string
	Message   json.RawMessage
	// Data, when set, is sent as "data" verbatim instead of what the
	// fields above make.
	Data json.RawMessage
}

// Option is an option of a command as the user filled it in: a
// sub-command group holding sub-commands, a sub-command holding values,
// or a typed value.
type Option struct {
	Name    string   `json:"name"`
	Type    int      `json:"type"`
	Value   any      `json:"value,omitempty"`
	Options []Option `json:"options,omitempty"`
	Focused bool     `json:"focused,omitempty"`
}

// Option types, as Discord numbers them.
const (
	OptionSubCommand      = 1
	OptionSubCommandGroup = 2
	OptionString          = 3
	OptionInteger         = 4
	OptionBoolean         = 5
	OptionUser            = 6
	OptionChannel         = 7
	OptionRole            = 8
	OptionMentionable     = 9
	OptionNumber          = 10
)

// SubCommandGroup is a sub-command group holding sub-commands.
func SubCommandGroup(name string, subs ...Option) Option {
	return Option{Name: name, Type: OptionSubCommandGroup, Options: subs}
}

// SubCommand is a sub-command holding its values.
func SubCommand(name string, values ...Option) Option {
	return Option{Name: name, Type: OptionSubCommand, Options: values}
}

// String is a string value.
func String(name, value string) Option { return Option{Name: name, Type: OptionString, Value: value} }

// Integer is an integer value.
func Integer(name string, value int64) Option {
	return Option{Name: name, Type: OptionInteger, Value: value}
}

// Boolean is a boolean value.
func Boolean(name string, value bool) Option {
	return Option{Name: name, Type: OptionBoolean, Value: value}
}

// Number is a floating-point value.
func Number(name string, value float64) Option {
	return Option{Name: name, Type: OptionNumber, Value: value}
}

// User is a user option: its value is the user's id.
func User(name, id string) Option { return Option{Name: name, Type: OptionUser, Value: id} }

// Focused marks the option an autocomplete is for, its value being what
// the user has typed so far.
func Focused(o Option) Option {
	o.Focused = true
	return o
}

// Ping is the PING Discord sends to check an interactions endpoint URL;
// only PONG answers it.
func Ping() Interaction { return Interaction{Type: InteractionPing} }

// Command is a slash command (CHAT_INPUT) with its option tree.
func Command(name string, options ...Option) Interaction {
	return Interaction{Type: InteractionCommand, CommandName: name, Options: options}
}

// Autocomplete is what Discord sends while the user types into an option
// with autocomplete: the options so far, one of them Focused.
func Autocomplete(name string, options ...Option) Interaction {
	return Interaction{Type: InteractionAutocomplete, CommandName: name, Options: options}
}

// Component is a press of a button (componentType 2) or a choice in a
// select menu (3, 5-8) on message messageID, which the fake holds.
func Component(customID string, componentType int, messageID string) Interaction {
	return Interaction{Type: InteractionComponent, CustomID: customID, ComponentType: componentType, MessageID: messageID}
}

// ModalSubmit is a submitted modal: its custom_id and its text inputs.
func ModalSubmit(customID string, fields map[string]string) Interaction {
	return Interaction{Type: InteractionModalSubmit, CustomID: customID, Fields: fields}
}

// UndecodableMessage is a message as Discord sends it with a component
// type discordgo v0.28.1 does not know (17, a Components V2 container):
// discordgo fails to decode an interaction carrying it ("unknown
// component type"). Put it in Interaction.Message.
func UndecodableMessage(channelID, messageID string) json.RawMessage {
	return rawJSON(map[string]any{
		"id": messageID, "channel_id": channelID, "type": 0, "content": "",
		"flags": 1 << 15, // IS_COMPONENTS_V2
		"components": []any{map[string]any{
			"type": ComponentContainer, "id": 1,
			"components": []any{map[string]any{"type": 10, "id": 2, "content": "a V2 text display"}},
		}},
		"embeds": []any{}, "attachments": []any{}, "mentions": []any{},
		"timestamp": "2026-01-01T00:00:00.000000+00:00",
	})
}

// JSON is the interaction as Discord sends it: the body of an HTTP-mode
// request and the data of an INTERACTION_CREATE.
func (i Interaction) JSON() json.RawMessage { return rawJSON(i.payload()) }

func (i Interaction) payload() map[string]any {
	p := map[string]any{
		"id": i.ID, "application_id": i.ApplicationID, "type": i.Type,
		"token": i.Token, "version": 1,
	}
	user := map[string]any{
		"id": i.UserID, "username": i.UserName, "discriminator": "0",
		"global_name": i.UserName, "avatar": nil,
	}
	if i.Type == InteractionPing {
		p["user"] = user
		return p
	}
	p["channel_id"] = i.ChannelID
	p["app_permissions"] = i.AppPermissions
	p["locale"] = i.Locale
	p["entitlements"] = []any{}
	if i.DM {
		p["user"] = user
		p["channel"] = map[string]any{"id": i.ChannelID, "type": 1}
		p["context"] = 1
		p["authorizing_integration_owners"] = map[string]any{"0": i.UserID}
	} else {
		p["guild_id"] = i.GuildID
		p["guild_locale"] = "en-US"
		p["channel"] = map[string]any{"id": i.ChannelID, "type": 0, "guild_id": i.GuildID}
		p["context"] = 0
		p["authorizing_integration_owners"] = map[string]any{"0": i.GuildID}
		roles := i.Roles
		if roles == nil {
			roles = []string{}
		}
		p["member"] = map[string]any{
			"user": user, "roles": roles, "permissions": i.Permissions,
			"joined_at": "2025-01-01T00:00:00.000000+00:00", "nick": nil,
			"deaf": false, "mute": false, "flags": 0, "pending": false,
		}
	}
	if len(i.Message) > 0 {
		p["message"] = i.Message
	}
	p["data"] = i.data()
	return p
}

// data is the interaction's "data" object.
func (i Interaction) data() any {
	if len(i.Data) > 0 {
		return i.Data
	}
	switch i.Type {
	case InteractionCommand, InteractionAutocomplete:
		d := map[string]any{"id": i.CommandID, "name": i.CommandName, "type": 1}
		if len(i.Options) > 0 {
			d["options"] = i.Options
		}
		if !i.DM {
			d["guild_id"] = i.GuildID
		}
		return d
	case InteractionComponent:
		d := map[string]any{"custom_id": i.CustomID, "component_type": i.ComponentType}
		if i.ComponentType != ComponentButton {
			values := i.Values
			if values == nil {
				values = []string{}
			}
			d["values"] = values
		}
		return d
	case InteractionModalSubmit:
		ids := make([]string, 0, len(i.Fields))
		for id := range i.Fields {
			ids = append(ids, id)
		}
		slices.Sort(ids) // a stable order: Discord keeps the modal's
		rows := []any{}
		for _, id := range ids {
			rows = append(rows, map[string]any{"type": ComponentActionRow, "components": []any{
				map[string]any{"type": ComponentTextInput, "custom_id": id, "value": i.Fields[id]},
			}})
		}
		return map[string]any{"custom_id": i.CustomID, "components": rows}
	}
	return nil
}
