package slack

import (
	"fmt"
	"unicode/utf16"

	"github.com/slack-go/slack"
)

// Block Kit's limits, as Slack documents them. Slack refuses a whole
// message (invalid_blocks) when one of them is broken, so Render keeps
// within every one and CheckLimits proves it.
const (
	MaxBlocks       = 50      // blocks in one message
	MaxText         = 3000    // a section's text, a context element, a text object
	MaxFields       = 10      // fields in one section
	MaxFieldText    = 2000    // one section field
	MaxHeaderText   = 150     // a header block's plain text
	MaxContextItems = 10      // elements in one context block
	MaxActions      = 25      // elements in one actions block
	MaxButtonText   = 75      // a button's label
	MaxButtonValue  = 2000    // a button's value
	MaxActionID     = 255     // a button's action_id
	MaxFallback     = MaxText // Message.Text: what notifications show
)

// textLen measures s as Slack counts a text's length, in UTF-16 code units:
// an emoji outside the basic plane counts twice. Counting so is never less
// than counting runes, so a text that passes here passes either way.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// CheckLimits reports the first Block Kit limit msg breaks, or nil. It
// knows the block types Render makes; any other block is refused, so a
// renderer that starts using a new one must teach it here first.
func CheckLimits(msg Message) error {
	if msg.Text == "" {
		return fmt.Errorf("message has no fallback text")
	}
	if n := textLen(msg.Text); n > MaxFallback {
		return fmt.Errorf("fallback text has %d characters, more than %d", n, MaxFallback)
	}
	if len(msg.Blocks) > MaxBlocks {
		return fmt.Errorf("message has %d blocks, more than %d", len(msg.Blocks), MaxBlocks)
	}
	for i, b := range msg.Blocks {
		if err := checkBlock(b); err != nil {
			return fmt.Errorf("block %d (%s): %w", i, b.BlockType(), err)
		}
	}
	return nil
}

func checkBlock(b slack.Block) error {
	switch b := b.(type) {
	case *slack.HeaderBlock:
		if b.Text == nil || b.Text.Type != slack.PlainTextType {
			return fmt.Errorf("header text is not plain text")
		}
		return checkText(b.Text, MaxHeaderText)
	case *slack.SectionBlock:
		if b.Text == nil && len(b.Fields) == 0 {
			return fmt.Errorf("section has neither text nor fields")
		}
		if b.Text != nil {
			if err := checkText(b.Text, MaxText); err != nil {
				return err
			}
		}
		if len(b.Fields) > MaxFields {
			return fmt.Errorf("section has %d fields, more than %d", len(b.Fields), MaxFields)
		}
		for i, f := range b.Fields {
			if err := checkText(f, MaxFieldText); err != nil {
				return fmt.Errorf("field %d: %w", i, err)
			}
		}
	case *slack.ContextBlock:
		els := b.ContextElements.Elements
		if len(els) == 0 || len(els) > MaxContextItems {
			return fmt.Errorf("context has %d elements, want 1 to %d", len(els), MaxContextItems)
		}
		for i, e := range els {
			t, ok := e.(*slack.TextBlockObject)
			if !ok {
				return fmt.Errorf("context element %d is not text", i)
			}
			if err := checkText(t, MaxText); err != nil {
				return fmt.Errorf("context element %d: %w", i, err)
			}
		}
	case *slack.ActionBlock:
		if b.Elements == nil || len(b.Elements.ElementSet) == 0 || len(b.Elements.ElementSet) > MaxActions {
			return fmt.Errorf("actions block needs 1 to %d elements", MaxActions)
		}
		for i, e := range b.Elements.ElementSet {
			if err := checkButton(e); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
		}
	default:
		return fmt.Errorf("block type the renderer does not make")
	}
	return nil
}

func checkButton(e slack.BlockElement) error {
	btn, ok := e.(*slack.ButtonBlockElement)
	if !ok {
		return fmt.Errorf("not a button")
	}
	if btn.Text == nil || btn.Text.Type != slack.PlainTextType {
		return fmt.Errorf("button label is not plain text")
	}
	if err := checkText(btn.Text, MaxButtonText); err != nil {
		return err
	}
	if btn.ActionID == "" || len(btn.ActionID) > MaxActionID {
		return fmt.Errorf("button action_id is empty or longer than %d", MaxActionID)
	}
	if btn.Value == "" || textLen(btn.Value) > MaxButtonValue {
		return fmt.Errorf("button value is empty or longer than %d", MaxButtonValue)
	}
	switch btn.Style {
	case slack.StyleDefault, slack.StylePrimary, slack.StyleDanger:
	default:
		return fmt.Errorf("button style is neither primary nor danger")
	}
	return nil
}

func checkText(t *slack.TextBlockObject, max int) error {
	if t == nil || t.Text == "" {
		return fmt.Errorf("empty text")
	}
	if t.Type != slack.PlainTextType && t.Type != slack.MarkdownType {
		return fmt.Errorf("text type is neither plain_text nor mrkdwn")
	}
	if n := textLen(t.Text); n > max {
		return fmt.Errorf("text has %d characters, more than %d", n, max)
	}
	return nil
}
