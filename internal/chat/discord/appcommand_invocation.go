package discord

import (
	"math"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// Invocation maps a /vps interaction back to the registry: the command's
// name and its arguments as Runner.Run takes them in Request.Command and
// Request.Args (as MCP passes them: strings, and whole numbers). It checks
// the shape only, never a value: the runner validates values the same way
// for every source. Anything that is not a /vps sub-command and its
// options, as AppCommand declared them, is a fault.Invalid error of one
// line that names no value (a value may be a password).
func Invocation(reg *commands.Registry, data discordgo.ApplicationCommandInteractionData) (string, map[string]any, error) {
	if data.Name != AppCommandName {
		return "", nil, fault.Errorf(fault.Invalid, "unknown command /%s", safeName(data.Name))
	}
	cmds, at, err := routes(reg)
	if err != nil {
		return "", nil, fault.Errorf(fault.Internal, "/%s cannot be mapped: %v", AppCommandName, err)
	}
	byRoute := make(map[route]*commands.Command, len(cmds))
	for _, c := range cmds {
		byRoute[at[c.Name]] = c
	}

	opts, r := data.Options, route{}
	if len(opts) != 1 || opts[0] == nil {
		return "", nil, fault.Errorf(fault.Invalid, "/%s needs exactly one sub-command", AppCommandName)
	}
	if opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup {
		r.group = opts[0].Name
		opts = opts[0].Options
		if len(opts) != 1 || opts[0] == nil {
			return "", nil, fault.Errorf(fault.Invalid, "/%s %s needs exactly one sub-command", AppCommandName, safeName(r.group))
		}
	}
	if opts[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return "", nil, fault.Errorf(fault.Invalid, "/%s needs a sub-command", AppCommandName)
	}
	r.sub = opts[0].Name
	cmd := byRoute[r]
	if cmd == nil {
		return "", nil, fault.Errorf(fault.Invalid, "unknown command /%s %s", AppCommandName, safeName(r.String()))
	}

	declared := map[string]commands.Arg{}
	for _, a := range offeredArgs(cmd) {
		declared[a.Name] = a
	}
	args := map[string]any{}
	for _, o := range opts[0].Options {
		if o == nil {
			continue
		}
		a, ok := declared[o.Name]
		if !ok {
			return "", nil, fault.Errorf(fault.Invalid, "/%s %s has no option %s", AppCommandName, r, safeName(o.Name))
		}
		if _, dup := args[a.Name]; dup {
			return "", nil, fault.Errorf(fault.Invalid, "/%s %s: option %s given twice", AppCommandName, r, a.Name)
		}
		v, ok := optionValue(a, o)
		if !ok {
			return "", nil, fault.Errorf(fault.Invalid, "/%s %s: option %s is not a %s", AppCommandName, r, a.Name, typeWord(optionType(a.Kind)))
		}
		args[a.Name] = v
	}
	return cmd.Name, args, nil
}

// optionValue is o's value as the runner takes it for a: a string, or an
// int for a whole number. Discord's JSON gives numbers as float64.
func optionValue(a commands.Arg, o *discordgo.ApplicationCommandInteractionDataOption) (any, bool) {
	if o.Type != optionType(a.Kind) {
		return nil, false
	}
	switch v := o.Value.(type) {
	case string:
		return v, o.Type == discordgo.ApplicationCommandOptionString
	case float64:
		if o.Type != discordgo.ApplicationCommandOptionInteger || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return nil, false
		}
		return int(v), true
	case int:
		return v, o.Type == discordgo.ApplicationCommandOptionInteger
	case int64:
		return int(v), o.Type == discordgo.ApplicationCommandOptionInteger
	}
	return nil, false
}

func typeWord(t discordgo.ApplicationCommandOptionType) string {
	if t == discordgo.ApplicationCommandOptionInteger {
		return "whole number"
	}
	return "string"
}

// safeName is a name from an interaction as an error may quote it: a
// name is never secret, but it is the sender's text, so it is cleaned and
// cut.
func safeName(s string) string { return plainClip(oneLine(s), 64) }
