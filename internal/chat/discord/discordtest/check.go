package discordtest

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Limits Discord enforces on a message; a message over one is refused
// whole with 400 Invalid Form Body (50035), nothing is cut.
const (
	MaxContent          = 2000
	MaxEmbeds           = 10
	MaxEmbedTitle       = 256
	MaxEmbedDescription = 4096
	MaxEmbedFields      = 25
	MaxFieldName        = 256
	MaxFieldValue       = 1024
	MaxFooterText       = 2048
	MaxAuthorName       = 256
	MaxEmbedTotal       = 6000 // every embed's text together
	MaxActionRows       = 5
	MaxRowButtons       = 5
	MaxCustomID         = 100
	MaxButtonLabel      = 80
	MaxSelectOptions    = 25
)

// Component types a message (or modal) may carry. Discord has more since
// Components V2 (9 section ... 17 container), which a message may only
// carry with flag 1<<15; the fake refuses them like any unknown type, and
// discordgo v0.28.1 cannot decode them.
const (
	ComponentActionRow  = 1
	ComponentButton     = 2
	ComponentSelect     = 3
	ComponentTextInput  = 4
	ComponentUserSelect = 5
	ComponentChannelSel = 8
	ComponentContainer  = 17 // Components V2, for UndecodableMessage
	buttonStyleLink     = 5
)

// messageBody is what the fake reads of a message body: a channel
// message, an interaction response's data, a follow-up or an edit. A nil
// field was not sent (an edit leaves it as it was).
type messageBody struct {
	Content         *string          `json:"content"`
	Embeds          *json.RawMessage `json:"embeds"`
	Components      *json.RawMessage `json:"components"`
	Flags           *int             `json:"flags"`
	AllowedMentions json.RawMessage  `json:"allowed_mentions"`
}

type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
}

type component struct {
	Type       int               `json:"type"`
	CustomID   string            `json:"custom_id"`
	Label      string            `json:"label"`
	Style      int               `json:"style"`
	URL        string            `json:"url"`
	Options    []json.RawMessage `json:"options"`
	Components []component       `json:"components"`
}

// CheckMessage checks a message body (the JSON discordgo sends for a
// channel message, an interaction response's data, a follow-up or an
// edit) against the limits Discord refuses with 50035 Invalid Form Body,
// and names the first rule broken. Renderer tests call it on what they
// render.
func CheckMessage(raw json.RawMessage) error {
	var b messageBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return fmt.Errorf("message body is not a JSON object: %w", err)
	}
	return checkMessage(b).err()
}

func checkMessage(b messageBody) problems {
	var ps problems
	if b.Content != nil {
		ps.maxLen("content", *b.Content, MaxContent)
	}
	if b.Embeds != nil {
		checkEmbeds(&ps, *b.Embeds)
	}
	if b.Components != nil {
		checkComponents(&ps, *b.Components)
	}
	return ps
}

func checkEmbeds(ps *problems, raw json.RawMessage) {
	var es []embed
	if json.Unmarshal(raw, &es) != nil {
		ps.add("embeds", "BASE_TYPE_ARRAY", "Must be an array.")
		return
	}
	ps.maxItems("embeds", len(es), MaxEmbeds)
	total := 0
	count := func(s string) int { return utf8.RuneCountInString(s) }
	for i, e := range es {
		ps.maxLen(at("embeds", i, "title"), e.Title, MaxEmbedTitle)
		ps.maxLen(at("embeds", i, "description"), e.Description, MaxEmbedDescription)
		ps.maxItems(at("embeds", i, "fields"), len(e.Fields), MaxEmbedFields)
		total += count(e.Title) + count(e.Description)
		for j, f := range e.Fields {
			ps.maxLen(at(at("embeds", i, "fields"), j, "name"), f.Name, MaxFieldName)
			ps.maxLen(at(at("embeds", i, "fields"), j, "value"), f.Value, MaxFieldValue)
			total += count(f.Name) + count(f.Value)
		}
		if e.Footer != nil {
			ps.maxLen(at("embeds", i, "footer", "text"), e.Footer.Text, MaxFooterText)
			total += count(e.Footer.Text)
		}
		if e.Author != nil {
			ps.maxLen(at("embeds", i, "author", "name"), e.Author.Name, MaxAuthorName)
			total += count(e.Author.Name)
		}
	}
	if total > MaxEmbedTotal {
		ps.add("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of %d", MaxEmbedTotal)
	}
}

