package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
)

// FuzzSignedInteractions sends correctly signed bodies of any content to
// the interactions endpoint: whatever Discord (or whoever holds its key)
// sends, the bot answers 200 with an interaction response, 400 or 413,
// with one line, never panics, and never answers 401 to a good signature.
//
// Caveat: an input that is a valid command starts work in the background
// (its replies go to the fake, which knows no such interaction); the
// check is of the immediate answer only, and the adapter's Wait at the
// end drains that work before the database closes.
func FuzzSignedInteractions(f *testing.F) {
	fake := discordtest.New(discordtest.Options{GuildID: guild, Channels: []string{opsChan, approvals}})
	f.Cleanup(fake.Close)
	a := openAppAt(f, dbPath(f), 1000)
	o := fake.Options()
	ad, err := discordchat.New(context.Background(), a.Runner, discordchat.Config{Token: o.BotToken, AppID: o.ApplicationID,
		GuildID: guild, PublicKey: fake.PublicKeyHex(), ApprovalsChannel: approvals, APIURL: fake.URL()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ad.Wait(); a.Close() })
	mux := http.NewServeMux()
	if err := ad.Routes(mux, nil); err != nil {
		f.Fatal(err)
	}
	seed := func(i discordtest.Interaction) {
		if i.Type != discordtest.InteractionPing {
			i.GuildID, i.ChannelID, i.UserID = guild, opsChan, carol
		}
		f.Add([]byte(fake.Mint(i).JSON()))
	}
	seed(discordtest.Ping())
	seed(discordtest.Command("vps", discordtest.SubCommand("whoami")))
	seed(discordtest.Command("vps", discordtest.SubCommand("status", discordtest.String("server", "demo-fra/fra-101"))))
	seed(discordtest.Autocomplete("vps", discordtest.SubCommand("status", discordtest.Focused(discordtest.String("server", "demo")))))
	seed(discordtest.Component("vps:approve:r-nope", 2, "999"))
	seed(discordtest.ModalSubmit("vps:modal", map[string]string{"reason": "x"}))
	undecodable := discordtest.Component("vps:approve:r-x", 2, "999")
	undecodable.Message = discordtest.UndecodableMessage(opsChan, "999")
	seed(undecodable)
	dm := discordtest.Command("vps", discordtest.SubCommand("whoami"))
	dm.DM = true
	seed(dm)
	for _, s := range []string{`null`, `{}`, `[]`, `"x"`, `{"type":2}`, `{"type":3,"data":null}`, `{"type":2,"data":{"name":"vps","options":[null]}}`, `{"type":1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, discordchat.InteractionsPath, bytes.NewReader(body))
		for k, v := range discordtest.Sign(o.PrivateKey, time.Now(), body) {
			req.Header[k] = v
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			var resp struct {
				Type int `json:"type"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &resp) != nil || resp.Type == 0 {
				t.Fatalf("a 200 that is not an interaction response: %s", rec.Body)
			}
		case http.StatusBadRequest:
		case http.StatusRequestEntityTooLarge:
			// Only a body over the limit is refused before parsing.
			if len(body) <= int(discordchat.DefaultMaxBody) {
				t.Fatalf("a signed body refused as too large: %s", rec.Body)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if bytes.Count(bytes.TrimSpace(rec.Body.Bytes()), []byte("\n")) > 0 {
			t.Fatalf("a multi-line answer: %q", rec.Body)
		}
	})
}
