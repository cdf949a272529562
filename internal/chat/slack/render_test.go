package slack

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

// ours are the only "<...>" sequences a message may hold: a mention made by
// Mention, and a date written by dateToken.
var ours = regexp.MustCompile(`^<(@[A-Z0-9]+|!date\^-?[0-9]+\^\{date_short_pretty\} \{time\}\|[^<>|]*)>`)

// assertNoSlackCommands fails when any text of msg holds a "<" that Slack
// would read as a ping, a link or a channel, other than ours.
func assertNoSlackCommands(t testing.TB, msg Message) {
	t.Helper()
	for _, s := range texts(t, msg) {
		for i := strings.IndexByte(s, '<'); i >= 0; i = strings.IndexByte(s, '<') {
			m := ours.FindString(s[i:])
			if m == "" {
				t.Fatalf("unescaped %q in %q", s[i:min(len(s), i+12)], s)
			}
			s = s[i+len(m):]
		}
	}
}

// texts is every text of msg as Slack reads it, fallback included.
func texts(t testing.TB, msg Message) []string {
	t.Helper()
	raw, err := json.Marshal(msg.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	out := []string{msg.Text}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "text" {
					out = append(out, s)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(tree)
	return out
}

// buttons is every button of msg.
func buttons(msg Message) []*slack.ButtonBlockElement {
	var out []*slack.ButtonBlockElement
	for _, b := range msg.Blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				out = append(out, e.(*slack.ButtonBlockElement))
			}
		}
	}
	return out
}

func TestRequestButtonsCarryOnlyTheRequestID(t *testing.T) {
	for _, c := range []struct {
		name   string
		reply  chat.Reply
		labels []string
	}{
		{"confirm", view(t, request(approval.Confirming, nil), requester), []string{"Confirm", "Cancel"}},
		{"approval", view(t, request(approval.Pending, nil), approver), []string{"Approve", "Deny"}},
		{"withdraw", view(t, request(approval.Pending, nil), requester), []string{"Withdraw"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := c.reply.View
			bs := buttons(Render(c.reply))
			if len(bs) != len(v.Actions) || len(bs) != len(c.labels) {
				t.Fatalf("%d buttons for %d actions, want %d", len(bs), len(v.Actions), len(c.labels))
			}
			for i, b := range bs {
				a := v.Actions[i]
				if b.Value != v.ID {
					t.Errorf("button %q carries %q, want the request id %q alone", a.Label, b.Value, v.ID)
				}
				got, err := chat.ParseButton(b.ActionID, b.Value)
				if err != nil || got != chat.ActionButton(a.ID, v.ID) {
					t.Errorf("button %q reads back as %+v (%v), want %s on %s", a.Label, got, err, a.ID, v.ID)
				}
				if b.Text.Text != c.labels[i] {
					t.Errorf("button %d says %q, want %q", i, b.Text.Text, c.labels[i])
				}
				if want := map[string]slack.Style{"primary": slack.StylePrimary, "danger": slack.StyleDanger}[a.Style]; b.Style != want {
					t.Errorf("button %q styled %q, want %q", a.Label, b.Style, want)
				}
				if b.Confirm != nil {
					t.Errorf("button %q asks again: the request's gate is the confirmation", a.Label)
				}
			}
		})
	}
	if bs := buttons(Render(view(t, request(approval.Succeeded, succeeded), approver))); len(bs) != 0 {
		t.Errorf("a finished request shows %d buttons, want none", len(bs))
	}
}

func TestPageButtonsCarryOnlyThePage(t *testing.T) {
	long := servers(187)
	for index, want := range map[int][]chat.Button{
		0: {chat.PageButton("k7", 1)},
		2: {chat.PageButton("k7", 1), chat.PageButton("k7", 3)},
		4: {chat.PageButton("k7", 3)},
	} {
		bs := buttons(Render(chat.Reply{Result: long, Page: chat.Page{Token: "k7", Index: index}}))
		if len(bs) != len(want) {
			t.Fatalf("page %d: %d buttons, want %d", index, len(bs), len(want))
		}
		for i, b := range bs {
			if b.ActionID != want[i].ID() || b.Value != want[i].Arg {
				t.Errorf("page %d button %d: %s=%q, want %s=%q", index, i, b.ActionID, b.Value, want[i].ID(), want[i].Arg)
			}
		}
	}
	if bs := buttons(Render(chat.Reply{Result: long})); len(bs) != 0 {
		t.Errorf("without a token: %d page buttons, want none", len(bs))
	}
	if bs := buttons(Render(chat.Reply{Result: servers(3), Page: chat.Page{Token: "k7"}})); len(bs) != 0 {
		t.Errorf("one page: %d page buttons, want none", len(bs))
	}
}

// tableRows are the rows of the preformatted sections of msg, header
// lines left out.
func tableRows(msg Message, header string) []string {
	var rows []string
	for _, b := range msg.Blocks {
		s, ok := b.(*slack.SectionBlock)
		if !ok || s.Text == nil || !strings.HasPrefix(s.Text.Text, codeFence) {
			continue
		}
		for _, l := range strings.Split(strings.Trim(s.Text.Text, "`\n"), "\n") {
			if l != header {
				rows = append(rows, l)
			}
		}
	}
	return rows
}

