package discord_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/app"
	discordchat "github.com/vpsops/vpsops/internal/chat/discord"
	"github.com/vpsops/vpsops/internal/chat/discord/discordtest"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// The load the Discord issue asks the adapter to take: a burst of /vps
// commands at the HTTP interactions endpoint while the provider is slow.
// Discord gives an app 3 s to answer an interaction; the adapter answers
// at once with a deferred response and runs the command in the
// background, so the answer must not wait for the provider however many
// commands are under way.
const (
	loadInteractions  = 200
	loadProviderDelay = 2 * time.Second
)

// The load's guild, channel and people: ids of their own, so that this
// file does not lean on the end-to-end tests' fixtures.
const (
	loadGuild     = "4100"
	loadChannel   = "4200"
	loadApprovals = "4300"
	// loadUserPrefix starts every load user's id; policy grants it with
	// a glob.
	loadUserPrefix = "4700000000000"
)

// loadUser is the Discord user id of the load's i-th requester: each
// command of a burst comes from its own person, as the chat layer paces
// each person (eight of theirs running at once) and would slow one user
// sending 200.
func loadUser(i int) string { return fmt.Sprintf("%s%05d", loadUserPrefix, i) }

// TestLoad200ConcurrentInteractions sends 200 signed `/vps status`
// interactions at once to the HTTP interactions endpoint, each from its
// own user and each about a GleSYS server whose API takes 2 s to answer,
// and checks that every one is answered 200 with a private deferred
// response (how many took longer than Discord's 3 s is logged), and that every interaction's original response is then
// edited with its own answer (in the fake Discord's state), privately,
// with nothing sent any other way. It does so twice: with no connection
// open, then on the 200 connections kept alive from the first burst (as
// a reverse proxy in front of the bot keeps them).
//
// The initial-response latencies (the client's round trip until it has
// read the deferred response, and the handler's own time until it flushed
// it) are logged with -v beside those of a bare net/http handler under the
// same burst, not asserted: the machines that run the tests are shared,
// and a timed assertion would fail with their load rather than with the
// code. docs/benchmarks.md has the figures.
//
// The provider is the real GleSYS driver against its emulator, with a
// 2 s delay on server/details (the one call `status` makes there): the
// demo fleet's reads are instant, so it would not keep 200 commands in
// flight while the answers are measured. Under -race the figures are the
// race detector's, not the adapter's.
func TestLoad200ConcurrentInteractions(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: 200 interactions against a provider taking 2 s each")
	}
	gl := glesystest.New()
	t.Cleanup(gl.Close)
	gl.Inject(glesystest.Fault{Path: "/server/details", Delay: loadProviderDelay})
	fake := newLoadFake(t)
	ad := startLoadBot(t, fake, openLoadApp(t, gl))

	handler := &discordSide{fake: fake, next: interactionsHandler(t, ad), fail: func(err error) { t.Error(err) }}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	// A transport of its own that keeps every connection, so the first
	// burst opens them and the second reuses them.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadInteractions}}
	t.Cleanup(client.CloseIdleConnections)

	t.Logf("%d concurrent signed /vps status interactions, provider taking %v a call:", loadInteractions, loadProviderDelay)
	for round, conns := range []string{"no connection open", "200 kept-alive connections"} {
		took := loadRound(t, fake, client, srv.URL+discordchat.InteractionsPath, round)
		in := sorted(handler.take())
		t.Logf("  %s (%d reused): deferred response read p50 %v  p99 %v  max %v (%d after Discord's %v); in the handler until flushed p50 %v  p99 %v  max %v",
			conns, took.reused, percentile(took.acks, 50), percentile(took.acks, 99), took.acks[len(took.acks)-1],
			late(took.acks), discordtest.CallbackWindow, percentile(in, 50), percentile(in, 99), in[len(in)-1])
		t.Logf("    provider calls arrived within %v of each other; every original response edited with its answer %v after the burst",
			spread(gl.Arrivals("/server/details")[round*loadInteractions:]), took.answered)
	}
	if n := gl.Count("/server/details"); n != 2*loadInteractions {
		t.Fatalf("the provider was asked %d times for %d commands", n, 2*loadInteractions)
	}
	for _, route := range []string{discordtest.RouteFollowUp, discordtest.RouteMessageCreate, discordtest.RouteWebhookDelete} {
		if n := fake.Calls(route); n != 0 {
			t.Fatalf("%d answers went by %s instead of the original responses", n, route)
		}
	}

	// The same bursts at a handler that only answers: what the machine
	// and net/http cost by themselves.
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"type":5,"data":{"flags":64}}`+"\n")
	}))
	t.Cleanup(bare.Close)
	bareClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadInteractions}}
	t.Cleanup(bareClient.CloseIdleConnections)
	for _, conns := range []string{"no connection open", "200 kept-alive connections"} {
		reqs := make([]*http.Request, loadInteractions)
		for i := range reqs {
			reqs[i] = signedInteraction(t, fake, bare.URL, statusFrom(loadUser(i)))
		}
		took := burst(t, bareClient, reqs)
		t.Logf("  bare net/http handler, %s (%d reused): p50 %v  p99 %v  max %v",
			conns, took.reused, percentile(took.acks, 50), percentile(took.acks, 99), took.acks[len(took.acks)-1])
	}
}

// statusFrom is `/vps status server:glesys/<RunningID>` from user in the
// load's channel.
func statusFrom(user string) discordtest.Interaction {
	i := discordtest.Command("vps", discordtest.SubCommand("status", discordtest.String("server", "glesys/"+glesystest.RunningID)))
	i.GuildID, i.ChannelID, i.UserID = loadGuild, loadChannel, user
	return i
}

// figures is what one burst measured.
type figures struct {
	acks     []time.Duration // sorted
	reused   int             // requests sent on a kept-alive connection
	began    time.Time
	answered time.Duration // until the last original response was edited
}

// late counts the answers that took longer than Discord waits for one.
func late(acks []time.Duration) int {
	n := 0
	for _, d := range acks {
		if d > discordtest.CallbackWindow {
			n++
		}
	}
	return n
}

// spread is how far apart the first and last of arrivals are.
func spread(arrivals []time.Time) time.Duration {
	return arrivals[len(arrivals)-1].Sub(arrivals[0])
}

// loadRound sends one burst of loadInteractions commands to url and
// checks that each requester got exactly their answer, in the original
// response of their own interaction.
func loadRound(t *testing.T, fake *discordtest.Server, client *http.Client, url string, round int) figures {
	t.Helper()
	// Discord's side, made before the burst: one user, interaction id
	// and token per command, each request signed.
	reqs := make([]*http.Request, loadInteractions)
	ids := make([]string, loadInteractions)
	for i := range reqs {
		in := fake.Mint(statusFrom(loadUser(i)))
		ids[i] = in.ID
		reqs[i] = signedRequest(t, fake, url, in.JSON())
	}
	f := burst(t, client, reqs)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // bounds a hang; measures nothing
	defer cancel()
	st, err := fake.Wait(ctx, func(st discordtest.State) bool {
		for _, id := range ids {
			if o := st.Interactions[id].Original; o == nil || len(o.History) < 2 {
				return false
			}
		}
		return true
	})
	f.answered = time.Since(f.began)
	if err != nil {
		n := 0
		for _, id := range ids {
			if o := st.Interactions[id].Original; o != nil && len(o.History) >= 2 {
				n++
			}
		}
		t.Fatalf("round %d: %d of %d original responses edited with an answer", round, n, loadInteractions)
	}
	for i, id := range ids {
		x := st.Interactions[id]
		if x.Callback == nil || x.Callback.Type != discordtest.CallbackDeferredMessage {
			t.Fatalf("round %d: interaction %d was not answered with a deferred response: %+v", round, i, x.Callback)
		}
		o := x.Original
		if !o.Ephemeral || len(o.History) != 2 || len(x.FollowUps) != 0 {
			t.Fatalf("round %d: interaction %d: ephemeral %v, %d versions, %d follow-ups; want one private edit",
				round, i, o.Ephemeral, len(o.History), len(x.FollowUps))
		}
		v := o.Now()
		got := v.Content + string(v.Embeds)
		if v.Flags&discordtest.FlagLoading != 0 || !loadHolds(got, []string{glesystest.RunningID, glesystest.RunningName, "running"}) {
			t.Fatalf("round %d: interaction %d answered %q (flags %d)", round, i, got, v.Flags)
		}
		if x.Interaction.UserID != loadUser(i) {
			t.Fatalf("round %d: interaction %d was %s's", round, i, x.Interaction.UserID)
		}
	}
	return f
}

// burst sends reqs all at once, one goroutine each, and returns how long
// each took until its client had read the deferred response (one JSON
// value), how many went on a kept-alive connection, and when the burst
// began. Every answer must be 200.
func burst(t *testing.T, client *http.Client, reqs []*http.Request) figures {
	t.Helper()
	var reused atomic.Int32
	trace := &httptrace.ClientTrace{GotConn: func(c httptrace.GotConnInfo) {
		if c.Reused {
			reused.Add(1)
		}
	}}
	acks := make([]time.Duration, len(reqs))
	fails := make([]error, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, r := range reqs {
		r = r.WithContext(httptrace.WithClientTrace(r.Context(), trace))
		wg.Go(func() {
			<-start
			acks[i], fails[i] = deferredResponse(client, r)
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	for i := range reqs {
		if fails[i] != nil {
			t.Fatalf("request %d: %v", i, fails[i])
		}
	}
	return figures{acks: sorted(acks), reused: int(reused.Load()), began: began}
}

// deferredResponse sends r and returns how long it took until the first
// JSON value of a 200 answer was read: the interaction's response, which
// is all Discord waits for. The rest of the body is drained after.
func deferredResponse(client *http.Client, r *http.Request) (time.Duration, error) {
	t0 := time.Now()
	resp, err := client.Do(r)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var answer struct {
		Type int `json:"type"`
	}
	err = json.NewDecoder(resp.Body).Decode(&answer)
	took := time.Since(t0)
	_, _ = io.Copy(io.Discard, resp.Body)
	switch {
	case resp.StatusCode != http.StatusOK:
		return took, fmt.Errorf("answered %d", resp.StatusCode)
	case err != nil:
		return took, fmt.Errorf("answer not JSON: %w", err)
	case answer.Type != discordtest.CallbackDeferredMessage:
		return took, fmt.Errorf("answered with response type %d, not a deferral", answer.Type)
	}
	return took, nil
}

// signedRequest is body as Discord posts it to url, signed.
func signedRequest(t testing.TB, fake *discordtest.Server, url string, body []byte) *http.Request {
	t.Helper()
	r, err := fake.SignedRequest(context.Background(), url, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// signedInteraction mints i and signs it for url.
func signedInteraction(t testing.TB, fake *discordtest.Server, url string, i discordtest.Interaction) *http.Request {
	t.Helper()
	return signedRequest(t, fake, url, fake.Mint(i).JSON())
}

// discordSide plays Discord's part of an HTTP-mode exchange around the
// adapter's endpoint: Discord takes the endpoint's answer as the
// interaction's callback. The fake is given it (through its callback
// route, under the same rules) when the adapter flushes it, before the
// handler returns: the adapter sends nothing with the interaction's token
// until its handler has returned, and by then Discord has the answer. It
// also times each request in the handler until its answer was flushed.
type discordSide struct {
	fake *discordtest.Server
	next http.Handler
	fail func(error) // a callback the fake refused
	// client posts the callbacks, keeping its connections.
	client http.Client

	mu sync.Mutex
	ds []time.Duration
}

func (d *discordSide) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in bytes.Buffer
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(r.Body, &in), r.Body}
	cw := &callbackWriter{ResponseWriter: w, d: d, in: &in, t0: time.Now()}
	d.next.ServeHTTP(cw, r)
}

// take returns the handler times so far and starts afresh.
func (d *discordSide) take() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	ds := d.ds
	d.ds = nil
	return ds
}

// callbackWriter keeps what the adapter answers and, when it is flushed,
// hands it to the fake as the interaction's callback.
type callbackWriter struct {
	http.ResponseWriter
	d   *discordSide
	in  *bytes.Buffer // the interaction, as the handler read it
	out bytes.Buffer  // the answer
	t0  time.Time
}

func (c *callbackWriter) Write(p []byte) (int, error) {
	c.out.Write(p)
	return c.ResponseWriter.Write(p)
}

func (c *callbackWriter) Flush() {
	took := time.Since(c.t0)
	c.d.mu.Lock()
	c.d.ds = append(c.d.ds, took)
	c.d.mu.Unlock()
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	if err := c.d.callback(c.in.Bytes(), c.out.Bytes()); err != nil {
		c.d.fail(err)
	}
}

// callback posts answer to the fake's callback route of the interaction
// in body.
func (d *discordSide) callback(body, answer []byte) error {
	var in struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return fmt.Errorf("callback: the interaction is not JSON: %w", err)
	}
	url := d.fake.APIURL() + "interactions/" + in.ID + "/" + in.Token + "/callback"
	resp, err := d.client.Post(url, "application/json", bytes.NewReader(answer))
	if err != nil {
		return fmt.Errorf("callback of interaction %s: %w", in.ID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("callback of interaction %s refused: %d %s", in.ID, resp.StatusCode, b)
	}
	return nil
}

// newLoadFake is a fake Discord with the load's guild and channels, whose
// clock stands still: how long the answers took is what the load test
// measures and reports, so Discord's 3-second window for an answer must
// not fail it on a loaded machine (under -race above all). Signatures stay
// within the adapter's 5-minute window as long as the test runs.
func newLoadFake(t testing.TB) *discordtest.Server {
	start := time.Now()
	fake := discordtest.New(discordtest.Options{GuildID: loadGuild, Channels: []string{loadChannel, loadApprovals},
		Clock: func() time.Time { return start }})
	t.Cleanup(fake.Close)
	return fake
}

// startLoadBot runs the adapter in HTTP mode on a, as the bot does: /vps
// registered, notices from the runner's watcher, approval messages kept up.
// Its endpoint is served by the caller (routes).
func startLoadBot(t testing.TB, fake *discordtest.Server, a *app.App) *discordchat.Adapter {
	t.Helper()
	o := fake.Options()
	ctx, cancel := context.WithCancel(context.Background())
	ad, err := discordchat.New(ctx, a.Runner, discordchat.Config{Token: o.BotToken, AppID: o.ApplicationID, GuildID: loadGuild,
		PublicKey: fake.PublicKeyHex(), ApprovalsChannel: loadApprovals, APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if err := ad.Start(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}, 2)
	go func() {
		a.Runner.Watch(ctx, 10*time.Millisecond, time.Second, func(n commands.Notice) { ad.Notify(ctx, n) })
		done <- struct{}{}
	}()
	go func() { ad.Run(ctx); done <- struct{}{} }()
	t.Cleanup(func() {
		cancel()
		<-done
		<-done
		ad.Wait()
		a.Close()
	})
	return ad
}

// interactionsHandler is the adapter's interactions endpoint on a mux of
// its own.
func interactionsHandler(t testing.TB, ad *discordchat.Adapter) http.Handler {
	t.Helper()
	mux := http.NewServeMux()
	if err := ad.Routes(mux, nil); err != nil {
		t.Fatal(err)
	}
	return mux
}

// openLoadApp opens the real wiring with the GleSYS driver pointed at the
// emulator gl, and a policy that lets the load's users read its servers.
func openLoadApp(t testing.TB, gl *glesystest.Server) *app.App {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Default()
	cfg.Database = filepath.Join(dir, "vpsops.db")
	cfg.Providers = append(cfg.Providers, config.Provider{Name: "glesys", Type: "glesys", Settings: &glesys.Settings{
		Project: glesystest.Project, APIKey: config.Secret(glesystest.APIKey), BaseURL: gl.URL,
	}})
	cfg.Policy.Policy = filepath.Join(dir, "policy.csv")
	grant := fmt.Sprintf("\np, glesys-reader, glesys/*, server.read\ng, discord:%s*, glesys-reader\n", loadUserPrefix)
	if err := os.WriteFile(cfg.Policy.Policy, []byte(vpsops.DefaultPolicy+grant), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func sorted(ds []time.Duration) []time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds
}

// percentile is the nearest-rank p-th percentile of sorted ds.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

// loadHolds reports whether s holds every word.
func loadHolds(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
