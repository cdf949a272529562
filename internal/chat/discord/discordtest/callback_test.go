package discordtest

import (
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func reply(content string, flags discordgo.MessageFlags) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: content, Flags: flags},
	}
}

func TestAnOriginalResponseFollowUpsAndEditsAreStored(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	i := s.Mint(Command("vps", SubCommand("list")))
	di := interaction(t, i)
	if err := dg.InteractionRespond(di, reply("two servers", 0)); err != nil {
		t.Fatalf("respond: %v", err)
	}
	f, err := dg.FollowupMessageCreate(di, true, &discordgo.WebhookParams{Content: "only you", Flags: discordgo.MessageFlagsEphemeral})
	if err != nil {
		t.Fatalf("follow-up: %v", err)
	}
	if f.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("follow-up flags %d, want ephemeral", f.Flags)
	}
	text := "three servers"
	m, err := dg.InteractionResponseEdit(di, &discordgo.WebhookEdit{Content: &text})
	if err != nil || m.Content != text {
		t.Fatalf("edit original: %v, %+v", err, m)
	}
	st := s.State()
	x := st.Interactions[i.ID]
	if x.Callback == nil || x.Callback.Type != CallbackMessage {
		t.Fatalf("callback %+v, want type 4", x.Callback)
	}
	if x.Original == nil || len(x.Original.History) != 2 || x.Original.Content() != text {
		t.Fatalf("original %+v, want two versions ending %q", x.Original, text)
	}
	if len(x.FollowUps) != 1 || !x.FollowUps[0].Ephemeral || x.FollowUps[0].ID != f.ID {
		t.Fatalf("follow-ups %+v", x.FollowUps)
	}
	// The channel shows the original response, never the ephemeral follow-up.
	if ms := st.Messages[general]; len(ms) != 1 || ms[0].ID != x.Original.ID {
		t.Fatalf("channel shows %+v, want only the original response", ms)
	}
	if got, err := dg.InteractionResponse(di); err != nil || got.Content != text {
		t.Fatalf("GET @original: %v, %+v", err, got)
	}
	if err := dg.FollowupMessageDelete(di, f.ID); err != nil {
		t.Fatalf("delete follow-up: %v", err)
	}
	if _, err := dg.WebhookMessage(appID, i.Token, f.ID); err == nil {
		t.Fatal("a deleted follow-up is still there")
	}
}

func TestAnInteractionIsAcknowledgedOnce(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	di := interaction(t, s.Mint(Command("vps")))
	if err := dg.InteractionRespond(di, reply("first", 0)); err != nil {
		t.Fatal(err)
	}
	err := dg.InteractionRespond(di, reply("second", 0))
	if st, code := restCode(err); st != http.StatusBadRequest || code != CodeAlreadyAcknowledged {
		t.Fatalf("second callback: %v, want 400 %d", err, CodeAlreadyAcknowledged)
	}
}

func TestTheCallbackMustComeWithinThreeSeconds(t *testing.T) {
	s, c := start(t)
	dg := client(t, s)
	onTime := interaction(t, s.Mint(Command("vps")))
	late := interaction(t, s.Mint(Command("vps")))
	c.Advance(CallbackWindow)
	if err := dg.InteractionRespond(onTime, reply("just in time", 0)); err != nil {
		t.Fatalf("callback at 3 s: %v", err)
	}
	c.Advance(time.Millisecond)
	err := dg.InteractionRespond(late, reply("too late", 0))
	if st, code := restCode(err); st != http.StatusNotFound || code != CodeUnknownInteraction {
		t.Fatalf("callback after 3 s: %v, want 404 %d", err, CodeUnknownInteraction)
	}
	if x := s.State().Interactions[late.ID]; x.Callback != nil || x.Original != nil {
		t.Fatalf("a late callback was stored: %+v", x)
	}
}

func TestOnlyInteractionsTheFakeSentCanBeAnswered(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	real := interaction(t, s.Mint(Command("vps")))
	forged := *real
	forged.Token = "made-up"
	err := dg.InteractionRespond(&forged, reply("x", 0))
	if _, code := restCode(err); code != CodeUnknownInteraction {
		t.Fatalf("callback with a made-up token: %v, want %d", err, CodeUnknownInteraction)
	}
	_, err = dg.FollowupMessageCreate(&forged, true, &discordgo.WebhookParams{Content: "x"})
	if st, code := restCode(err); st != http.StatusNotFound || code != CodeUnknownWebhook {
		t.Fatalf("follow-up with a made-up token: %v, want 404 %d", err, CodeUnknownWebhook)
	}
}

