package discord

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

func TestAppCommandGolden(t *testing.T) {
	cmd, err := AppCommand(commands.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "appcommand.json"), goldenJSON(t, cmd))
}

// checkAppCommand reports every rule of Discord's that cmd breaks.
func checkAppCommand(cmd *discordgo.ApplicationCommand) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	name := func(where, n string) {
		if !optionName.MatchString(n) || strings.ToLower(n) != n {
			fail("%s: name %q is not lower case ^[-_\\p{L}\\p{N}]{1,32}$", where, n)
		}
	}
	desc := func(where, d string) {
		if n := textLen(d); n < 1 || n > maxDescription {
			fail("%s: description has %d characters, want 1 to %d", where, n, maxDescription)
		}
	}
	name("/", cmd.Name)
	desc("/"+cmd.Name, cmd.Description)
	if n := commandText(cmd); n > maxCommandText {
		fail("the command holds %d characters, more than %d", n, maxCommandText)
	}
	// level checks one level of options: depth 0 holds sub-commands and
	// groups, a group holds sub-commands, a sub-command holds values.
	var level func(where string, os []*discordgo.ApplicationCommandOption, inGroup bool)
	level = func(where string, os []*discordgo.ApplicationCommandOption, inGroup bool) {
		if len(os) > maxOptions {
			fail("%s: %d options, more than %d", where, len(os), maxOptions)
		}
		names, optional := map[string]bool{}, false
		for _, o := range os {
			at := where + " " + o.Name
			name(at, o.Name)
			desc(at, o.Description)
			if names[o.Name] {
				fail("%s: name used twice", at)
			}
			names[o.Name] = true
			switch o.Type {
			case discordgo.ApplicationCommandOptionSubCommandGroup:
				if inGroup || strings.Count(where, " ") > 0 {
					fail("%s: a group nested below the top level", at)
				}
				if len(o.Options) == 0 {
					fail("%s: an empty group", at)
				}
				for _, s := range o.Options {
					if s.Type != discordgo.ApplicationCommandOptionSubCommand {
						fail("%s %s: a group holds only sub-commands", at, s.Name)
					}
				}
				level(at, o.Options, true)
			case discordgo.ApplicationCommandOptionSubCommand:
				for _, v := range o.Options {
					if v.Type == discordgo.ApplicationCommandOptionSubCommand || v.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
						fail("%s %s: a sub-command holds only values", at, v.Name)
					}
				}
				level(at, o.Options, inGroup)
			default:
				if strings.Count(where, " ") == 0 {
					fail("%s: a value at the top level beside sub-commands", at)
				}
				if o.Required && optional {
					fail("%s: required after an optional option", at)
				}
				optional = optional || !o.Required
				if len(o.Choices) > maxOptions {
					fail("%s: %d choices, more than %d", at, len(o.Choices), maxOptions)
				}
				if len(o.Choices) > 0 && o.Autocomplete {
					fail("%s: both choices and autocomplete", at)
				}
				for _, c := range o.Choices {
					v, _ := c.Value.(string)
					if n := textLen(c.Name); n < 1 || n > maxChoiceText || v == "" || textLen(v) > maxChoiceText {
						fail("%s: choice %q breaks the 1 to %d characters of a choice", at, c.Name, maxChoiceText)
					}
				}
				if o.MaxLength > 6000 {
					fail("%s: max_length %d, more than 6000", at, o.MaxLength)
				}
			}
		}
	}
	level("/"+cmd.Name, cmd.Options, false)
	return bad
}

