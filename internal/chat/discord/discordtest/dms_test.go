package discordtest

import (
	"testing"
)

func TestDirectMessagesGoToOneChannelPerUser(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	ch, err := dg.UserChannelCreate("500")
	if err != nil {
		t.Fatal(err)
	}
	again, err := dg.UserChannelCreate("500")
	if err != nil || again.ID != ch.ID {
		t.Fatalf("a second open gave %v, %v; want channel %s", again, err, ch.ID)
	}
	if _, err := dg.ChannelMessageSend(ch.ID, "only for you"); err != nil {
		t.Fatal(err)
	}
	st := s.State()
	if st.DMs["500"] != ch.ID || len(st.Messages[ch.ID]) != 1 || st.Messages[ch.ID][0].Content() != "only for you" {
		t.Fatalf("DMs %v, messages %+v", st.DMs, st.Messages[ch.ID])
	}
	other, err := dg.UserChannelCreate("501")
	if err != nil || other.ID == ch.ID {
		t.Fatalf("another user's DM channel: %v, %v", other, err)
	}
}
