package discordtest

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestCheckMessage(t *testing.T) {
	row := func(cs ...discordgo.MessageComponent) discordgo.MessageComponent {
		return discordgo.ActionsRow{Components: cs}
	}
	button := func(id, label string) discordgo.MessageComponent {
		return discordgo.Button{CustomID: id, Label: label, Style: discordgo.PrimaryButton}
	}
	buttons := func(n int) []discordgo.MessageComponent {
		var bs []discordgo.MessageComponent
		for range n {
			bs = append(bs, button("b", "B"))
		}
		return bs
	}
	rows := func(n int) []discordgo.MessageComponent {
		var rs []discordgo.MessageComponent
		for range n {
			rs = append(rs, row(button("b", "B")))
		}
		return rs
	}
	fields := func(n int, name, value string) []*discordgo.MessageEmbedField {
		var fs []*discordgo.MessageEmbedField
		for range n {
			fs = append(fs, &discordgo.MessageEmbedField{Name: name, Value: value})
		}
		return fs
	}
	long := strings.Repeat
	cases := []struct {
		name string
		msg  discordgo.MessageSend
		want string // the path in the error; "" for a valid message
	}{
		{"plain", discordgo.MessageSend{Content: "hi"}, ""},
		{"content at 2000", discordgo.MessageSend{Content: long("x", 2000)}, ""},
		{"content over 2000", discordgo.MessageSend{Content: long("x", 2001)}, "content"},
		{"content of 2000 runes", discordgo.MessageSend{Content: long("é", 2000)}, ""},
		{"11 embeds", discordgo.MessageSend{Embeds: make([]*discordgo.MessageEmbed, 11)}, "embeds"},
		{"embed description over 4096", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: long("d", 4097)}}}, "embeds.0.description"},
		{"26 fields", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(26, "n", "v")}}}, "embeds.0.fields"},
		{"field name over 256", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(1, long("n", 257), "v")}}}, "embeds.0.fields.0.name"},
		{"field value over 1024", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(1, "n", long("v", 1025))}}}, "embeds.0.fields.0.value"},
		{"footer over 2048", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Footer: &discordgo.MessageEmbedFooter{Text: long("f", 2049)}}}}, "embeds.0.footer.text"},
		{"author over 256", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Author: &discordgo.MessageEmbedAuthor{Name: long("a", 257)}}}}, "embeds.0.author.name"},
		{"embeds over 6000 together", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{
			{Description: long("d", 4000)}, {Description: long("d", 2001)},
		}}, "embeds: Embed size"},
		{"5 rows of 5 buttons", discordgo.MessageSend{Components: []discordgo.MessageComponent{
			row(buttons(5)...), row(buttons(5)...), row(buttons(5)...), row(buttons(5)...), row(buttons(5)...),
		}}, ""},
		{"6 rows", discordgo.MessageSend{Components: rows(6)}, "components: Must be 5"},
		{"6 buttons in a row", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(buttons(6)...)}}, "components.0.components"},
		{"custom_id over 100", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(button(long("c", 101), "B"))}}, "components.0.components.0.custom_id"},
		{"label over 80", discordgo.MessageSend{Components: []discordgo.MessageComponent{row(button("c", long("l", 81)))}}, "components.0.components.0.label"},
		{"a button outside a row", discordgo.MessageSend{Components: []discordgo.MessageComponent{button("c", "B")}}, "components.0.type"},
		{"a text input in a message", discordgo.MessageSend{Components: []discordgo.MessageComponent{
			row(discordgo.TextInput{CustomID: "t", Label: "T", Style: discordgo.TextInputShort}),
		}}, "components.0.components.0.type"},
		{"a link button", discordgo.MessageSend{Components: []discordgo.MessageComponent{
			row(discordgo.Button{Label: "docs", Style: discordgo.LinkButton, URL: "https://example.org"}),
		}}, ""},
	}
	for _, tc := range cases {
		err := CheckMessage(rawJSON(tc.msg))
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCheckMessageRefusesUnknownComponentTypes(t *testing.T) {
	raw := []byte(`{"components":[{"type":17,"components":[{"type":10,"content":"x"}]}]}`)
	if err := CheckMessage(raw); err == nil || !strings.Contains(err.Error(), "17") {
		t.Fatalf("a Components V2 container: %v, want refused", err)
	}
}
