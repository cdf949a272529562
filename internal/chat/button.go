package chat

import (
	"fmt"
	"strings"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// Button is what a pressed button carries: an action and one opaque
// argument (a request id, or a page token and index). Never who may press
// it or what it does to which server: who pressed comes from the
// platform's signed payload, and the rest from the store.
type Button struct {
	Action string // "confirm", "cancel", "approve", "deny" or "page"
	Arg    string
}

// ActionPage turns a page of a long list.
const ActionPage = "page"

// buttonPrefix marks the ids of our buttons among a platform's others.
const buttonPrefix = "vps:"

// MaxButtonData bounds an encoded button: Discord's custom_id holds 100
// characters, Slack's value 2,000.
const MaxButtonData = 100

// ID is the button's action id: "vps:confirm". Slack puts it in action_id
// and Arg in value.
func (b Button) ID() string { return buttonPrefix + b.Action }

// Encode is the button as one string ("vps:confirm:r-abc"), for platforms
// with a single custom id (Discord).
func (b Button) Encode() string { return b.ID() + ":" + b.Arg }

// ActionButton is the button of a request view's action.
func ActionButton(a commands.ActionID, requestID string) Button {
	return Button{Action: string(a), Arg: requestID}
}

// PageButton is the button that shows page index of the kept result token.
func PageButton(token string, index int) Button {
	return Button{Action: ActionPage, Arg: fmt.Sprintf("%s:%d", token, index)}
}

// ParseButton reads an action id and its argument back. Anything else
// than one of our actions with a short, printable argument is refused.
func ParseButton(id, arg string) (Button, error) {
	action, ok := strings.CutPrefix(id, buttonPrefix)
	if !ok {
		return Button{}, fault.Errorf(fault.Invalid, "unknown button")
	}
	switch action {
	case string(commands.ActionConfirm), string(commands.ActionCancel),
		string(commands.ActionApprove), string(commands.ActionDeny), ActionPage:
	default:
		return Button{}, fault.Errorf(fault.Invalid, "unknown button")
	}
	if arg == "" || len(arg) > MaxButtonData || strings.ContainsFunc(arg, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return Button{}, fault.Errorf(fault.Invalid, "malformed button value")
	}
	return Button{Action: action, Arg: arg}, nil
}

// DecodeButton reads an Encode'd button.
func DecodeButton(s string) (Button, error) {
	rest, ok := strings.CutPrefix(s, buttonPrefix)
	if !ok {
		return Button{}, fault.Errorf(fault.Invalid, "unknown button")
	}
	action, arg, _ := strings.Cut(rest, ":")
	return ParseButton(buttonPrefix+action, arg)
}