// checkComponents checks a message's components: up to five action rows,
// each holding up to five buttons or one select menu.
func checkComponents(ps *problems, raw json.RawMessage) {
	var rows []component
	if json.Unmarshal(raw, &rows) != nil {
		ps.add("components", "BASE_TYPE_ARRAY", "Must be an array.")
		return
	}
	ps.maxItems("components", len(rows), MaxActionRows)
	for i, row := range rows {
		path := at("components", i)
		if row.Type != ComponentActionRow {
			ps.add(path+".type", "COMPONENT_TYPE_INVALID", "Component type %d is not an action row", row.Type)
			continue
		}
		if len(row.Components) == 0 {
			ps.add(path+".components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
		}
		ps.maxItems(path+".components", len(row.Components), MaxRowButtons)
		for j, c := range row.Components {
			checkRowItem(ps, at(path+".components", j), c, len(row.Components))
		}
	}
}

func checkRowItem(ps *problems, path string, c component, siblings int) {
	switch c.Type {
	case ComponentButton:
		ps.maxLen(path+".label", c.Label, MaxButtonLabel)
		ps.maxLen(path+".custom_id", c.CustomID, MaxCustomID)
		if c.Style == buttonStyleLink {
			if c.URL == "" || c.CustomID != "" {
				ps.add(path, "COMPONENT_LINK_INVALID", "A link button needs a url and no custom_id")
			}
		} else if c.CustomID == "" {
			ps.add(path+".custom_id", "BASE_TYPE_REQUIRED", "This field is required")
		}
	case ComponentSelect, ComponentUserSelect, 6, 7, ComponentChannelSel:
		ps.between(path+".custom_id", c.CustomID, 1, MaxCustomID)
		ps.maxItems(path+".options", len(c.Options), MaxSelectOptions)
		if siblings > 1 {
			ps.add(path, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select menu takes a whole action row")
		}
	default: // a text input (modals only), a nested row, or an unknown type
		ps.add(path+".type", "COMPONENT_TYPE_INVALID", "Component type %d is not allowed here", c.Type)
	}
}

// checkModal checks a modal (interaction callback type 9): a custom_id,
// a title of up to 45 characters, and one to five action rows of one text
// input each.
func checkModal(raw json.RawMessage) problems {
	var m struct {
		CustomID   string      `json:"custom_id"`
		Title      string      `json:"title"`
		Components []component `json:"components"`
	}
	var ps problems
	if json.Unmarshal(raw, &m) != nil {
		ps.add("data", "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
		return ps
	}
	ps.between("data.custom_id", m.CustomID, 1, MaxCustomID)
	ps.between("data.title", m.Title, 1, 45)
	if len(m.Components) == 0 {
		ps.add("data.components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
	}
	ps.maxItems("data.components", len(m.Components), MaxActionRows)
	for i, row := range m.Components {
		path := at("data.components", i)
		if row.Type != ComponentActionRow || len(row.Components) != 1 || row.Components[0].Type != ComponentTextInput {
			ps.add(path, "COMPONENT_TYPE_INVALID", "A modal row holds one text input")
			continue
		}
		ps.between(path+".components.0.custom_id", row.Components[0].CustomID, 1, MaxCustomID)
	}
	return ps
}

// empty reports whether a new message would show nothing, which Discord
// refuses with 50006 Cannot send an empty message.
func (b messageBody) empty() bool {
	has := func(r *json.RawMessage) bool {
		if r == nil {
			return false
		}
		var xs []json.RawMessage
		return json.Unmarshal(*r, &xs) == nil && len(xs) > 0
	}
	return (b.Content == nil || *b.Content == "") && !has(b.Embeds) && !has(b.Components)
}