func TestPagesShowEveryRowOnce(t *testing.T) {
	long := servers(187)
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

func TestCutTableSaysWhatIsNotShown(t *testing.T) {
	msg := Render(chat.Reply{Result: servers(187)})
	all := strings.Join(texts(t, msg), "\n")
	if !strings.Contains(all, "rows 1–40 of 187 · 147 more rows not shown") {
		t.Fatalf("a cut table does not say what it left out:\n%s", all)
	}
}

func TestMention(t *testing.T) {
	for in, want := range map[commands.Principal]string{
		"slack:T1:U2":           "<@U2>",
		"slack:T01ABCD:W0456":   "<@W0456>",
		"slack:T1:U2>|<!here":   "slack:T1:U2&gt;|&lt;!here",
		"slack:T1:u2":           "slack:T1:u2",
		"slack:T1":              "slack:T1",
		"discord:1234":          "discord:1234",
		"shell:<!channel>":      "shell:&lt;!channel&gt;",
		"mcp:a&b":               "mcp:a&amp;b",
		"shell:bell\x07\u202ex": "shell:bell x",
	} {
		if got := Mention(in); got != want {
			t.Errorf("Mention(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMdClipCutsBetweenRunes(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"héllo wörld", 6, "héllo…"},
		{"a<b<c<d", 9, "a&lt;b…"}, // never half an entity
		{"🔥🔥🔥", 5, "🔥🔥…"},         // an emoji counts two
		{"日本語のテキスト", 4, "日本語…"},
	} {
		got := mdClip(c.in, c.max)
		if got != c.want || !utf8.ValidString(got) || textLen(got) > c.max {
			t.Errorf("mdClip(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
	if got := mdCut("a &lt;b", 6); got != "a …" {
		t.Errorf("mdCut split an entity: %q", got)
	}
}

func TestBacktickNeverLeavesCode(t *testing.T) {
	msg := Render(chat.Reply{Result: hostile()})
	for _, b := range msg.Blocks {
		s, ok := b.(*slack.SectionBlock)
		if !ok || s.Text == nil || !strings.HasPrefix(s.Text.Text, codeFence) {
			continue
		}
		inner := strings.TrimSuffix(strings.TrimPrefix(s.Text.Text, codeFence), codeFence)
		if strings.Contains(inner, "`") {
			t.Fatalf("a backtick inside a code block: %q", s.Text.Text)
		}
	}
}

func TestCheckLimitsCatchesEachLimit(t *testing.T) {
	long := strings.Repeat("x", MaxText+1)
	many := func(n int) []*slack.TextBlockObject {
		out := make([]*slack.TextBlockObject, n)
		for i := range out {
			out[i] = mdText("f")
		}
		return out
	}
	button := func(label, id, value string) slack.Block {
		return slack.NewActionBlock("", slack.NewButtonBlockElement(id, value, plainText(label)))
	}
	blocks := func(n int) []slack.Block {
		out := make([]slack.Block, n)
		for i := range out {
			out[i] = textSection("s")
		}
		return out
	}
	for name, msg := range map[string]Message{
		"no fallback":      {Blocks: blocks(1)},
		"long fallback":    {Text: long},
		"51 blocks":        {Text: "t", Blocks: blocks(MaxBlocks + 1)},
		"long section":     {Text: "t", Blocks: []slack.Block{textSection(long)}},
		"empty section":    {Text: "t", Blocks: []slack.Block{textSection("")}},
		"11 fields":        {Text: "t", Blocks: []slack.Block{slack.NewSectionBlock(nil, many(MaxFields+1), nil)}},
		"long field":       {Text: "t", Blocks: []slack.Block{slack.NewSectionBlock(nil, []*slack.TextBlockObject{mdText(long[:MaxFieldText+1])}, nil)}},
		"long header":      {Text: "t", Blocks: []slack.Block{slack.NewHeaderBlock(plainText(long[:MaxHeaderText+1]))}},
		"mrkdwn header":    {Text: "t", Blocks: []slack.Block{slack.NewHeaderBlock(mdText("h"))}},
		"11 context items": {Text: "t", Blocks: []slack.Block{contextLine(strings.Fields(strings.Repeat("c ", MaxContextItems+1))...)}},
		"long label":       {Text: "t", Blocks: []slack.Block{button(long[:MaxButtonText+1], "vps:page", "k:1")}},
		"long value":       {Text: "t", Blocks: []slack.Block{button("Next", "vps:page", long[:MaxButtonValue+1])}},
		"no value":         {Text: "t", Blocks: []slack.Block{button("Next", "vps:page", "")}},
		"other block":      {Text: "t", Blocks: []slack.Block{slack.NewDividerBlock()}},
	} {
		if CheckLimits(msg) == nil {
			t.Errorf("%s: CheckLimits passed it", name)
		}
	}
	if err := CheckLimits(Message{Text: "t", Blocks: blocks(MaxBlocks)}); err != nil {
		t.Errorf("50 blocks refused: %v", err)
	}
}

func TestCrowdedResultKeepsItsPageButtons(t *testing.T) {
	res := servers(187)
	res.Text = strings.Repeat(strings.Repeat("word ", 100)+"\n", 200)
	for i := range 60 {
		f := commands.Field{Name: "field", Value: strings.Repeat("v", 1900+i)}
		res.Fields = append(res.Fields, f)
		res.Secret = append(res.Secret, f)
		res.Notes = append(res.Notes, strings.Repeat("n", 2000))
	}
	msg := Render(chat.Reply{Result: res, Page: chat.Page{Token: "k7", Index: 1}, Mention: requester})
	if err := CheckLimits(msg); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(texts(t, msg), "\n")
	for _, want := range []string{"more lines not shown", "21 more fields not shown", "41 more fields not shown", "41 more notes not shown", "Only you can see the following", "<@U02EFGH>"} {
		if !strings.Contains(all, want) {
			t.Errorf("crowded result does not say %q", want)
		}
	}
	if bs := buttons(msg); len(bs) != 2 {
		t.Fatalf("crowded page 2 shows %d page buttons, want Previous and Next", len(bs))
	}
}

func TestOverfullLayoutKeepsItsTail(t *testing.T) {
	var d layout
	for range 60 {
		d.add(textSection("s"))
	}
	d.tail = []slack.Block{contextLine("request"), slack.NewActionBlock("", pageButton(labelNext, chat.PageButton("k", 1)))}
	d.fallback = "f"
	msg := d.message()
	if err := CheckLimits(msg); err != nil {
		t.Fatal(err)
	}
	n := len(msg.Blocks)
	if _, ok := msg.Blocks[n-1].(*slack.ActionBlock); !ok {
		t.Fatalf("the buttons were cut")
	}
	if got := strings.Join(texts(t, Message{Blocks: msg.Blocks[n-3 : n-2]}), ""); !strings.Contains(got, "13 more blocks not shown") {
		t.Fatalf("the cut is not said: %q", got)
	}
}

func TestLongTitleKeepsItsEnd(t *testing.T) {
	title := strings.Repeat("reinstall demo-fra/fra-101 ", 6) + "(request r-k2m9xw4q)"
	msg := Render(chat.Reply{Result: &commands.Result{Title: title}})
	s, ok := msg.Blocks[0].(*slack.SectionBlock)
	if !ok || s.Text.Text != "*"+title+"*" {
		t.Fatalf("a title longer than a header shows as %#v, want it whole in bold", msg.Blocks[0])
	}
}

func TestMentionOfATableOnlyResultTakesItsOwnBlock(t *testing.T) {
	res := &commands.Result{Table: servers(2).Table}
	msg := Render(chat.Reply{Result: res, Mention: requester})
	first := msg.Blocks[0].(*slack.SectionBlock).Text.Text
	if first != "<@U02EFGH>" {
		t.Fatalf("first block %q, want the mention alone: a code block must not start with it", first)
	}
}

func TestStep(t *testing.T) {
	for _, c := range []struct {
		step chat.Step
		want string
	}{
		{chat.Step{Title: "Rebooting web-1", Progress: commands.Progress{Message: "stopping", Percent: 0}, Elapsed: 3 * time.Second},
			"*Rebooting web-1*\n`░░░░░░░░░░` 0% stopping · 3s"},
		{chat.Step{Title: "Rebooting web-1", Progress: commands.Progress{Message: "waiting for the provider", Percent: -1}, Elapsed: 65 * time.Second},
			"*Rebooting web-1*\nwaiting for the provider · 1m05s"},
		{chat.Step{Title: "Reinstalling", Progress: commands.Progress{Message: "done", Percent: 100}, Elapsed: time.Hour + 2*time.Minute + 5*time.Second},
			"*Reinstalling*\n`██████████` 100% done · 1h02m05s"},
		{chat.Step{Title: "<!here> *x*", Progress: commands.Progress{Percent: -1}},
			"*&lt;!here&gt; *x**"},
	} {
		msg := Render(chat.Reply{Step: &c.step})
		if len(msg.Blocks) != 1 {
			t.Fatalf("%d blocks, want one section", len(msg.Blocks))
		}
		if got := msg.Blocks[0].(*slack.SectionBlock).Text.Text; got != c.want {
			t.Errorf("step shows %q, want %q", got, c.want)
		}
	}
}

// A principal in text someone typed (a denial's note) is never a ping;
// the requester at the start of the summary is shown as a mention.
func TestOnlyTheRequesterIsMentionedInASummary(t *testing.T) {
	v := commands.RequestView{ID: "r-1", State: "denied", Title: "t", Requester: "slack:T1:UALICE",
		Summary: "slack:T1:UALICE asked to delete x; denied by slack:T1:UBOB: ask slack:T9:UCEO0001"}
	m := Render(chat.Reply{View: &v})
	b, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(string(b))
	if !strings.Contains(text, "<@UALICE> asked") || strings.Contains(text, "<@UCEO0001>") || strings.Contains(text, "<@UBOB>") {
		t.Fatalf("mentions in the summary: %s", text)
	}
}
