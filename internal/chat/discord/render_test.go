package discord

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// ours are the only "<...>" sequences a message may show unescaped: a
// mention made by Mention, and a time written by relativeTime or fullTime.
var ours = regexp.MustCompile(`^<(@[0-9]{1,20}|t:-?[0-9]+:[Rf])>`)

// markdownTexts is every text of msg that Discord reads as markdown:
// content, titles, descriptions and fields. (Footers and labels show no
// markdown.)
func markdownTexts(msg Message) []string {
	out := []string{msg.Content}
	for _, e := range msg.Embeds {
		out = append(out, e.Title, e.Description)
		for _, f := range e.Fields {
			out = append(out, f.Name, f.Value)
		}
	}
	return out
}

// allTexts is every text of msg a reader sees.
func allTexts(msg Message) []string {
	out := markdownTexts(msg)
	for _, e := range msg.Embeds {
		if e.Footer != nil {
			out = append(out, e.Footer.Text)
		}
	}
	for _, b := range messageButtons(msg) {
		out = append(out, b.Label, b.CustomID)
	}
	return out
}

// unescapedMarkup finds, outside code, a character of Discord markdown
// that could format, link or name someone and is not escaped, other than
// the markup the renderer writes itself (bold, italics, code, ours). It
// returns where it starts, or "".
func unescapedMarkup(s string) string {
	lineStart, digits := true, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next := i + size
		switch {
		case r == '\\':
			_, n := utf8.DecodeRuneInString(s[next:])
			next += n
		case strings.HasPrefix(s[i:], "```"):
			end := strings.Index(s[i+3:], "```")
			if end < 0 {
				return s[i:]
			}
			next = i + 3 + end + 3
		case r == '`':
			end := strings.IndexByte(s[next:], '`')
			if end < 0 {
				return s[i:]
			}
			next += end + 1
		case r == '<':
			m := ours.FindString(s[i:])
			if m == "" {
				return s[i:]
			}
			next = i + len(m)
		case strings.ContainsRune("[]|~_>", r),
			lineStart && strings.ContainsRune("#-+", r),
			digits && r == '.' && (next == len(s) || s[next] == ' '):
			return s[i:]
		}
		digits = (lineStart || digits) && r >= '0' && r <= '9'
		lineStart = r == '\n' || (lineStart && r == ' ')
		i = next
	}
	return ""
}

// assertNothingUnescaped fails when a markdown text of msg holds markup
// the renderer did not write, or when anything but the requester could be
// pinged.
func assertNothingUnescaped(t testing.TB, msg Message) {
	t.Helper()
	for _, s := range markdownTexts(msg) {
		if bad := unescapedMarkup(s); bad != "" {
			t.Fatalf("unescaped %q in %q", bad[:min(len(bad), 12)], s)
		}
	}
	if am := msg.AllowedMentions; am == nil || len(am.Parse) > 0 || len(am.Roles) > 0 || len(am.Users) > 1 {
		t.Fatalf("allowed mentions %+v let more than the requester be pinged", am)
	}
}

// messageButtons is every button of msg.
func messageButtons(msg Message) []discordgo.Button {
	var out []discordgo.Button
	for _, c := range msg.Components {
		for _, b := range c.(discordgo.ActionsRow).Components {
			out = append(out, b.(discordgo.Button))
		}
	}
	return out
}

