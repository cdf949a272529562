package discordtest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func vpsCommand() *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{
		Name: "vps", Description: "Run the VPS fleet",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "List servers"},
			{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "approval", Description: "Approvals",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "approve", Description: "Approve a request",
						Options: []*discordgo.ApplicationCommandOption{
							{Type: discordgo.ApplicationCommandOptionString, Name: "request", Description: "Request id", Required: true},
						}},
				}},
		},
	}
}

func TestBulkOverwritesAreStoredAndCounted(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	got, err := dg.ApplicationCommandBulkOverwrite(appID, guildID, []*discordgo.ApplicationCommand{vpsCommand()})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID == "" || got[0].GuildID != guildID || got[0].ApplicationID != appID {
		t.Fatalf("overwrite answered %+v", got)
	}
	again, err := dg.ApplicationCommandBulkOverwrite(appID, guildID, []*discordgo.ApplicationCommand{vpsCommand()})
	if err != nil || again[0].ID != got[0].ID {
		t.Fatalf("second overwrite: %v; a command keeps its id by name", err)
	}
	listed, err := dg.ApplicationCommands(appID, guildID)
	if err != nil || len(listed) != 1 || listed[0].Name != "vps" || len(listed[0].Options) != 2 {
		t.Fatalf("GET commands: %v, %+v", err, listed)
	}
	st := s.State()
	if st.Overwrites[guildID] != 2 || st.Overwrites[""] != 0 || len(st.Commands[guildID]) != 1 {
		t.Fatalf("overwrites %v, commands %v", st.Overwrites, st.Commands)
	}
	// A command interaction then carries the stored command's id.
	if i := s.Mint(Command("vps")); i.CommandID != got[0].ID {
		t.Fatalf("interaction command id %s, want %s", i.CommandID, got[0].ID)
	}
	if _, err := dg.ApplicationCommandBulkOverwrite(appID, "", nil); err != nil {
		t.Fatalf("global overwrite: %v", err)
	}
	if n := s.State().Overwrites[""]; n != 1 {
		t.Fatalf("global overwrites %d", n)
	}
}

func TestABrokenCommandIsRefusedWithItsField(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	bad := vpsCommand()
	bad.Name = "VPS"
	_, err := dg.ApplicationCommandBulkOverwrite(appID, guildID, []*discordgo.ApplicationCommand{bad})
	if _, code := restCode(err); code != CodeInvalidFormBody {
		t.Fatalf("upper-case name: %v, want %d", err, CodeInvalidFormBody)
	}
	var body struct {
		Errors map[string]map[string]json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(err.(*discordgo.RESTError).ResponseBody, &body) != nil || body.Errors["0"]["name"] == nil {
		t.Fatalf("errors object %s, want 0.name", err.(*discordgo.RESTError).ResponseBody)
	}
	if s.State().Overwrites[guildID] != 0 {
		t.Fatal("a refused overwrite was counted")
	}
}

func TestCheckCommands(t *testing.T) {
	opt := func(typ discordgo.ApplicationCommandOptionType, name string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: typ, Name: name, Description: "d", Required: required}
	}
	str := discordgo.ApplicationCommandOptionString
	sub := discordgo.ApplicationCommandOptionSubCommand
	group := discordgo.ApplicationCommandOptionSubCommandGroup
	many := func(n int) []*discordgo.ApplicationCommandOption {
		var os []*discordgo.ApplicationCommandOption
		for i := range n {
			os = append(os, opt(str, "o"+strings.Repeat("x", i%20)+string(rune('a'+i%26)), false))
		}
		return os
	}
	cases := []struct {
		name string
		cmd  func(c *discordgo.ApplicationCommand)
		want string // in the error; "" for a valid command
	}{
		{"valid", func(c *discordgo.ApplicationCommand) {}, ""},
		{"non-latin name", func(c *discordgo.ApplicationCommand) { c.Name = "सर्वर" }, ""},
		{"space in name", func(c *discordgo.ApplicationCommand) { c.Name = "my vps" }, "INVALID_NAME"},
		{"name over 32", func(c *discordgo.ApplicationCommand) { c.Name = strings.Repeat("v", 33) }, "INVALID_NAME"},
		{"no description", func(c *discordgo.ApplicationCommand) { c.Description = "" }, "BAD_LENGTH"},
		{"description over 100", func(c *discordgo.ApplicationCommand) { c.Description = strings.Repeat("d", 101) }, "BAD_LENGTH"},
		{"26 options", func(c *discordgo.ApplicationCommand) { c.Options = many(26) }, "0.options: Must be 25"},
		{"25 options", func(c *discordgo.ApplicationCommand) { c.Options = many(25) }, ""},
		{"required after optional", func(c *discordgo.ApplicationCommand) {
			c.Options = []*discordgo.ApplicationCommandOption{opt(str, "a", false), opt(str, "b", true)}
		}, "REQUIRED_INVALID"},
		{"26 choices", func(c *discordgo.ApplicationCommand) {
			o := opt(str, "a", false)
			for i := range 26 {
				o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: "c", Value: string(rune('a' + i))})
			}
			c.Options = []*discordgo.ApplicationCommandOption{o}
		}, "choices: Must be 25"},
		{"group in a group", func(c *discordgo.ApplicationCommand) {
			inner := opt(group, "inner", false)
			inner.Options = []*discordgo.ApplicationCommandOption{opt(sub, "s", false)}
			outer := opt(group, "outer", false)
			outer.Options = []*discordgo.ApplicationCommandOption{inner}
			c.Options = []*discordgo.ApplicationCommandOption{outer}
		}, "sits only under the command"},
		{"sub-command in a sub-command", func(c *discordgo.ApplicationCommand) {
			outer := opt(sub, "outer", false)
			outer.Options = []*discordgo.ApplicationCommandOption{opt(sub, "inner", false)}
			c.Options = []*discordgo.ApplicationCommandOption{outer}
		}, "cannot hold sub-commands"},
		{"sub-commands mixed with values", func(c *discordgo.ApplicationCommand) {
			c.Options = []*discordgo.ApplicationCommandOption{opt(sub, "s", false), opt(str, "v", false)}
		}, "cannot be mixed"},
		{"over 4000 characters", func(c *discordgo.ApplicationCommand) {
			// 25 options of 102 characters and 25 choices of 101: 5075.
			c.Options = nil
			for i := range 25 {
				o := opt(str, "o"+string(rune('a'+i)), false)
				o.Description = strings.Repeat("d", 100)
				c.Options = append(c.Options, o)
			}
			for j := range 25 {
				c.Options[0].Choices = append(c.Options[0].Choices,
					&discordgo.ApplicationCommandOptionChoice{Name: strings.Repeat("n", 100), Value: string(rune('a' + j))})
			}
		}, "TOO_LARGE"},
	}
	for _, tc := range cases {
		c := vpsCommand()
		tc.cmd(c)
		err := CheckCommands(rawJSON([]*discordgo.ApplicationCommand{c}))
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
