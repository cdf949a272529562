package discordtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// app is a minimal HTTP-mode app: it verifies each request with
// discordgo's own VerifyInteraction, answers a PING with a PONG and a
// command with a message, and records what it verified.
func app(t *testing.T, s *Server) (url string, verified chan bool) {
	t.Helper()
	verified = make(chan bool, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok := discordgo.VerifyInteraction(r, s.PublicKey())
		verified <- ok
		if !ok {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var i discordgo.Interaction
		if err := json.Unmarshal(body, &i); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp := discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
		if i.Type == discordgo.InteractionApplicationCommand {
			resp = *reply("hello "+i.ApplicationCommandData().Name, 0)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, verified
}

func TestSignaturesVerifyWithDiscordgo(t *testing.T) {
	s, _ := start(t)
	url, verified := app(t, s)
	i, status, _, err := s.PostInteraction(ctx(t), url, Ping())
	if err != nil || status != http.StatusOK || !<-verified {
		t.Fatalf("signed PING: %v, status %d", err, status)
	}
	if x := s.State().Interactions[i.ID]; x.Callback == nil || x.Callback.Type != CallbackPong {
		t.Fatalf("the app's PONG was not taken as the callback: %+v", x.Callback)
	}
	if _, status, _, _ := s.PostInteraction(ctx(t), url, Ping(), BadSignature()); status != http.StatusUnauthorized || <-verified {
		t.Fatalf("a bad signature verified (status %d)", status)
	}
}

func TestAnHTTPAnswerIsTheCallback(t *testing.T) {
	s, _ := start(t)
	url, verified := app(t, s)
	i, _, _, err := s.PostInteraction(ctx(t), url, Command("vps", SubCommand("list")))
	if err != nil || !<-verified {
		t.Fatalf("signed command: %v", err)
	}
	o := s.State().Interactions[i.ID].Original
	if o == nil || o.Content() != "hello vps" {
		t.Fatalf("original response %+v, want the app's answer", o)
	}
	// The answer counts as the acknowledgement: a callback after it is refused.
	err = client(t, s).InteractionRespond(interaction(t, i), reply("again", 0))
	if _, code := restCode(err); code != CodeAlreadyAcknowledged {
		t.Fatalf("callback after the HTTP answer: %v, want %d", err, CodeAlreadyAcknowledged)
	}
}

func TestStaleSignaturesCarryAnOldTimestamp(t *testing.T) {
	s, c := start(t)
	r, err := s.SignedRequest(ctx(t), "http://127.0.0.1/", []byte(`{"type":1}`), Stale(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	want := strconv.FormatInt(c.Now().Add(-10*time.Minute).Unix(), 10)
	if got := r.Header.Get("X-Signature-Timestamp"); got != want {
		t.Fatalf("timestamp %s, want %s", got, want)
	}
	// Validly signed all the same: only its age gives it away.
	if !discordgo.VerifyInteraction(r, s.PublicKey()) {
		t.Fatal("a stale request does not verify")
	}
}

func TestSignIsEd25519OverTimestampAndBody(t *testing.T) {
	s, c := start(t)
	body := []byte(`{"type":1}`)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
	for k, v := range Sign(s.Options().PrivateKey, c.Now(), body) {
		r.Header[k] = v
	}
	if !discordgo.VerifyInteraction(r, s.PublicKey()) {
		t.Fatal("discordgo does not verify Sign's headers")
	}
	r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"type":2}`))
	for k, v := range Sign(s.Options().PrivateKey, c.Now(), body) {
		r.Header[k] = v
	}
	if discordgo.VerifyInteraction(r, s.PublicKey()) {
		t.Fatal("a signature verified another body")
	}
	if len(s.PublicKeyHex()) != 64 {
		t.Fatalf("public key hex %q", s.PublicKeyHex())
	}
}