func TestRequestButtonsCarryOnlyTheActionAndRequestID(t *testing.T) {
	for _, c := range []struct {
		name   string
		reply  chat.Reply
		labels []string
		styles []discordgo.ButtonStyle
	}{
		{"confirm", renderView(t, renderRequest(approval.Confirming, nil), renderRequester), []string{"Confirm", "Cancel"}, []discordgo.ButtonStyle{discordgo.DangerButton, discordgo.SecondaryButton}},
		{"approval", renderView(t, renderRequest(approval.Pending, nil), renderApprover), []string{"Approve", "Deny"}, []discordgo.ButtonStyle{discordgo.DangerButton, discordgo.SecondaryButton}},
		{"withdraw", renderView(t, renderRequest(approval.Pending, nil), renderRequester), []string{"Withdraw"}, []discordgo.ButtonStyle{discordgo.SecondaryButton}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := c.reply.View
			bs := messageButtons(Render(c.reply))
			if len(bs) != len(v.Actions) || len(bs) != len(c.labels) {
				t.Fatalf("%d buttons for %d actions, want %d", len(bs), len(v.Actions), len(c.labels))
			}
			for i, b := range bs {
				a := v.Actions[i]
				if want := "vps:" + string(a.ID) + ":" + v.ID; b.CustomID != want {
					t.Errorf("button %q carries %q, want %q: the action and the request id alone", a.Label, b.CustomID, want)
				}
				got, err := chat.DecodeButton(b.CustomID)
				if err != nil || got != chat.ActionButton(a.ID, v.ID) {
					t.Errorf("button %q reads back as %+v (%v), want %s on %s", a.Label, got, err, a.ID, v.ID)
				}
				if b.Label != c.labels[i] || b.Style != c.styles[i] {
					t.Errorf("button %d is %q styled %d, want %q styled %d", i, b.Label, b.Style, c.labels[i], c.styles[i])
				}
			}
		})
	}
	if bs := messageButtons(Render(renderView(t, renderRequest(approval.Succeeded, renderSucceeded), renderApprover))); len(bs) != 0 {
		t.Errorf("a finished request shows %d buttons, want none", len(bs))
	}
}

func TestPageButtonsCarryOnlyThePage(t *testing.T) {
	long := renderServers(187)
	for index, want := range map[int][]chat.Button{
		0: {chat.PageButton("k7", 1)},
		2: {chat.PageButton("k7", 1), chat.PageButton("k7", 3)},
		4: {chat.PageButton("k7", 3)},
	} {
		bs := messageButtons(Render(chat.Reply{Result: long, Page: chat.Page{Token: "k7", Index: index}}))
		if len(bs) != len(want) {
			t.Fatalf("page %d: %d buttons, want %d", index, len(bs), len(want))
		}
		for i, b := range bs {
			if b.CustomID != want[i].Encode() {
				t.Errorf("page %d button %d carries %q, want %q", index, i, b.CustomID, want[i].Encode())
			}
		}
	}
	if bs := messageButtons(Render(chat.Reply{Result: long})); len(bs) != 0 {
		t.Errorf("without a token: %d page buttons, want none", len(bs))
	}
	if bs := messageButtons(Render(chat.Reply{Result: renderServers(3), Page: chat.Page{Token: "k7"}})); len(bs) != 0 {
		t.Errorf("one page: %d page buttons, want none", len(bs))
	}
	token := strings.Repeat("t", MaxCustomID) // no custom_id can carry it
	if bs := messageButtons(Render(chat.Reply{Result: long, Page: chat.Page{Token: token}})); len(bs) != 0 {
		t.Errorf("a token too long to carry: %d page buttons, want none", len(bs))
	}
}

// tableRows are the rows of the code blocks of msg, header lines left out.
func tableRows(msg Message, header string) []string {
	var rows []string
	for _, e := range msg.Embeds {
		_, block, ok := strings.Cut(e.Description, codeFence+"\n")
		if !ok {
			continue
		}
		block, _, _ = strings.Cut(block, "\n"+codeFence)
		for _, l := range strings.Split(block, "\n") {
			if l != header {
				rows = append(rows, l)
			}
		}
	}
	return rows
}

func TestPagesShowEveryRowOnce(t *testing.T) {
	long := renderServers(187)
	g := gridOf(long.Table)
	var seen []string
	for i := range 5 {
		msg := Render(chat.Reply{Result: long, Page: chat.Page{Token: "k7", Index: i}})
		seen = append(seen, tableRows(msg, g.Header)...)
	}
	if strings.Join(seen, "\n") != strings.Join(g.Rows, "\n") {
		t.Fatalf("5 pages show %d rows, want the table's %d in order", len(seen), len(g.Rows))
	}
	if got := tableRows(Render(chat.Reply{Result: long, Page: chat.Page{Token: "k7", Index: 99}}), g.Header); got[0] != g.Rows[160] {
		t.Errorf("page 99 of 5 starts at %q, want the last page", got[0])
	}
}

