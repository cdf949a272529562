package discordtest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestACommandDecodesInDiscordgo(t *testing.T) {
	s, _ := start(t)
	i := Command("vps", SubCommandGroup("approval", SubCommand("deny", String("request", "r-1"), Integer("priority", 2), Boolean("quiet", true))))
	i.Roles = []string{"500"}
	di := interaction(t, s.Mint(i))
	if di.Type != discordgo.InteractionApplicationCommand || di.GuildID != guildID || di.ChannelID != general || di.AppID != appID {
		t.Fatalf("interaction %+v", di)
	}
	if di.Member == nil || di.Member.User.ID != DefaultUserID || len(di.Member.Roles) != 1 || di.User != nil {
		t.Fatalf("member %+v, user %+v", di.Member, di.User)
	}
	if di.AppPermissions == 0 || di.Locale != discordgo.EnglishUS || di.Token == "" || di.Version != 1 {
		t.Fatalf("permissions %d, locale %q, version %d", di.AppPermissions, di.Locale, di.Version)
	}
	d := di.ApplicationCommandData()
	deny := d.Options[0].Options[0]
	if d.Name != "vps" || d.Options[0].Name != "approval" || deny.Name != "deny" ||
		deny.Options[0].StringValue() != "r-1" || deny.Options[1].IntValue() != 2 || !deny.Options[2].BoolValue() {
		t.Fatalf("options %+v", d.Options)
	}
}

func TestADMHasAUserAndNoMember(t *testing.T) {
	s, _ := start(t)
	i := Command("vps")
	i.DM = true
	i.ChannelID = "600"
	di := interaction(t, s.Mint(i))
	if di.Member != nil || di.User == nil || di.User.ID != DefaultUserID || di.GuildID != "" {
		t.Fatalf("DM interaction: member %+v, user %+v, guild %q", di.Member, di.User, di.GuildID)
	}
}

func TestComponentAutocompleteAndModalDecode(t *testing.T) {
	s, _ := start(t)
	c := interaction(t, s.Mint(Component("approve:r-1", ComponentButton, "")))
	if d := c.MessageComponentData(); d.CustomID != "approve:r-1" || d.ComponentType != discordgo.ButtonComponent {
		t.Fatalf("component data %+v", d)
	}
	a := interaction(t, s.Mint(Autocomplete("vps", SubCommand("status", Focused(String("server", "fr"))))))
	if o := a.ApplicationCommandData().Options[0].Options[0]; !o.Focused || o.StringValue() != "fr" {
		t.Fatalf("focused option %+v", o)
	}
	m := interaction(t, s.Mint(ModalSubmit("deny:r-1", map[string]string{"reason": "not now"})))
	d := m.ModalSubmitData()
	input := d.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput)
	if d.CustomID != "deny:r-1" || input.CustomID != "reason" || input.Value != "not now" {
		t.Fatalf("modal data %+v", d)
	}
}

func TestAnUndecodableMessageFailsInDiscordgo(t *testing.T) {
	s, _ := start(t)
	i := Component("approve:r-1", ComponentButton, "")
	i.Message = UndecodableMessage(general, "700")
	i = s.Mint(i)
	if i.MessageID != "700" {
		t.Fatalf("message id %q, want it read from the message", i.MessageID)
	}
	var di discordgo.Interaction
	err := json.Unmarshal(i.JSON(), &di)
	if err == nil || !strings.Contains(err.Error(), "unknown component type") {
		t.Fatalf("decoding: %v, want discordgo's unknown component type", err)
	}
}
