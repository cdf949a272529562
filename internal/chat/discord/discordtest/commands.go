package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits Discord enforces on application commands.
const (
	MaxCommandName        = 32
	MaxCommandDescription = 100
	MaxOptions            = 25 // per level
	MaxChoices            = 25
	MaxChoiceName         = 100
	MaxChoiceValue        = 100 // a string choice's value
	MaxCommandSize        = 4000
	MaxChatInputCommands  = 100
)

// commandName is Discord's documented pattern for CHAT_INPUT command and
// option names, which must also be lower case. Go's regexp names the
// scripts \p{Devanagari} and \p{Thai} where Discord writes \p{sc=Deva}
// and \p{sc=Thai}.
var commandName = regexp.MustCompile(`^[-_\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// Command types.
const (
	commandChatInput = 1
	commandUser      = 2
	commandMessage   = 3
)

type commandIn struct {
	Name        string     `json:"name"`
	Type        int        `json:"type"`
	Description string     `json:"description"`
	Options     []optionIn `json:"options"`
}

type optionIn struct {
	Type        int        `json:"type"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Required    bool       `json:"required"`
	Choices     []choiceIn `json:"choices"`
	Options     []optionIn `json:"options"`
}

type choiceIn struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// CheckCommands checks a bulk overwrite's body (a JSON array of
// application commands, as discordgo sends it) against the rules Discord
// refuses with 50035 Invalid Form Body, and names the first rule broken.
func CheckCommands(raw json.RawMessage) error {
	var cs []commandIn
	if err := json.Unmarshal(raw, &cs); err != nil {
		return fmt.Errorf("commands are not a JSON array of objects: %w", err)
	}
	return checkCommands(cs).err()
}