func TestAppCommandKeepsDiscordsRules(t *testing.T) {
	cmd, err := AppCommand(commands.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range checkAppCommand(cmd) {
		t.Error(b)
	}
}

// The checker itself catches what it is there for.
func TestCheckAppCommandCatchesEachRule(t *testing.T) {
	sub := func(opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "s", Description: "d", Options: opts}
	}
	str := func(name string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: "d", Required: required}
	}
	many := func(n int) []*discordgo.ApplicationCommandOption {
		out := make([]*discordgo.ApplicationCommandOption, n)
		for i := range out {
			out[i] = str(fmt.Sprintf("o%d", i), false)
		}
		return out
	}
	long := strings.Repeat("x", 101)
	for name, opts := range map[string][]*discordgo.ApplicationCommandOption{
		"upper case":          {sub(str("Server", true))},
		"space in name":       {sub(str("two words", true))},
		"long description":    {{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "s", Description: long}},
		"empty description":   {{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "s"}},
		"required after":      {sub(str("a", false), str("b", true))},
		"26 options":          {sub(many(26)...)},
		"value at top":        {str("a", true)},
		"sub in sub":          {sub(sub())},
		"group in group":      {{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "g", Description: "d", Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "h", Description: "d"}}}},
		"choices and suggest": {sub(&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "a", Description: "d", Autocomplete: true, Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "x", Value: "x"}}})},
		"4001 characters": {sub(str("a", true)), {Type: discordgo.ApplicationCommandOptionSubCommand, Name: "t", Description: strings.Repeat("d", 100), Options: func() []*discordgo.ApplicationCommandOption {
			o := many(25)
			for _, x := range o {
				x.Description = strings.Repeat("d", 100)
				x.Name = strings.Repeat("n", 32)[:30] + x.Name[len(x.Name)-2:]
			}
			return o
		}()}, {Type: discordgo.ApplicationCommandOptionSubCommand, Name: "u", Description: strings.Repeat("d", 100), Options: func() []*discordgo.ApplicationCommandOption {
			o := many(25)
			for _, x := range o {
				x.Description = strings.Repeat("d", 100)
			}
			return o
		}()}},
	} {
		cmd := &discordgo.ApplicationCommand{Name: "vps", Description: "d", Options: opts}
		if len(checkAppCommand(cmd)) == 0 {
			t.Errorf("%s: the checker passed it", name)
		}
	}
}

// find is the sub-command at r in cmd, or nil.
func find(cmd *discordgo.ApplicationCommand, r route) *discordgo.ApplicationCommandOption {
	os := cmd.Options
	if r.group != "" {
		os = nil
		for _, o := range cmd.Options {
			if o.Name == r.group && o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
				os = o.Options
			}
		}
	}
	for _, o := range os {
		if o.Name == r.sub && o.Type == discordgo.ApplicationCommandOptionSubCommand {
			return o
		}
	}
	return nil
}

// sampleValue is a value of a's type, as Discord would send it.
func sampleValue(a commands.Arg) any {
	switch a.Kind {
	case commands.KindInt:
		return a.Min + 1
	case commands.KindEnum:
		return a.Enum[len(a.Enum)-1]
	}
	return "value-of-" + a.Name
}

// interaction is what Discord sends when cmd is run at r with every
// offered argument, through JSON as the gateway delivers it.
func interaction(t *testing.T, r route, c *commands.Command) discordgo.ApplicationCommandInteractionData {
	t.Helper()
	sub := &discordgo.ApplicationCommandInteractionDataOption{Name: r.sub, Type: discordgo.ApplicationCommandOptionSubCommand}
	for _, a := range offeredArgs(c) {
		sub.Options = append(sub.Options, &discordgo.ApplicationCommandInteractionDataOption{Name: a.Name, Type: optionType(a.Kind), Value: sampleValue(a)})
	}
	top := sub
	if r.group != "" {
		top = &discordgo.ApplicationCommandInteractionDataOption{Name: r.group, Type: discordgo.ApplicationCommandOptionSubCommandGroup, Options: []*discordgo.ApplicationCommandInteractionDataOption{sub}}
	}
	raw, err := json.Marshal(discordgo.ApplicationCommandInteractionData{ID: "1", Name: AppCommandName, Options: []*discordgo.ApplicationCommandInteractionDataOption{top}})
	if err != nil {
		t.Fatal(err)
	}
	var data discordgo.ApplicationCommandInteractionData
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	return data
}

