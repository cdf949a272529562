package slacktest

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit limits Slack enforces on what it is sent. A message over one
// of them is refused whole (invalid_blocks); nothing is cut.
const (
	MaxMessageBlocks  = 50
	MaxViewBlocks     = 100
	MaxSectionText    = 3000
	MaxSectionFields  = 10
	MaxFieldText      = 2000
	MaxHeaderText     = 150
	MaxButtonText     = 75
	MaxButtonValue    = 2000
	MaxActionID       = 255
	MaxBlockID        = 255
	MaxActionElements = 25
	MaxContextItems   = 10
	MaxMessageText    = 40000
)

// CheckText refuses a message text over MaxMessageText characters, which
// Slack answers with msg_too_long.
func CheckText(text string) error {
	if n := utf8.RuneCountInString(text); n > MaxMessageText {
		return fmt.Errorf("message text is %d characters, over %d", n, MaxMessageText)
	}
	return nil
}

// CheckBlocks checks a message's blocks (the JSON array sent as "blocks")
// against the limits Slack refuses with invalid_blocks, and names the first
// block and limit broken. Renderer tests call it on what they render.
func CheckBlocks(raw json.RawMessage) error { return checkBlocks(raw, MaxMessageBlocks) }

// CheckViewBlocks is CheckBlocks for a modal's blocks, which may be 100.
func CheckViewBlocks(raw json.RawMessage) error { return checkBlocks(raw, MaxViewBlocks) }

// block is the part of a block the limits look at.
type block struct {
	Type      string    `json:"type"`
	BlockID   string    `json:"block_id"`
	Text      *textObj  `json:"text"`
	Fields    []textObj `json:"fields"`
	Elements  []element `json:"elements"`
	Accessory *element  `json:"accessory"`
}

type textObj struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// element is an interactive element or a context item: a context item's
// text is a plain string, a button's a text object, hence RawMessage.
type element struct {
	Type     string          `json:"type"`
	Text     json.RawMessage `json:"text"`
	ActionID string          `json:"action_id"`
	Value    string          `json:"value"`
}

// label is a button's text object.
func (e element) label() (textObj, bool) {
	var t textObj
	return t, json.Unmarshal(e.Text, &t) == nil && t.Type == "plain_text"
}

func checkBlocks(raw json.RawMessage, max int) error {
	var blocks []json.RawMessage
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return fmt.Errorf("blocks are not a JSON array: %v", err)
	}
	if len(blocks) > max {
		return fmt.Errorf("%d blocks, over %d", len(blocks), max)
	}
	for i, r := range blocks {
		var b block
		if err := json.Unmarshal(r, &b); err != nil {
			return fmt.Errorf("block %d is not a block object: %v", i, err)
		}
		if err := checkBlock(b); err != nil {
			return fmt.Errorf("block %d (%s): %w", i, b.Type, err)
		}
	}
	return nil
}

func checkBlock(b block) error {
	if b.Type == "" {
		return fmt.Errorf("no type")
	}
	if err := atMost("block_id", b.BlockID, MaxBlockID); err != nil {
		return err
	}
	switch b.Type {
	case "section":
		if b.Text == nil && len(b.Fields) == 0 {
			return fmt.Errorf("neither text nor fields")
		}
		if b.Text != nil {
			if err := atMost("text", b.Text.Text, MaxSectionText); err != nil {
				return err
			}
		}
		if len(b.Fields) > MaxSectionFields {
			return fmt.Errorf("%d fields, over %d", len(b.Fields), MaxSectionFields)
		}
		for i, f := range b.Fields {
			if err := atMost(fmt.Sprintf("field %d", i), f.Text, MaxFieldText); err != nil {
				return err
			}
		}
		if b.Accessory != nil {
			return checkElement(*b.Accessory)
		}
	case "header":
		if b.Text == nil || b.Text.Type != "plain_text" {
			return fmt.Errorf("text is not plain_text")
		}
		return atMost("text", b.Text.Text, MaxHeaderText)
	case "actions":
		if len(b.Elements) == 0 || len(b.Elements) > MaxActionElements {
			return fmt.Errorf("%d elements, want 1 to %d", len(b.Elements), MaxActionElements)
		}
		for _, e := range b.Elements {
			if err := checkElement(e); err != nil {
				return err
			}
		}
	case "context":
		if len(b.Elements) == 0 || len(b.Elements) > MaxContextItems {
			return fmt.Errorf("%d elements, want 1 to %d", len(b.Elements), MaxContextItems)
		}
	}
	return nil
}

func checkElement(e element) error {
	if err := atMost("action_id", e.ActionID, MaxActionID); err != nil {
		return err
	}
	if e.Type != "button" {
		return nil
	}
	t, ok := e.label()
	if !ok {
		return fmt.Errorf("button text is not plain_text")
	}
	if err := atMost("button text", t.Text, MaxButtonText); err != nil {
		return err
	}
	return atMost("button value", e.Value, MaxButtonValue)
}

func atMost(what, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%s is %d characters, over %d", what, n, max)
	}
	return nil
}