func checkCommands(cs []commandIn) problems {
	var ps problems
	seen := map[string]bool{}
	chat := 0
	for i, c := range cs {
		path := fmt.Sprint(i)
		typ := c.Type
		if typ == 0 {
			typ = commandChatInput
		}
		key := fmt.Sprint(typ, ":", c.Name)
		if seen[key] {
			ps.add(path+".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
		}
		seen[key] = true
		switch typ {
		case commandChatInput:
			chat++
			checkName(&ps, path+".name", c.Name)
			ps.between(path+".description", c.Description, 1, MaxCommandDescription)
			checkOptions(&ps, path+".options", c.Options, underCommand)
		case commandUser, commandMessage:
			ps.between(path+".name", c.Name, 1, MaxCommandName)
			if c.Description != "" || len(c.Options) > 0 {
				ps.add(path, "APPLICATION_COMMAND_INVALID_FIELDS", "User and message commands take no description or options")
			}
		default:
			ps.add(path+".type", "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
		}
		if commandSize(c) > MaxCommandSize {
			ps.add(path, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (%d)", MaxCommandSize)
		}
	}
	if chat > MaxChatInputCommands {
		ps.add("", "APPLICATION_COMMANDS_TOO_MANY", "Maximum number of application commands reached (%d)", MaxChatInputCommands)
	}
	return ps
}

// checkName checks a CHAT_INPUT command's or an option's name: the
// pattern, and lower case wherever a letter has a lower case.
func checkName(ps *problems, path, name string) {
	if !commandName.MatchString(name) || strings.ToLower(name) != name {
		ps.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
	}
}

// Where a level of options sits: under the command, a sub-command group
// or a sub-command.
const (
	underCommand = iota
	underGroup
	underSubCommand
)

// checkOptions checks one level of options. A group sits only under the
// command and holds only sub-commands; a sub-command sits under the
// command or a group and holds only values; sub-commands and groups do
// not mix with values on one level; required values come first.
func checkOptions(ps *problems, path string, os []optionIn, under int) {
	ps.maxItems(path, len(os), MaxOptions)
	subs, optional := 0, false
	for i, o := range os {
		p := at(path, i)
		checkName(ps, p+".name", o.Name)
		ps.between(p+".description", o.Description, 1, MaxCommandDescription)
		ps.maxItems(p+".choices", len(o.Choices), MaxChoices)
		for j, ch := range o.Choices {
			ps.between(at(p+".choices", j, "name"), ch.Name, 1, MaxChoiceName)
			if v, ok := ch.Value.(string); ok {
				ps.between(at(p+".choices", j, "value"), v, 1, MaxChoiceValue)
			}
		}
		switch {
		case o.Type == OptionSubCommandGroup:
			subs++
			if under != underCommand {
				ps.add(p+".type", "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "A sub-command group sits only under the command")
			}
			checkOptions(ps, p+".options", o.Options, underGroup)
		case o.Type == OptionSubCommand:
			subs++
			if under == underSubCommand {
				ps.add(p+".type", "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "A sub-command cannot hold sub-commands")
			}
			checkOptions(ps, p+".options", o.Options, underSubCommand)
		default:
			if under == underGroup {
				ps.add(p+".type", "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "A sub-command group holds only sub-commands")
			}
			if len(o.Options) > 0 {
				ps.add(p+".options", "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Only sub-commands and groups hold options")
			}
			if o.Required && optional {
				ps.add(path, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options")
			}
			optional = optional || !o.Required
		}
	}
	if subs > 0 && subs < len(os) {
		ps.add(path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Sub-commands and groups cannot be mixed with other options")
	}
}

// commandSize is what Discord counts against 4000 characters: the
// command's name and description and, through the whole option tree,
// every option's name and description and every choice's name and value.
func commandSize(c commandIn) int {
	n := utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(c.Description)
	var walk func([]optionIn)
	walk = func(os []optionIn) {
		for _, o := range os {
			n += utf8.RuneCountInString(o.Name) + utf8.RuneCountInString(o.Description)
			for _, ch := range o.Choices {
				n += utf8.RuneCountInString(ch.Name) + utf8.RuneCountInString(fmt.Sprint(ch.Value))
			}
			walk(o.Options)
		}
	}
	walk(c.Options)
	return n
}

// scopeLocked checks the application and guild a commands route names:
// 403 Missing Access for another application or a guild the bot is not in.
func (s *Server) scopeLocked(c call) (string, *answer) {
	guild := c.path("guild")
	if c.path("app") != s.opts.ApplicationID || (guild != "" && guild != s.opts.GuildID) {
		a := fail(http.StatusForbidden, CodeMissingAccess, "Missing Access")
		return "", &a
	}
	return guild, nil
}

// overwriteCommands is PUT .../commands: the whole set replaced, commands
// keeping their ids by name, as Discord does.
func (s *Server) overwriteCommands(c call) answer {
	scope, bad := s.scopeLocked(c)
	if bad != nil {
		return *bad
	}
	var in []commandIn
	var raws []map[string]any
	if !c.decode(&in) || !c.decode(&raws) {
		return fail(http.StatusBadRequest, CodeInvalidFormBody, "Invalid Form Body")
	}
	if ps := checkCommands(in); len(ps) > 0 {
		return ps.answer()
	}
	old := map[string]string{}
	for _, cmd := range s.st.commands[scope] {
		old[cmd.Name] = cmd.ID
	}
	stored := []StoredCommand{}
	out := []any{}
	for i, raw := range raws {
		id := old[in[i].Name]
		if id == "" {
			id = s.idLocked()
		}
		raw["id"] = id
		raw["application_id"] = s.opts.ApplicationID
		raw["version"] = s.idLocked()
		if raw["type"] == nil || raw["type"] == float64(0) {
			raw["type"] = commandChatInput
		}
		if scope != "" {
			raw["guild_id"] = scope
		}
		stored = append(stored, StoredCommand{ID: id, Name: in[i].Name, JSON: rawJSON(raw)})
		out = append(out, raw)
	}
	s.st.commands[scope] = stored
	s.st.overwrites[scope]++
	return ok(out)
}

// getCommands is GET .../commands: the stored set, [] when none.
func (s *Server) getCommands(c call) answer {
	scope, bad := s.scopeLocked(c)
	if bad != nil {
		return *bad
	}
	out := []json.RawMessage{}
	for _, cmd := range s.st.commands[scope] {
		out = append(out, cmd.JSON)
	}
	return ok(out)
}