// roundTrip checks that every command of reg a chat user can run is
// reachable in the command AppCommand builds, with an option for each
// argument, and comes back from Invocation with its arguments.
func roundTrip(t *testing.T, reg *commands.Registry) *discordgo.ApplicationCommand {
	t.Helper()
	cmd, err := AppCommand(reg)
	if err != nil {
		t.Fatal(err)
	}
	_, at, err := routes(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range reg.All() {
		if _, out := notInChat[c.Name]; out {
			continue
		}
		r, ok := at[c.Name]
		sub := find(cmd, r)
		if !ok || sub == nil {
			t.Errorf("%q is not reachable under /%s", c.Name, AppCommandName)
			continue
		}
		offered := offeredArgs(c)
		if len(sub.Options) != len(offered) {
			t.Errorf("/%s %s has %d options for %d arguments", AppCommandName, r, len(sub.Options), len(offered))
		}
		name, args, err := Invocation(reg, interaction(t, r, c))
		if err != nil {
			t.Errorf("/%s %s: %v", AppCommandName, r, err)
			continue
		}
		want := map[string]any{}
		for _, a := range offered {
			want[a.Name] = sampleValue(a)
		}
		if name != c.Name || !reflect.DeepEqual(args, want) {
			t.Errorf("/%s %s came back as %q %v, want %q %v", AppCommandName, r, name, args, c.Name, want)
		}
		// The sample values need not be valid, but the names must be
		// the command's own, with every required one there.
		if _, err := c.Validate(args); err != nil && (strings.Contains(err.Error(), "unknown argument") || strings.Contains(err.Error(), "missing")) {
			t.Errorf("%q does not take the arguments Invocation gives: %v", c.Name, err)
		}
	}
	return cmd
}

func TestEveryChatCommandIsReachableAndRoundTrips(t *testing.T) {
	cmd := roundTrip(t, commands.Builtin())
	for r, want := range map[route]string{
		{sub: "reboot"}:               "reboot",
		{group: "iso", sub: "mount"}:  "iso mount",
		{group: "ptr", sub: "show"}:   "ptr",
		{group: "ptr", sub: "set"}:    "ptr set",
		{group: "audit", sub: "show"}: "audit",
	} {
		if find(cmd, r) == nil {
			t.Errorf("%s is not at /%s %s", want, AppCommandName, r)
		}
	}
}

func TestLeftOutOfChat(t *testing.T) {
	reg := commands.Builtin()
	cmd, err := AppCommand(reg)
	if err != nil {
		t.Fatal(err)
	}
	for name := range notInChat {
		if reg.Lookup(name) == nil {
			t.Errorf("notInChat names %q, which the registry no longer has", name)
		}
		for _, o := range cmd.Options {
			if o.Name == name {
				t.Errorf("/%s %s is offered, but %s is left out of chat", AppCommandName, name, name)
			}
		}
	}
	export := find(cmd, route{"audit", "export"})
	for _, o := range export.Options {
		if o.Name == "file" {
			t.Errorf("/%s audit export offers file, a path on the bot's host", AppCommandName)
		}
	}
	_, _, err = Invocation(reg, discordgo.ApplicationCommandInteractionData{Name: AppCommandName, Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "audit", Type: discordgo.ApplicationCommandOptionSubCommandGroup, Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "export", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "file", Type: discordgo.ApplicationCommandOptionString, Value: "/etc/passwd"}}}}}}})
	if fault.ClassOf(err) != fault.Invalid {
		t.Errorf("a file given to /%s audit export: %v, want it refused", AppCommandName, err)
	}
}

