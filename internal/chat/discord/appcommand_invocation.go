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
	cmd, r, opts, err := locate(reg, data)
	if err != nil {
		return "", nil, err
	}
	declared := map[string]commands.Arg{}
	for _, a := range offeredArgs(cmd) {
		declared[a.Name] = a
	}
	args := map[string]any{}
	for _, o := range opts {
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

// Focused reads an autocomplete interaction: the command, the argument
// being typed (AppCommand asks Discord to suggest only those of the kinds
// autocompleted names), and what has been typed of it so far, as raw
// text to match suggestions against, never to run.
func Focused(reg *commands.Registry, data discordgo.ApplicationCommandInteractionData) (command string, arg commands.Arg, typed string, err error) {
	cmd, r, opts, err := locate(reg, data)
	if err != nil {
		return "", commands.Arg{}, "", err
	}
	for _, o := range opts {
		if o == nil || !o.Focused {
			continue
		}
		for _, a := range offeredArgs(cmd) {
			if a.Name == o.Name && autocompleted(a.Kind) {
				s, _ := o.Value.(string)
				return cmd.Name, a, s, nil
			}
		}
		return "", commands.Arg{}, "", fault.Errorf(fault.Invalid, "/%s %s: option %s takes no suggestions", AppCommandName, r, safeName(o.Name))
	}
	return "", commands.Arg{}, "", fault.Errorf(fault.Invalid, "/%s %s: no option is being typed", AppCommandName, r)
}

// locate finds the registry command a /vps interaction names, and its
// options.
func locate(reg *commands.Registry, data discordgo.ApplicationCommandInteractionData) (*commands.Command, route, []*discordgo.ApplicationCommandInteractionDataOption, error) {
	var r route
	if data.Name != AppCommandName {
		return nil, r, nil, fault.Errorf(fault.Invalid, "unknown command /%s", safeName(data.Name))
	}
	cmds, at, err := routes(reg)
	if err != nil {
		return nil, r, nil, fault.Errorf(fault.Internal, "/%s cannot be mapped: %v", AppCommandName, err)
	}
	opts := data.Options
	if len(opts) != 1 || opts[0] == nil {
		return nil, r, nil, fault.Errorf(fault.Invalid, "/%s needs exactly one sub-command", AppCommandName)
	}
	if opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup {
		r.group = opts[0].Name
		opts = opts[0].Options
		if len(opts) != 1 || opts[0] == nil {
			return nil, r, nil, fault.Errorf(fault.Invalid, "/%s %s needs exactly one sub-command", AppCommandName, safeName(r.group))
		}
	}
	if opts[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return nil, r, nil, fault.Errorf(fault.Invalid, "/%s needs a sub-command", AppCommandName)
	}
	r.sub = opts[0].Name
	for _, c := range cmds {
		if at[c.Name] == r {
			return c, r, opts[0].Options, nil
		}
	}
	return nil, r, nil, fault.Errorf(fault.Invalid, "unknown command /%s %s", AppCommandName, safeName(r.String()))
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
