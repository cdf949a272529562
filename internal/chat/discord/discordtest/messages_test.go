package discordtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestChannelMessagesArePostedEditedAndRead(t *testing.T) {
	s, c := start(t)
	dg := client(t, s)
	m, err := dg.ChannelMessageSendComplex(general, &discordgo.MessageSend{
		Content:         "<@100> asks to delete demo-nyc/nyc-204",
		Embeds:          []*discordgo.MessageEmbed{{Title: "Approval", Description: "p2"}},
		AllowedMentions: &discordgo.MessageAllowedMentions{Users: []string{"100"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.ChannelID != general || m.Author == nil || !m.Author.Bot || len(m.Embeds) != 1 {
		t.Fatalf("posted message %+v", m)
	}
	c.Advance(60_000_000_000)
	text := "approved"
	e, err := dg.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: m.ID, Channel: general, Content: &text})
	if err != nil || e.Content != text || e.EditedTimestamp == nil || len(e.Embeds) != 1 {
		t.Fatalf("edit: %v, %+v (the embed stays, the content changes)", err, e)
	}
	got, err := dg.ChannelMessage(general, m.ID)
	if err != nil || got.Content != text {
		t.Fatalf("get: %v, %+v", err, got)
	}
	st := s.State()
	sm := st.Messages[general][0]
	if len(sm.History) != 2 || sm.History[0].Content != m.Content {
		t.Fatalf("history %+v", sm.History)
	}
	var am struct {
		Users []string `json:"users"`
	}
	if json.Unmarshal(sm.History[0].AllowedMentions, &am) != nil || len(am.Users) != 1 || am.Users[0] != "100" {
		t.Fatalf("allowed_mentions recorded as %s", sm.History[0].AllowedMentions)
	}
}

func TestUnknownChannelsAndMessagesAreRefused(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	_, err := dg.ChannelMessageSend("999", "x")
	if st, code := restCode(err); st != http.StatusNotFound || code != CodeUnknownChannel {
		t.Fatalf("post to an unknown channel: %v", err)
	}
	text := "x"
	_, err = dg.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: "123", Channel: general, Content: &text})
	if st, code := restCode(err); st != http.StatusNotFound || code != CodeUnknownMessage {
		t.Fatalf("edit of an unknown message: %v", err)
	}
	if _, err := dg.ChannelMessageSend(general, ""); err == nil {
		t.Fatal("an empty message was accepted")
	} else if _, code := restCode(err); code != CodeEmptyMessage {
		t.Fatalf("empty message: %v, want %d", err, CodeEmptyMessage)
	}
}

func TestAMessageOverALimitIsAnInvalidFormBody(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	_, err := dg.ChannelMessageSendComplex(general, &discordgo.MessageSend{
		Embeds: []*discordgo.MessageEmbed{{Title: strings.Repeat("t", MaxEmbedTitle+1)}},
	})
	var re *discordgo.RESTError
	if st, code := restCode(err); st != http.StatusBadRequest || code != CodeInvalidFormBody {
		t.Fatalf("embed title over the limit: %v", err)
	}
	re = err.(*discordgo.RESTError)
	var body struct {
		Errors map[string]map[string]map[string]struct {
			Errors []struct{ Code string } `json:"_errors"`
		} `json:"errors"`
	}
	if json.Unmarshal(re.ResponseBody, &body) != nil || len(body.Errors["embeds"]["0"]["title"].Errors) != 1 {
		t.Fatalf("errors object %s, want embeds.0.title", re.ResponseBody)
	}
	if len(s.State().Messages[general]) != 0 {
		t.Fatal("a refused message was stored")
	}
}

func TestABadTokenIsUnauthorized(t *testing.T) {
	s, _ := start(t)
	dg, _ := discordgo.New("Bot wrong")
	s.Point(dg)
	_, err := dg.ChannelMessageSend(general, "x")
	var re *discordgo.RESTError
	if st, _ := restCode(err); st != http.StatusUnauthorized {
		t.Fatalf("wrong token: %v, want 401", err)
	}
	re = err.(*discordgo.RESTError)
	if re.Message.Message != "401: Unauthorized" {
		t.Fatalf("401 message %q", re.Message.Message)
	}
}
