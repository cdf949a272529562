package slack

import (
	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
)

type Message struct {
	Blocks []slack.Block
	Text   string
}

func Render(r chat.Reply) Message {
	t := "reply"
	switch {
	case r.Err != nil:
		t = r.Err.Error()
	case r.View != nil:
		t = r.View.Title
	case r.Result != nil:
		t = r.Result.Title + commands.Plain(*r.Result, true)
	case r.Step != nil:
		t = r.Step.Title
	case r.Text != "":
		t = r.Text
	}
	return Message{Text: t}
}