func TestAppCommandOptions(t *testing.T) {
	cmd, err := AppCommand(commands.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	reinstall := find(cmd, route{sub: "reinstall"})
	var names []string
	for _, o := range reinstall.Options {
		names = append(names, o.Name)
	}
	if strings.Join(names, " ") != "server image password" || !reinstall.Options[0].Autocomplete || reinstall.Options[1].Autocomplete {
		t.Errorf("reinstall options %v: want server (suggested), image, password", names)
	}
	list := find(cmd, route{sub: "list"})
	status := list.Options[1]
	if status.Name != "status" || len(status.Choices) != 2 || status.Choices[0].Value != "running" || status.Autocomplete {
		t.Errorf("list status= is %+v, want the choices running and stopped", status)
	}
	limit := find(cmd, route{"audit", "show"}).Options[3]
	if limit.Type != discordgo.ApplicationCommandOptionInteger || limit.MinValue == nil || *limit.MinValue != 1 || limit.MaxValue != 500 {
		t.Errorf("audit limit= is %+v, want an integer from 1 to 500", limit)
	}
	deny := find(cmd, route{sub: "deny"})
	if !deny.Options[0].Required || !deny.Options[0].Autocomplete || deny.Options[1].Required {
		t.Errorf("deny: want a required, suggested id, then an optional reason")
	}
}

func TestInvocationRefusesWhatIsNotDeclared(t *testing.T) {
	reg := commands.Builtin()
	o := func(name string, typ discordgo.ApplicationCommandOptionType, value any, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Value: value, Options: opts}
	}
	const (
		sub   = discordgo.ApplicationCommandOptionSubCommand
		group = discordgo.ApplicationCommandOptionSubCommandGroup
		str   = discordgo.ApplicationCommandOptionString
		num   = discordgo.ApplicationCommandOptionInteger
	)
	secret := "hunter2-is-my-password"
	for name, data := range map[string]discordgo.ApplicationCommandInteractionData{
		"other command":     {Name: "admin", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("reboot", sub, nil)}},
		"no sub-command":    {Name: "vps"},
		"two sub-commands":  {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("list", sub, nil), o("whoami", sub, nil)}},
		"a value on top":    {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("server", str, "x")}},
		"unknown sub":       {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("format", sub, nil)}},
		"left out":          {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("confirm", sub, nil, o("id", str, "r-abcd"))}},
		"unknown group":     {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("disk", group, nil, o("wipe", sub, nil))}},
		"empty group":       {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("iso", group, nil)}},
		"group as sub":      {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("iso", sub, nil)}},
		"ptr by its word":   {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("ptr", sub, nil, o("server", str, "x"))}},
		"unknown option":    {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("reboot", sub, nil, o("force", str, "yes"))}},
		"option twice":      {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("reboot", sub, nil, o("server", str, "a"), o("server", str, "b"))}},
		"number for string": {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("reinstall", sub, nil, o("server", str, "a"), o("image", str, "b"), o("password", num, 12345678.0))}},
		"string for number": {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("audit", group, nil, o("show", sub, nil, o("limit", num, "ten")))}},
		"not whole":         {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("audit", group, nil, o("show", sub, nil, o("limit", num, 2.5)))}},
		"secret mistyped":   {Name: "vps", Options: []*discordgo.ApplicationCommandInteractionDataOption{o("reinstall", sub, nil, o("server", str, "a"), o("image", str, "b"), o("password", num, secret))}},
	} {
		_, _, err := Invocation(reg, data)
		var f *fault.Error
		switch {
		case err == nil:
			t.Errorf("%s: accepted", name)
		case !errors.As(err, &f) || fault.ClassOf(err) != fault.Invalid:
			t.Errorf("%s: %v is not fault.Invalid", name, err)
		case strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), secret):
			t.Errorf("%s: %q is not one line naming no value", name, err)
		}
	}
}