// A page holds as many rows on every page, whatever else the result
// shows: the rows of page i do not depend on how it was reached.
func TestRowsPerPageDependOnlyOnTheResult(t *testing.T) {
	res := renderServers(187)
	res.Notes = []string{"edis-nyc did not answer: timed out"}
	res.Text = "Some providers were slow."
	var counts []int
	for i := range 4 {
		counts = append(counts, len(tableRows(Render(chat.Reply{Result: res, Page: chat.Page{Token: "k7", Index: i}}), gridOf(res.Table).Header)))
	}
	for _, n := range counts {
		if n != counts[0] {
			t.Fatalf("rows per page %v, want the same on every full page", counts)
		}
	}
}

func TestCutTableSaysWhatIsNotShown(t *testing.T) {
	msg := Render(chat.Reply{Result: renderServers(187)})
	all := strings.Join(allTexts(msg), "\n")
	if !strings.Contains(all, "rows 1–40 of 187 · 147 more rows not shown") {
		t.Fatalf("a cut table does not say what it left out:\n%s", all)
	}
}

func TestMention(t *testing.T) {
	for in, want := range map[commands.Principal]string{
		"discord:123456789012345678":    "<@123456789012345678>",
		"discord:1":                     "<@1>",
		"discord:123>|<@&42":            `discord:123\>\|\<@&42`,
		"discord:abc":                   "discord:abc",
		"discord:123456789012345678901": "discord:123456789012345678901",
		"slack:T1:U2":                   "slack:T1:U2",
		"shell:@everyone":               "shell:@everyone",
		"shell:**bob**":                 `shell:\*\*bob\*\*`,
		"shell:bell\x07\u202ex":         "shell:bell x",
	} {
		if got := Mention(in); got != want {
			t.Errorf("Mention(%q) = %q, want %q", in, got, want)
		}
	}
}

// Only the requester's own mention may ping, whatever the text says.
func TestOnlyTheRequesterCanBePinged(t *testing.T) {
	msg := Render(chat.Reply{Text: "@everyone @here <@&42> <@999> done", Mention: renderRequester})
	if msg.Content != `<@123456789012345678> @everyone @here \<@&42\> \<@999\> done` {
		t.Errorf("content %q", msg.Content)
	}
	am := msg.AllowedMentions
	if am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Roles) != 0 || len(am.Users) != 1 || am.Users[0] != "123456789012345678" {
		t.Fatalf("allowed mentions %+v, want parse [] and the requester alone", am)
	}
	for _, p := range []commands.Principal{"", "shell:alice", "discord:<@&42>"} {
		am := Render(chat.Reply{Text: "@everyone", Mention: p}).AllowedMentions
		if am == nil || am.Parse == nil || len(am.Parse)+len(am.Users)+len(am.Roles) != 0 {
			t.Errorf("mention %q: allowed mentions %+v, want nothing to ping", p, am)
		}
	}
}

func TestEscapesDiscordMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"**x**":                         `\*\*x\*\*`,
		"_y_ ~~z~~ ||s||":               `\_y\_ \~\~z\~\~ \|\|s\|\|`,
		"a`b":                           "a\\`b",
		"[click](https://evil.example)": `\[click\](https://evil.example)`,
		"# big":                         `\# big`,
		"  - item":                      `  \- item`,
		"12. first":                     `12\. first`,
		"192.0.2.11":                    "192.0.2.11",
		"> quote <@&1>":                 `\> quote \<@&1\>`,
		`\*`:                            `\\\*`,
		"a # b - c":                     "a # b - c",
	} {
		if got := mdClip(in, 100); got != want {
			t.Errorf("mdClip(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClipCutsBetweenRunesAndEscapes(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"héllo wörld", 6, "héllo…"},
		{"a*b*c*d", 6, `a\*b…`}, // never half an escape
		{"🔥🔥🔥", 5, "🔥🔥…"},       // an emoji counts two
		{"日本語のテキスト", 4, "日本語…"},
	} {
		got := mdClip(c.in, c.max)
		if got != c.want || !utf8.ValidString(got) || textLen(got) > c.max {
			t.Errorf("mdClip(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
	if got := mdCut(`ab\*cd`, 4); got != "ab…" {
		t.Errorf("mdCut left a lone backslash: %q", got)
	}
	if got := lightClip("run `confirm r-k2m9xw4q` now", 15); got != "run `confirm`…" {
		t.Errorf("a cut code span is not closed: %q", got)
	}
}

func TestLightTextKeepsCodeSpans(t *testing.T) {
	if got := lightClip("`confirm r-1` to go *ahead*", 100); got != "`confirm r-1` to go \\*ahead\\*" {
		t.Errorf("got %q", got)
	}
	if got := lightClip("odd ` backtick", 100); got != "odd \\` backtick" {
		t.Errorf("unpaired backtick: %q", got)
	}
}

func TestBacktickNeverLeavesCode(t *testing.T) {
	msg := Render(chat.Reply{Result: renderHostile()})
	for _, e := range msg.Embeds {
		_, block, ok := strings.Cut(e.Description, codeFence+"\n")
		if !ok {
			continue
		}
		block, _, _ = strings.Cut(block, "\n"+codeFence)
		if strings.Contains(block, "`") {
			t.Fatalf("a backtick inside a code block: %q", block)
		}
	}
}

func TestSecretShownExactlyAndOnlyWhenPresent(t *testing.T) {
	msg := Render(chat.Reply{Result: renderSecret()})
	if len(msg.Embeds) != 2 || msg.Embeds[1].Title != secretHeading {
		t.Fatalf("want the secret in an embed of its own under %q, got %d embeds", secretHeading, len(msg.Embeds))
	}
	if v := msg.Embeds[1].Fields[0].Value; v != "`Mue3HZTFKuLGE4ML8Bi2`" {
		t.Errorf("password shown as %q", v)
	}
	res := renderSecret()
	res.Secret = nil
	for _, s := range allTexts(Render(chat.Reply{Result: res})) {
		if strings.Contains(s, "Only you") {
			t.Fatalf("a result without a secret says %q", s)
		}
	}
	for pw, want := range map[string]string{
		"a*b_c~d|e": "`a*b_c~d|e`",
		"a`b  c":    "a\\`b  c",
	} {
		if got := secretValue(pw); got != want {
			t.Errorf("secret %q shown as %q, want %q", pw, got, want)
		}
	}
}

func TestCheckLimitsCatchesEachLimit(t *testing.T) {
	long := strings.Repeat("x", 6001)
	none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	embed := func(e discordgo.MessageEmbed) Message {
		return Message{Embeds: []*discordgo.MessageEmbed{&e}, AllowedMentions: none}
	}
	fields := func(n, size int) []*discordgo.MessageEmbedField {
		out := make([]*discordgo.MessageEmbedField, n)
		for i := range out {
			out[i] = &discordgo.MessageEmbedField{Name: "f", Value: long[:size]}
		}
		return out
	}
	button := func(bs ...discordgo.Button) Message {
		row := discordgo.ActionsRow{}
		for _, b := range bs {
			row.Components = append(row.Components, b)
		}
		return Message{Components: []discordgo.MessageComponent{row}, AllowedMentions: none}
	}
	next := discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: "vps:page:k:1"}
	rows := func(n int) Message {
		m := Message{AllowedMentions: none}
		for i := range n {
			b := next
			b.CustomID += strings.Repeat("x", i)
			m.Components = append(m.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{b}})
		}
		return m
	}
	with := func(b func(*discordgo.Button)) discordgo.Button { x := next; b(&x); return x }
	for name, msg := range map[string]Message{
		"empty":            {AllowedMentions: none},
		"no mentions rule": {Content: "hi"},
		"parse everyone":   {Content: "hi", AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeEveryone}}},
		"roles":            {Content: "hi", AllowedMentions: &discordgo.MessageAllowedMentions{Roles: []string{"1"}}},
		"two users":        {Content: "hi", AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{"1", "2"}}},
		"long content":     {Content: long[:MaxContent+1], AllowedMentions: none},
		"11 embeds":        {Embeds: make([]*discordgo.MessageEmbed, MaxEmbeds+1), AllowedMentions: none},
		"empty embed":      embed(discordgo.MessageEmbed{Color: 1}),
		"long title":       embed(discordgo.MessageEmbed{Title: long[:MaxTitle+1]}),
		"long description": embed(discordgo.MessageEmbed{Description: long[:MaxDescription+1]}),
		"long footer":      embed(discordgo.MessageEmbed{Footer: &discordgo.MessageEmbedFooter{Text: long[:MaxFooter+1]}}),
		"26 fields":        embed(discordgo.MessageEmbed{Fields: fields(MaxFields+1, 1)}),
		"long field value": embed(discordgo.MessageEmbed{Fields: fields(1, MaxFieldValue+1)}),
		"empty field":      embed(discordgo.MessageEmbed{Fields: fields(1, 0)}),
		"long field name":  embed(discordgo.MessageEmbed{Fields: []*discordgo.MessageEmbedField{{Name: long[:MaxFieldName+1], Value: "v"}}}),
		"6001 in total":    embed(discordgo.MessageEmbed{Description: long[:4000], Fields: fields(2, 1000)}),
		"6 rows":           rows(MaxActionRows + 1),
		"6 buttons":        button(next, with(func(b *discordgo.Button) { b.CustomID += "1" }), with(func(b *discordgo.Button) { b.CustomID += "2" }), with(func(b *discordgo.Button) { b.CustomID += "3" }), with(func(b *discordgo.Button) { b.CustomID += "4" }), with(func(b *discordgo.Button) { b.CustomID += "5" })),
		"same custom_id":   button(next, next),
		"long custom_id":   button(with(func(b *discordgo.Button) { b.CustomID = long[:MaxCustomID+1] })),
		"no custom_id":     button(with(func(b *discordgo.Button) { b.CustomID = "" })),
		"long label":       button(with(func(b *discordgo.Button) { b.Label = long[:MaxLabel+1] })),
		"no label":         button(with(func(b *discordgo.Button) { b.Label = "" })),
		"link button":      button(with(func(b *discordgo.Button) { b.Style, b.URL = discordgo.LinkButton, "https://e.example" })),
		"not a row":        {Components: []discordgo.MessageComponent{next}, AllowedMentions: none},
		"empty row":        {Components: []discordgo.MessageComponent{discordgo.ActionsRow{}}, AllowedMentions: none},
	} {
		if CheckLimits(msg) == nil {
			t.Errorf("%s: CheckLimits passed it", name)
		}
	}
	for name, msg := range map[string]Message{
		"5 rows":     rows(MaxActionRows),
		"6000 total": embed(discordgo.MessageEmbed{Description: long[:4000], Fields: fields(2, 999)}),
		"25 fields":  embed(discordgo.MessageEmbed{Fields: fields(MaxFields, 1)}),
	} {
		if err := CheckLimits(msg); err != nil {
			t.Errorf("%s refused: %v", name, err)
		}
	}
}

