package discord

import (
	"fmt"
	"unicode/utf16"

	"github.com/bwmarrin/discordgo"
)

// Discord's message limits, as its API documents them. Discord refuses a
// whole message (400, Invalid Form Body) when one of them is broken, so
// Render keeps within every one and CheckLimits proves it.
const (
	MaxContent     = 2000 // a message's content
	MaxEmbeds      = 10   // embeds in one message
	MaxTitle       = 256  // an embed's title
	MaxDescription = 4096 // an embed's description
	MaxFields      = 25   // fields in one embed
	MaxFieldName   = 256  // a field's name
	MaxFieldValue  = 1024 // a field's value
	MaxFooter      = 2048 // an embed's footer text
	MaxAuthor      = 256  // an embed's author name
	MaxEmbedTotal  = 6000 // title, description, field names and values, footer and author of all embeds together
	MaxActionRows  = 5    // action rows in one message
	MaxRowButtons  = 5    // buttons in one action row
	MaxCustomID    = 100  // a button's custom_id
	MaxLabel       = 80   // a button's label
)

// textLen measures s as the longer of the ways a length is counted: in
// UTF-16 code units, where an emoji outside the basic plane counts twice.
// That is never less than the runes, so a text that passes here passes
// however Discord counts.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// CheckLimits reports the first limit msg breaks, or nil. Besides Discord's
// own limits it holds Render's safety rule: AllowedMentions is set and
// lets nothing ping but at most one user (the requester). It knows the
// components Render makes (classic action rows of buttons); any other is
// refused, so a renderer that starts using a new one must teach it here
// first.
func CheckLimits(msg Message) error {
	if msg.Content == "" && len(msg.Embeds) == 0 && len(msg.Components) == 0 {
		return fmt.Errorf("message is empty")
	}
	if n := textLen(msg.Content); n > MaxContent {
		return fmt.Errorf("content has %d characters, more than %d", n, MaxContent)
	}
	if err := checkMentions(msg.AllowedMentions); err != nil {
		return err
	}
	if len(msg.Embeds) > MaxEmbeds {
		return fmt.Errorf("message has %d embeds, more than %d", len(msg.Embeds), MaxEmbeds)
	}
	total := 0
	for i, e := range msg.Embeds {
		n, err := checkEmbed(e)
		if err != nil {
			return fmt.Errorf("embed %d: %w", i, err)
		}
		total += n
	}
	if total > MaxEmbedTotal {
		return fmt.Errorf("embeds hold %d characters, more than %d", total, MaxEmbedTotal)
	}
	return checkComponents(msg.Components)
}

func checkMentions(am *discordgo.MessageAllowedMentions) error {
	switch {
	case am == nil:
		return fmt.Errorf("allowed_mentions is not set: the text's own mentions would ping")
	case len(am.Parse) > 0:
		return fmt.Errorf("allowed_mentions parses %v: only the requester may be pinged", am.Parse)
	case len(am.Roles) > 0:
		return fmt.Errorf("allowed_mentions lets roles be pinged")
	case len(am.Users) > 1:
		return fmt.Errorf("allowed_mentions lets %d users be pinged, more than the requester", len(am.Users))
	}
	return nil
}

// checkEmbed checks one embed and returns how many characters it adds to
// the message's total.
func checkEmbed(e *discordgo.MessageEmbed) (int, error) {
	if e == nil {
		return 0, fmt.Errorf("nil embed")
	}
	total := 0
	for _, t := range []struct {
		what string
		text string
		max  int
	}{{"title", e.Title, MaxTitle}, {"description", e.Description, MaxDescription}} {
		n := textLen(t.text)
		if n > t.max {
			return 0, fmt.Errorf("%s has %d characters, more than %d", t.what, n, t.max)
		}
		total += n
	}
	if e.Footer != nil {
		n := textLen(e.Footer.Text)
		if n == 0 || n > MaxFooter {
			return 0, fmt.Errorf("footer has %d characters, want 1 to %d", n, MaxFooter)
		}
		total += n
	}
	if e.Author != nil {
		n := textLen(e.Author.Name)
		if n == 0 || n > MaxAuthor {
			return 0, fmt.Errorf("author has %d characters, want 1 to %d", n, MaxAuthor)
		}
		total += n
	}
	if len(e.Fields) > MaxFields {
		return 0, fmt.Errorf("%d fields, more than %d", len(e.Fields), MaxFields)
	}
	for i, f := range e.Fields {
		if f == nil {
			return 0, fmt.Errorf("field %d is nil", i)
		}
		name, value := textLen(f.Name), textLen(f.Value)
		if name == 0 || name > MaxFieldName {
			return 0, fmt.Errorf("field %d name has %d characters, want 1 to %d", i, name, MaxFieldName)
		}
		if value == 0 || value > MaxFieldValue {
			return 0, fmt.Errorf("field %d value has %d characters, want 1 to %d", i, value, MaxFieldValue)
		}
		total += name + value
	}
	if total == 0 && len(e.Fields) == 0 {
		return 0, fmt.Errorf("embed shows nothing")
	}
	return total, nil
}

func checkComponents(cs []discordgo.MessageComponent) error {
	if len(cs) > MaxActionRows {
		return fmt.Errorf("%d action rows, more than %d", len(cs), MaxActionRows)
	}
	ids := map[string]bool{}
	for i, c := range cs {
		row, ok := c.(discordgo.ActionsRow)
		if !ok {
			return fmt.Errorf("component %d is not an action row", i)
		}
		if len(row.Components) == 0 || len(row.Components) > MaxRowButtons {
			return fmt.Errorf("action row %d has %d buttons, want 1 to %d", i, len(row.Components), MaxRowButtons)
		}
		for j, c := range row.Components {
			if err := checkButton(c, ids); err != nil {
				return fmt.Errorf("action row %d, button %d: %w", i, j, err)
			}
		}
	}
	return nil
}

func checkButton(c discordgo.MessageComponent, ids map[string]bool) error {
	b, ok := c.(discordgo.Button)
	if !ok {
		return fmt.Errorf("not a button")
	}
	if n := textLen(b.Label); n == 0 || n > MaxLabel {
		return fmt.Errorf("label has %d characters, want 1 to %d", n, MaxLabel)
	}
	switch b.Style {
	case discordgo.PrimaryButton, discordgo.SecondaryButton, discordgo.SuccessButton, discordgo.DangerButton:
	default:
		return fmt.Errorf("style %d is not an interactive button's", b.Style)
	}
	if b.URL != "" {
		return fmt.Errorf("an interactive button has a URL")
	}
	if n := len(b.CustomID); n == 0 || n > MaxCustomID {
		return fmt.Errorf("custom_id has %d characters, want 1 to %d", n, MaxCustomID)
	}
	if ids[b.CustomID] {
		return fmt.Errorf("custom_id %q is not unique in the message", b.CustomID)
	}
	ids[b.CustomID] = true
	return nil
}
