package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/safetext"
)

// maxTextLine bounds one line of a result's text, so one freak line does
// not crowd out the rest.
const maxTextLine = 1000

// resultDoc lays out a command's output in the shell's order: title and
// text, fields side by side, the table, notes (in the footer), then the
// secret for the requester. A result stopped at a gate is its request's
// view instead of title and text, which repeat the view's.
func resultDoc(res commands.Result, page chat.Page) doc {
	var d doc
	if res.Pending != nil {
		d = viewDoc(*res.Pending)
	} else {
		d.title = lineClip(res.Title, MaxTitle)
		d.color = colorInfo
		for _, l := range textLines(res.Text) {
			d.text = append(d.text, lightClip(l, maxTextLine))
		}
		d.fields, d.inline = escapedFields(res.Fields), true
	}
	d.table, d.page = res.Table, page
	d.notes = res.Notes
	d.secret = res.Secret
	return d
}

// escapedFields are fields as an embed shows them: each one escaped line,
// name and value cut to Discord's limits.
func escapedFields(fs []commands.Field) []field {
	out := make([]field, 0, len(fs))
	for _, f := range fs {
		out = append(out, field{lineClip(f.Name, MaxFieldName), lineClip(f.Value, MaxFieldValue)})
	}
	return out
}

// secretHeading is the shell's words over what only the requester sees.
const secretHeading = "🔒 Only you can see the following"

// maxSecretFields bounds the secret embed; a secret result holds two or
// three (a password, a console's address and password).
const maxSecretFields = 10

// secretEmbed shows secret fields in an embed of their own, under the
// shell's words for them. A reply carries them only when it goes to the
// requester alone (the conversation strips them from everything else), so
// when they are here, they are shown, each value as it must be typed.
func secretEmbed(fs []commands.Field, room int) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: secretHeading, Color: colorWaiting}
	var shown []field
	for _, f := range fs {
		shown = append(shown, field{lineClip(f.Name, MaxFieldName), secretValue(f.Value)})
	}
	e.Fields = embedFields(shown, false, room-textLen(e.Title), maxSecretFields)
	if len(e.Fields) == 0 {
		e.Description = notShown(len(fs), "secret field", "secret fields")
	}
	return e
}

// secretValue shows a secret exactly: in a code span, which shows every
// character as it is and copies cleanly, unless it holds a backtick,
// which would end the span; then escaped, which shows it as typed. Only
// a secret holding a control or invisible character is cleaned, which
// changes it: such a character must not reach a screen raw.
func secretValue(s string) string {
	if _, unsafe := safetext.Check(s); unsafe {
		s = oneLine(s)
	}
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "`") && textLen(s)+2 <= MaxFieldValue {
		return "`" + s + "`"
	}
	return mdClip(s, MaxFieldValue)
}