func TestCrowdedResultKeepsItsPageButtonsAndSecret(t *testing.T) {
	res := renderServers(187)
	res.Text = strings.Repeat(strings.Repeat("word ", 100)+"\n", 200)
	for i := range 60 {
		f := commands.Field{Name: "field", Value: strings.Repeat("v", 1900+i)}
		res.Fields = append(res.Fields, f)
		res.Notes = append(res.Notes, strings.Repeat("n", 2000))
	}
	res.Secret = []commands.Field{{Name: "root password", Value: "Mue3HZTFKuLGE4ML8Bi2"}}
	msg := Render(chat.Reply{Result: res, Page: chat.Page{Token: "k7", Index: 1}, Mention: renderRequester})
	if err := CheckLimits(msg); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(allTexts(msg), "\n")
	for _, want := range []string{"more lines not shown", "more fields not shown", "more notes not shown", "page 2 of", "Only you can see the following", "`Mue3HZTFKuLGE4ML8Bi2`", "<@123456789012345678>"} {
		if !strings.Contains(all, want) {
			t.Errorf("crowded result does not say %q", want)
		}
	}
	if bs := messageButtons(msg); len(bs) != 2 {
		t.Fatalf("crowded page 2 shows %d page buttons, want Previous and Next", len(bs))
	}
	if rows := tableRows(msg, gridOf(res.Table).Header); len(rows) < 20 {
		t.Errorf("crowded page shows %d rows: the table was crowded out", len(rows))
	}
}

