package discord

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/commands"
)

// AppCommandName is the one application command the bot registers.
const AppCommandName = "vps"

// What Discord enforces on an application command, as it documents them.
const (
	maxOptions        = 25   // sub-commands, groups or options at one level; choices of one option
	maxDescription    = 100  // a description, 1 to 100 characters
	maxChoiceText     = 100  // a choice's name and string value
	maxCommandText    = 4000 // names, descriptions and choice names and values of the whole command
	maxOptionLength   = commands.MaxValueLen
	appCommandSummary = "Run the VPS fleet: servers, power, reinstalls, approvals and the audit trail"
)

// optionName is what Discord takes as the name of a command or option:
// lower case (the pattern's letters must have no upper-case form).
var optionName = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

// AppCommand builds the /vps command from the registry: one sub-command
// per command a chat user may run (see routes for where each goes), with
// typed options from its arguments. It fails when the registry cannot be
// shown within Discord's rules (a name Discord refuses, too many entries),
// which a test of the builtin registry catches before any release.
func AppCommand(reg *commands.Registry) (*discordgo.ApplicationCommand, error) {
	cmds, at, err := routes(reg)
	if err != nil {
		return nil, err
	}
	top := map[string]*discordgo.ApplicationCommandOption{}
	var order []string
	add := func(name string, o *discordgo.ApplicationCommandOption) {
		if top[name] == nil {
			order = append(order, name)
		}
		top[name] = o
	}
	subsOf := map[string][]string{}
	for _, c := range cmds {
		sub, err := subCommand(c, at[c.Name].sub)
		if err != nil {
			return nil, err
		}
		r := at[c.Name]
		if r.group == "" {
			add(r.sub, sub)
			continue
		}
		g := top[r.group]
		if g == nil {
			g = &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: r.group}
			add(r.group, g)
		}
		g.Options = append(g.Options, sub)
		subsOf[r.group] = append(subsOf[r.group], r.sub)
	}
	cmd := &discordgo.ApplicationCommand{
		Type: discordgo.ChatApplicationCommand, Name: AppCommandName, Description: appCommandSummary,
	}
	for _, name := range order {
		o := top[name]
		if o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
			// A group says what it holds: "ptr: show, set, reset".
			o.Description = describe(name + ": " + strings.Join(subsOf[name], ", "))
			if len(o.Options) > maxOptions {
				return nil, fmt.Errorf("/%s %s would hold %d sub-commands, more than Discord's %d", AppCommandName, name, len(o.Options), maxOptions)
			}
		}
		cmd.Options = append(cmd.Options, o)
	}
	if n := commandText(cmd); n > maxCommandText {
		return nil, fmt.Errorf("/%s would hold %d characters of names, descriptions and choices, more than Discord's %d", AppCommandName, n, maxCommandText)
	}
	return cmd, nil
}

// subCommand is c as a sub-command named name.
func subCommand(c *commands.Command, name string) (*discordgo.ApplicationCommandOption, error) {
	if !optionName.MatchString(name) || strings.ToLower(name) != name {
		return nil, fmt.Errorf("command %q: %q is not a name Discord takes", c.Name, name)
	}
	sub := &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: describe(c.Summary),
	}
	args := offeredArgs(c)
	if len(args) > maxOptions {
		return nil, fmt.Errorf("command %q has %d arguments, more than Discord's %d options", c.Name, len(args), maxOptions)
	}
	// Discord wants the required options first; the order among each
	// kind stays the declaration's.
	sort.SliceStable(args, func(i, j int) bool { return args[i].Required && !args[j].Required })
	for _, a := range args {
		o, err := option(a)
		if err != nil {
			return nil, fmt.Errorf("command %q: %w", c.Name, err)
		}
		sub.Options = append(sub.Options, o)
	}
	return sub, nil
}

// option is one argument as a typed option.
func option(a commands.Arg) (*discordgo.ApplicationCommandOption, error) {
	if !optionName.MatchString(a.Name) || strings.ToLower(a.Name) != a.Name {
		return nil, fmt.Errorf("argument %q is not a name Discord takes", a.Name)
	}
	o := &discordgo.ApplicationCommandOption{
		Type: optionType(a.Kind), Name: a.Name, Description: describe(a.Help), Required: a.Required,
	}
	if o.Description == "-" {
		o.Description = describe(a.Name)
	}
	switch {
	case a.Kind == commands.KindInt:
		lo := float64(a.Min)
		o.MinValue = &lo
		if a.Max > 0 {
			o.MaxValue = float64(a.Max)
		}
	case a.Kind == commands.KindEnum:
		if len(a.Enum) > maxOptions {
			return nil, fmt.Errorf("argument %q has %d choices, more than Discord's %d", a.Name, len(a.Enum), maxOptions)
		}
		for _, e := range a.Enum {
			if e == "" || len(e) > maxChoiceText {
				return nil, fmt.Errorf("argument %q has a choice Discord refuses (empty or longer than %d)", a.Name, maxChoiceText)
			}
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: e, Value: e})
		}
	default:
		o.MaxLength = maxOptionLength
		o.Autocomplete = autocompleted(a.Kind)
	}
	return o, nil
}

// optionType is the Discord type of an argument's values. Every kind but
// whole numbers is text the runner validates, as it does chat text.
func optionType(k commands.Kind) discordgo.ApplicationCommandOptionType {
	if k == commands.KindInt {
		return discordgo.ApplicationCommandOptionInteger
	}
	return discordgo.ApplicationCommandOptionString
}

// autocompleted reports whether values of kind k are suggested as they
// are typed: servers, providers and request ids, which the runner can
// list for the person typing (Runner.Offered, the fleet, their requests).
// Image, ISO and snapshot names would cost a provider call per keystroke.
func autocompleted(k commands.Kind) bool {
	switch k {
	case commands.KindServer, commands.KindServerFilter, commands.KindProvider, commands.KindRequestID:
		return true
	}
	return false
}

// describe is s as a description Discord takes: one line of 1 to 100
// characters.
func describe(s string) string {
	s = oneLine(s)
	if s == "" {
		return "-"
	}
	return plainClip(s, maxDescription)
}

// commandText counts what Discord counts against a command's 4,000
// characters: the names and descriptions of the command and every option
// under it, and the names and values of their choices.
func commandText(cmd *discordgo.ApplicationCommand) int {
	n := textLen(cmd.Name) + textLen(cmd.Description)
	var walk func([]*discordgo.ApplicationCommandOption)
	walk = func(os []*discordgo.ApplicationCommandOption) {
		for _, o := range os {
			n += textLen(o.Name) + textLen(o.Description)
			for _, c := range o.Choices {
				n += textLen(c.Name) + textLen(fmt.Sprint(c.Value))
			}
			walk(o.Options)
		}
	}
	walk(cmd.Options)
	return n
}

// AppCommandHash is a stable digest of what cmd registers: its name,
// description, type, permissions and options, without the ids and version
// Discord gives a registered command. Keep the hash of the last
// registration and register again only when it changes.
func AppCommandHash(cmd *discordgo.ApplicationCommand) string {
	c := *cmd
	c.ID, c.ApplicationID, c.GuildID, c.Version = "", "", "", ""
	b, err := json.Marshal(c)
	if err != nil {
		// Only a value JSON cannot hold (a choice value of a func type)
		// fails, never in a command AppCommand built.
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