func TestCallbackTypesFitTheInteraction(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	pong := &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
	cmd := interaction(t, s.Mint(Command("vps")))
	if _, code := restCode(dg.InteractionRespond(cmd, pong)); code != CodeInvalidFormBody {
		t.Fatalf("PONG to a command: code %d, want %d", code, CodeInvalidFormBody)
	}
	ping := s.Mint(Ping())
	dping := &discordgo.Interaction{ID: ping.ID, Token: ping.Token, AppID: appID}
	if _, code := restCode(dg.InteractionRespond(dping, reply("hi", 0))); code != CodeInvalidFormBody {
		t.Fatalf("a message to a PING: code %d, want %d", code, CodeInvalidFormBody)
	}
	if err := dg.InteractionRespond(dping, pong); err != nil {
		t.Fatalf("PONG to a PING: %v", err)
	}
	auto := interaction(t, s.Mint(Autocomplete("vps", SubCommand("status", Focused(String("server", "fra"))))))
	choices := &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "fra-101", Value: "demo-fra/fra-101"}}},
	}
	if err := dg.InteractionRespond(auto, choices); err != nil {
		t.Fatalf("choices to an autocomplete: %v", err)
	}
	if x := s.State().Interactions[auto.ID]; x.Callback == nil || x.Callback.Type != CallbackAutocompleteResult {
		t.Fatalf("autocomplete callback %+v", x.Callback)
	}
}

func TestADeferredResponseLoadsUntilEdited(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	i := s.Mint(Command("vps", SubCommand("reboot", String("server", "demo-fra/fra-101"))))
	di := interaction(t, i)
	deferred := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}
	if err := dg.InteractionRespond(di, deferred); err != nil {
		t.Fatal(err)
	}
	o := s.State().Interactions[i.ID].Original
	if o == nil || o.Now().Flags != FlagLoading|FlagEphemeral || !o.Ephemeral {
		t.Fatalf("deferred original %+v, want loading and ephemeral", o)
	}
	text := "rebooted"
	if _, err := dg.InteractionResponseEdit(di, &discordgo.WebhookEdit{Content: &text}); err != nil {
		t.Fatal(err)
	}
	o = s.State().Interactions[i.ID].Original
	if o.Now().Flags != FlagEphemeral || o.Content() != text {
		t.Fatalf("edited original %+v, want ephemeral %q, loading no more", o.Now(), text)
	}
	if len(s.State().Messages[general]) != 0 {
		t.Fatal("an ephemeral response is listed in the channel")
	}
}

func TestWebhooksStopAfterFifteenMinutes(t *testing.T) {
	s, c := start(t)
	dg := client(t, s)
	di := interaction(t, s.Mint(Command("vps")))
	if err := dg.InteractionRespond(di, reply("working", 0)); err != nil {
		t.Fatal(err)
	}
	c.Advance(WebhookWindow)
	if _, err := dg.FollowupMessageCreate(di, true, &discordgo.WebhookParams{Content: "at 15 min"}); err != nil {
		t.Fatalf("follow-up at 15 minutes: %v", err)
	}
	c.Advance(time.Second)
	text := "too late"
	_, err := dg.InteractionResponseEdit(di, &discordgo.WebhookEdit{Content: &text})
	if st, code := restCode(err); st != http.StatusUnauthorized || code != CodeInvalidWebhookToken {
		t.Fatalf("edit after 15 minutes: %v, want 401 %d", err, CodeInvalidWebhookToken)
	}
	_, err = dg.FollowupMessageCreate(di, true, &discordgo.WebhookParams{Content: text})
	if _, code := restCode(err); code != CodeInvalidWebhookToken {
		t.Fatalf("follow-up after 15 minutes: %v, want %d", err, CodeInvalidWebhookToken)
	}
}

func TestFollowUpsWaitForTheAcknowledgement(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	di := interaction(t, s.Mint(Command("vps")))
	_, err := dg.FollowupMessageCreate(di, true, &discordgo.WebhookParams{Content: "early"})
	if _, code := restCode(err); code != CodeUnknownWebhook {
		t.Fatalf("follow-up before any callback: %v, want %d", err, CodeUnknownWebhook)
	}
}

func TestUpdateMessageEditsTheMessageTheButtonWasOn(t *testing.T) {
	s, _ := start(t)
	dg := client(t, s)
	m, err := dg.ChannelMessageSendComplex(approvals, &discordgo.MessageSend{
		Content: "approve r-1?",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Approve", CustomID: "approve:r-1", Style: discordgo.SuccessButton},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	i := s.Mint(Component("approve:r-1", ComponentButton, m.ID))
	di := interaction(t, i)
	if di.Message == nil || di.Message.ID != m.ID {
		t.Fatalf("the interaction carries message %+v, want %s", di.Message, m.ID)
	}
	update := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: "approved by alice", Components: []discordgo.MessageComponent{}},
	}
	if err := dg.InteractionRespond(di, update); err != nil {
		t.Fatal(err)
	}
	got, _ := s.State().Message(m.ID)
	if len(got.History) != 2 || got.Content() != "approved by alice" || got.Now().Components != nil {
		t.Fatalf("the button's message %+v, want it edited and without buttons", got)
	}
}
