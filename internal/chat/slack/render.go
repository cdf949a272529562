package slack

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
)

// Message is what Slack is sent for one reply: blocks plus the
// notification/fallback text. Both are escaped already: send Text as it
// is (slack.MsgOptionText(msg.Text, false)), or "&" shows as "&amp;".
type Message struct {
	Blocks []slack.Block `json:"blocks"`
	Text   string        `json:"text"`
}

// Render lays out r. It never fails: whatever r holds, the result fits
// Slack's limits (CheckLimits). The words are the command layer's; Render
// only chooses blocks for them.
func Render(r chat.Reply) Message {
	var d layout
	switch {
	case r.Err != nil:
		d = errorDoc(r.Err)
	case r.View != nil:
		d = viewDoc(*r.View)
	case r.Step != nil:
		d = stepDoc(*r.Step)
	case r.Result != nil:
		d = resultDoc(*r.Result, r.Page)
	default:
		d = textDoc(r.Text)
	}
	if m := Mention(r.Mention); m != "" { // a blank principal names nobody
		d.mention(m)
	}
	return d.message()
}

// layout is a message being laid out: the body, the tail that must survive
// any cut (buttons, the page and request lines), and the fallback text.
type layout struct {
	body     []slack.Block
	tail     []slack.Block
	fallback string // mrkdwn, already escaped
}

// room is how many more body blocks fit beside the tail, keeping one for
// a mention and one for the line saying something was cut.
func (d *layout) room() int { return MaxBlocks - len(d.body) - len(d.tail) - 2 }

func (d *layout) add(bs ...slack.Block) { d.body = append(d.body, bs...) }

// title shows a headline: a header when it fits one, else a bold section
// (a long request title must not lose its request id to a cut).
func (d *layout) title(s string) {
	t := mdEscape(oneLine(s))
	if t == "" {
		return
	}
	if d.fallback == "" {
		d.fallback = t
	}
	if textLen(t) <= MaxHeaderText {
		d.add(slack.NewHeaderBlock(plainText(t)))
		return
	}
	d.add(textSection(boldText(mdCut(t, MaxText-2))))
}

// mention prefixes the reply with m, so a channel sees whom it answers:
// in the first text when there is one, else as a block of its own.
func (d *layout) mention(m string) {
	d.fallback = strings.TrimSpace(m + " " + d.fallback)
	if len(d.body) > 0 {
		switch b := d.body[0].(type) {
		case *slack.HeaderBlock:
			d.body[0] = textSection(m + " " + boldText(b.Text.Text))
			return
		case *slack.SectionBlock:
			if b.Text != nil && !strings.HasPrefix(b.Text.Text, "```") {
				b.Text.Text = mdCut(m+" "+b.Text.Text, MaxText)
				return
			}
		}
	}
	d.body = append([]slack.Block{textSection(m)}, d.body...)
}

// message is the finished message. The renderers budget their blocks with
// room; the cut here only guards what they missed, and says so.
func (d *layout) message() Message {
	body := d.body
	if over := len(body) + len(d.tail) - MaxBlocks; over > 0 {
		keep := max(len(body)-over-1, 0)
		body = append(body[:keep:keep], contextLine(notShown(len(body)-keep, "block", "blocks")))
	}
	blocks := append(append([]slack.Block(nil), body...), d.tail...)
	text := d.fallback
	if text == "" {
		text = cutMark // Slack wants some text; a reply with none is a bug upstream
	}
	return Message{Blocks: blocks, Text: mdCut(text, MaxFallback)}
}

// notShown says how much of something was left out: "3 more notes not
// shown". Nothing is dropped silently.
func notShown(n int, one, many string) string {
	if n == 1 {
		return "1 more " + one + " not shown"
	}
	return fmt.Sprintf("%d more %s not shown", n, many)
}

// textSection is a block of mrkdwn text.
func textSection(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mdText(text), nil, nil)
}

// contextLine is a context block of one line per element.
func contextLine(texts ...string) *slack.ContextBlock {
	els := make([]slack.MixedElement, len(texts))
	for i, t := range texts {
		els[i] = mdText(t)
	}
	return slack.NewContextBlock("", els...)
}

// boldText marks escaped text bold; a blank stays blank so "**" never shows.
func boldText(s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	return "*" + s + "*"
}