func TestViewShowsExpiryInEachReadersTime(t *testing.T) {
	msg := Render(renderView(t, renderRequest(approval.Pending, nil), renderApprover))
	at := renderEpoch.Add(15 * time.Minute).Unix()
	want := fmt.Sprintf("Expires <t:%d:R> (<t:%d:f>)", at, at)
	if !strings.Contains(msg.Embeds[0].Description, want) {
		t.Errorf("description %q does not say %q", msg.Embeds[0].Description, want)
	}
	msg = Render(renderView(t, renderRequest(approval.Succeeded, renderSucceeded), renderApprover))
	if strings.Contains(msg.Embeds[0].Description, "<t:") {
		t.Errorf("a finished request still counts down: %q", msg.Embeds[0].Description)
	}
}

func TestStep(t *testing.T) {
	for _, c := range []struct {
		step        chat.Step
		title, want string
	}{
		{chat.Step{Title: "Rebooting web-1", Progress: commands.Progress{Message: "stopping", Percent: 0}, Elapsed: 3 * time.Second},
			"Rebooting web-1", "`░░░░░░░░░░` 0% stopping · 3s"},
		{chat.Step{Title: "Rebooting web-1", Progress: commands.Progress{Message: "waiting for the provider", Percent: -1}, Elapsed: 65 * time.Second},
			"Rebooting web-1", "waiting for the provider · 1m05s"},
		{chat.Step{Title: "Reinstalling", Progress: commands.Progress{Message: "done", Percent: 100}, Elapsed: time.Hour + 2*time.Minute + 5*time.Second},
			"Reinstalling", "`██████████` 100% done · 1h02m05s"},
		{chat.Step{Title: "@here **x**", Progress: commands.Progress{Percent: -1}},
			`@here \*\*x\*\*`, ""},
	} {
		msg := Render(chat.Reply{Step: &c.step})
		if len(msg.Embeds) != 1 {
			t.Fatalf("%d embeds, want one", len(msg.Embeds))
		}
		if e := msg.Embeds[0]; e.Title != c.title || e.Description != c.want {
			t.Errorf("step shows %q / %q, want %q / %q", e.Title, e.Description, c.title, c.want)
		}
	}
}

// A principal typed into a note stays text: only the requester at the
// start of a summary, put there by the command layer, becomes a mention.
func TestOnlyTheRequesterInASummaryBecomesAMention(t *testing.T) {
	note := func(q *approval.Request) {
		q.DecidedBy, q.DecisionNote = "discord:234567890123456789", "ask discord:345678901234567890 instead"
	}
	denied := Render(renderView(t, renderRequest(approval.Denied, note), renderRequester)).Embeds[0].Description
	if strings.Contains(denied, "<@") {
		t.Errorf("a principal in a summary's note became a mention: %q", denied)
	}
	asks := Render(renderView(t, renderRequest(approval.Pending, nil), renderApprover)).Embeds[0].Description
	if !strings.Contains(asks, "⏳ <@123456789012345678> asks to reinstall") {
		t.Errorf("the requester opening an approver's summary is not a mention: %q", asks)
	}
}