// A registry past 25 top-level entries folds its one-word commands into
// groups by domain, and still keeps every rule and round trip.
func TestFoldsByDomainPastTwentyFive(t *testing.T) {
	cmds := commands.Builtin().All()
	for _, n := range []string{"rename", "resize", "backup", "firewall", "tags", "metrics"} {
		cmds = append(cmds, &commands.Command{Name: n, Summary: "A new " + n, Permission: "server.read",
			Args: []commands.Arg{{Name: "server", Kind: commands.KindServer, Required: true, Positional: true, Help: "server"}}})
	}
	reg, err := commands.NewRegistry(cmds)
	if err != nil {
		t.Fatal(err)
	}
	cmd := roundTrip(t, reg)
	for _, b := range checkAppCommand(cmd) {
		t.Error(b)
	}
	for r, want := range map[route]string{
		{"server", "reboot"}:      "reboot",
		{"server", "rename"}:      "rename",
		{"general", "help"}:       "help",
		{"audit", "show"}:         "audit",
		{"iso", "mount"}:          "iso mount",
		{"provider", "providers"}: "providers",
	} {
		if find(cmd, r) == nil {
			t.Errorf("%s is not at /%s %s", want, AppCommandName, r)
		}
	}
}

func TestAppCommandRefusesWhatDiscordWould(t *testing.T) {
	server := commands.Arg{Name: "server", Kind: commands.KindServer, Required: true, Positional: true, Help: "server"}
	for name, cmds := range map[string][]*commands.Command{
		"upper-case word": {{Name: "Reboot", Summary: "s"}},
		"upper-case arg":  {{Name: "reboot", Summary: "s", Args: []commands.Arg{{Name: "Server", Kind: commands.KindServer}}}},
		"three words":     {{Name: "iso mount now", Summary: "s"}},
		"show taken":      {{Name: "ptr", Summary: "s", Args: []commands.Arg{server}}, {Name: "ptr show", Summary: "s"}},
		"26 enum choices": {{Name: "pick", Summary: "s", Args: []commands.Arg{{Name: "one", Kind: commands.KindEnum, Enum: strings.Fields(strings.Repeat("x ", 26))}}}},
	} {
		reg, err := commands.NewRegistry(cmds)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := AppCommand(reg); err == nil {
			t.Errorf("%s: built", name)
		}
	}
}

func TestAppCommandHash(t *testing.T) {
	a, err := AppCommand(commands.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := AppCommand(commands.Builtin())
	if AppCommandHash(a) != AppCommandHash(b) || len(AppCommandHash(a)) != 64 {
		t.Fatalf("two builds hash apart: %s, %s", AppCommandHash(a), AppCommandHash(b))
	}
	registered := *b
	registered.ID, registered.ApplicationID, registered.Version = "111", "222", "333"
	if AppCommandHash(&registered) != AppCommandHash(a) {
		t.Errorf("the ids Discord gives a registered command change its hash")
	}
	b.Options[0].Options[0].Description = "changed"
	if AppCommandHash(a) == AppCommandHash(b) {
		t.Errorf("a changed option description keeps the hash")
	}
}

func TestFocused(t *testing.T) {
	reg := commands.Builtin()
	data := discordgo.ApplicationCommandInteractionData{Name: AppCommandName, Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: "iso", Type: discordgo.ApplicationCommandOptionSubCommandGroup, Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "mount", Type: discordgo.ApplicationCommandOptionSubCommand, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: "server", Type: discordgo.ApplicationCommandOptionString, Value: "demo-f", Focused: true},
				{Name: "iso", Type: discordgo.ApplicationCommandOptionString, Value: ""}}}}}}}
	cmd, arg, typed, err := Focused(reg, data)
	if err != nil || cmd != "iso mount" || arg.Name != "server" || arg.Kind != commands.KindServer || typed != "demo-f" {
		t.Fatalf("Focused = %q %q %q %v, want iso mount, server, demo-f", cmd, arg.Name, typed, err)
	}
	sub := data.Options[0].Options[0]
	sub.Options[0].Focused, sub.Options[1].Focused = false, true
	if _, _, _, err := Focused(reg, data); fault.ClassOf(err) != fault.Invalid {
		t.Errorf("an ISO name is not suggested, yet Focused answered: %v", err)
	}
	sub.Options[1].Focused = false
	if _, _, _, err := Focused(reg, data); fault.ClassOf(err) != fault.Invalid {
		t.Errorf("nothing focused, yet Focused answered: %v", err)
	}
}
