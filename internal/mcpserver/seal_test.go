package mcpserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

const ttl = 5 * time.Minute

// fakeClock is a settable clock shared by the goroutines of a test.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

var testKey = bytes.Repeat([]byte{7}, StateKeySize)

func newSealer(t testing.TB, db *store.DB, key []byte, clock *fakeClock) *Sealer {
	t.Helper()
	s, err := NewSealer(key, newNonces(t, db), clock.Now, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sealFixture is a Sealer on a fresh database and one state sealed with it.
type sealFixture struct {
	addr   string // where db is, for a second pool
	db     *store.DB
	clock  *fakeClock
	sealer *Sealer
	st     State
	token  string
}

func newSealFixture(t testing.TB) *sealFixture {
	t.Helper()
	addr := storetest.Database(t)
	f := &sealFixture{addr: addr, db: openDB(t, addr), clock: &fakeClock{now: t0}}
	f.sealer = newSealer(t, f.db, testKey, f.clock)
	f.st = State{Principal: "mcp:alice", Tool: "reinstall",
		ArgsDigest: ArgsDigest(map[string]any{"server": "demo-fra/fra-101", "image": "debian-12"}),
		RequestID:  "r-35rbzj69"}
	var err error
	if f.token, err = f.sealer.Seal(context.Background(), f.st); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *sealFixture) open(token string) (State, error) {
	return f.sealer.Open(context.Background(), token, f.st.Principal, f.st.Tool, f.st.ArgsDigest)
}

func TestSealRoundTrip(t *testing.T) {
	f := newSealFixture(t)
	if !strings.HasPrefix(f.token, "v1.") || len(f.token) > MaxTokenSize {
		t.Fatalf("token of %d bytes is not a v1 token", len(f.token))
	}
	got, err := f.open(f.token)
	if err != nil {
		t.Fatal(err)
	}
	want := f.st
	want.Expires = t0.Add(ttl)
	want.Nonce = got.Nonce
	if got != want || len(got.Nonce) != 32 {
		t.Fatalf("Open = %+v, want %+v with a 32-digit nonce", got, want)
	}
	second, err := f.sealer.Seal(context.Background(), f.st)
	if err != nil {
		t.Fatal(err)
	}
	if second == f.token {
		t.Fatal("sealing the same state twice gave the same token")
	}
}

// TestSealHidesTheState: the token carries nothing readable, the argument
// digest least of all (it could be guessed at offline).
func TestSealHidesTheState(t *testing.T) {
	f := newSealFixture(t)
	for _, v := range []string{f.st.Principal, f.st.Tool, f.st.RequestID, f.st.ArgsDigest, f.st.ArgsDigest[:12]} {
		if strings.Contains(f.token, v) {
			t.Fatalf("the token shows %q", v)
		}
	}
}

// TestOpenRefusesEveryFlippedBit: flipping any bit of any byte of the token
// is refused as invalid, and none of those attempts uses the state up.
func TestOpenRefusesEveryFlippedBit(t *testing.T) {
	f := newSealFixture(t)
	for i := range len(f.token) {
		for bit := range 8 {
			b := []byte(f.token)
			b[i] ^= 1 << bit
			if _, err := f.open(string(b)); !errors.Is(err, ErrStateInvalid) {
				t.Fatalf("byte %d bit %d flipped: Open = %v, want ErrStateInvalid", i, bit, err)
			}
		}
	}
	if _, err := f.open(f.token); err != nil {
		t.Fatalf("the untouched token after the flips: %v", err)
	}
}

// TestOpenRefusesAnotherKey: a state sealed for the very same principal,
// tool and arguments, its nonce recorded in the same database, but with
// another key (a forger's) is invalid.
func TestOpenRefusesAnotherKey(t *testing.T) {
	f := newSealFixture(t)
	forger := newSealer(t, f.db, bytes.Repeat([]byte{8}, StateKeySize), f.clock)
	forged, err := forger.Seal(context.Background(), f.st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.open(forged); !errors.Is(err, ErrStateInvalid) {
		t.Fatalf("Open(sealed with another key) = %v, want ErrStateInvalid", err)
	}
	// The forged body under the genuine prefix and any version: still invalid.
	body := strings.TrimPrefix(forged, "v1.")
	for _, tok := range []string{"v1." + body, "v2." + body, body} {
		if _, err := f.open(tok); !errors.Is(err, ErrStateInvalid) {
			t.Fatalf("Open(forged variant) = %v, want ErrStateInvalid", err)
		}
	}
}

func TestOpenRefusesExpired(t *testing.T) {
	f := newSealFixture(t)
	f.clock.Set(t0.Add(ttl))
	if _, err := f.open(f.token); !errors.Is(err, ErrStateExpired) {
		t.Fatalf("Open at the expiry = %v, want ErrStateExpired", err)
	}
	f.clock.Set(t0.Add(ttl - time.Nanosecond))
	if _, err := f.open(f.token); err != nil {
		t.Fatalf("Open just before the expiry: %v", err)
	}
}

func TestOpenRefusesReplay(t *testing.T) {
	f := newSealFixture(t)
	if _, err := f.open(f.token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.open(f.token); !errors.Is(err, ErrStateReplayed) {
		t.Fatalf("second Open = %v, want ErrStateReplayed", err)
	}
	// A token whose nonce was pruned (or never recorded here) is as spent.
	other := newSealFixture(t)
	if _, err := other.db.ExecContext(context.Background(), `DELETE FROM mcp_nonces`); err != nil {
		t.Fatal(err)
	}
	if _, err := other.open(other.token); !errors.Is(err, ErrStateReplayed) {
		t.Fatalf("Open with the nonce gone = %v, want ErrStateReplayed", err)
	}
}

// TestOpenConcurrentRetries: many retries of one token at once, through two
// *store.DB on the file (two processes), and exactly one gets through.
func TestOpenConcurrentRetries(t *testing.T) {
	f := newSealFixture(t)
	second := newSealer(t, openDB(t, f.addr), testKey, f.clock)
	sealers := []*Sealer{f.sealer, second}
	const n = 32
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = sealers[i%2].Open(context.Background(), f.token, f.st.Principal, f.st.Tool, f.st.ArgsDigest)
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrStateReplayed):
			t.Fatalf("retry %d: %v, want success or ErrStateReplayed", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d concurrent retries succeeded, want exactly 1", won, n)
	}
}

// TestOpenRefusesForeign: a genuine state presented for another principal,
// tool or set of arguments is foreign, and those attempts leave it usable
// by its owner.
func TestOpenRefusesForeign(t *testing.T) {
	f := newSealFixture(t)
	otherArgs := ArgsDigest(map[string]any{"server": "demo-nyc/nyc-204", "image": "debian-12"})
	for _, c := range []struct{ name, principal, tool, digest string }{
		{"principal", "mcp:mallory", f.st.Tool, f.st.ArgsDigest},
		{"tool", f.st.Principal, "delete", f.st.ArgsDigest},
		{"arguments", f.st.Principal, f.st.Tool, otherArgs},
		{"no arguments digest", f.st.Principal, f.st.Tool, ""},
		{"empty principal", "", f.st.Tool, f.st.ArgsDigest},
	} {
		_, err := f.sealer.Open(context.Background(), f.token, c.principal, c.tool, c.digest)
		if !errors.Is(err, ErrStateForeign) {
			t.Errorf("other %s: Open = %v, want ErrStateForeign", c.name, err)
		}
	}
	if _, err := f.open(f.token); err != nil {
		t.Fatalf("the owner after the foreign attempts: %v", err)
	}
}

func TestOpenRefusesGarbage(t *testing.T) {
	f := newSealFixture(t)
	body := strings.TrimPrefix(f.token, "v1.")
	for name, tok := range map[string]string{
		"empty":            "",
		"prefix only":      "v1.",
		"no prefix":        body,
		"other version":    "v2." + body,
		"upper-case V":     "V1." + body,
		"newline inserted": "v1." + body[:10] + "\n" + body[10:],
		"CR at the end":    f.token + "\r",
		"padding":          f.token + "==",
		"space":            " " + f.token,
		"extra part":       f.token + ".AAAA",
		"truncated":        f.token[:len(f.token)-1],
		"one char more":    f.token + "A",
		"standard base64":  "v1." + strings.NewReplacer("-", "+", "_", "/").Replace(body),
		"short body":       "v1.AAAA",
		"NUL bytes":        "v1.\x00\x00\x00\x00",
		"not UTF-8":        "v1.\xff\xfe" + body,
		"JSON":             `{"p":"mcp:alice"}`,
		"oversized":        "v1." + strings.Repeat("A", MaxTokenSize),
		"oversized token":  f.token + strings.Repeat("A", MaxTokenSize),
		"genuine but oversized": sealRaw(t, f.sealer, sealed{Principal: strings.Repeat("p", MaxTokenSize),
			Tool: f.st.Tool, ArgsDigest: f.st.ArgsDigest, RequestID: "r", Expires: t0.Add(ttl).UnixNano(), Nonce: strings.Repeat("0", 32)}),
	} {
		if _, err := f.open(tok); !errors.Is(err, ErrStateInvalid) {
			t.Errorf("%s: Open = %v, want ErrStateInvalid", name, err)
		}
	}
	if _, err := f.open(f.token); err != nil {
		t.Fatalf("the genuine token after the garbage: %v", err)
	}
}

// sealRaw seals p with s's key as Seal would, but with no checks, no size
// limit and no nonce recorded: what a holder of the key could make.
func sealRaw(t testing.TB, s *Sealer, p sealed) string {
	t.Helper()
	plain, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	iv := make([]byte, s.aead.NonceSize())
	rand.Read(iv)
	return "v1." + b64.EncodeToString(s.aead.Seal(iv, iv, plain, []byte(tokenAD)))
}

// TestRefusalsAreClassedAndQuiet: each refusal has its fault class, and no
// message repeats the token or any part of it.
func TestRefusalsAreClassedAndQuiet(t *testing.T) {
	f := newSealFixture(t)
	check := func(err error, sentinel error, class fault.Class) {
		t.Helper()
		if !errors.Is(err, sentinel) || fault.ClassOf(err) != class {
			t.Fatalf("%v: want %v of class %s", err, sentinel, class)
		}
		if msg := err.Error(); strings.Contains(msg, f.token[3:15]) || strings.Contains(msg, f.st.ArgsDigest[:12]) {
			t.Fatalf("the refusal %q quotes the state", msg)
		}
	}
	_, err := f.open(f.token[:40])
	check(err, ErrStateInvalid, fault.Invalid)
	_, err = f.sealer.Open(context.Background(), f.token, "mcp:mallory", f.st.Tool, f.st.ArgsDigest)
	check(err, ErrStateForeign, fault.PermissionDenied)
	f.clock.Set(t0.Add(ttl))
	_, err = f.open(f.token)
	check(err, ErrStateExpired, fault.Conflict)
	f.clock.Set(t0)
	if _, err := f.open(f.token); err != nil {
		t.Fatal(err)
	}
	_, err = f.open(f.token)
	check(err, ErrStateReplayed, fault.Conflict)
}

func TestSealRefusesIncompleteState(t *testing.T) {
	f := newSealFixture(t)
	ok := f.st
	for name, st := range map[string]State{
		"no principal":     {Tool: ok.Tool, ArgsDigest: ok.ArgsDigest, RequestID: ok.RequestID},
		"no tool":          {Principal: ok.Principal, ArgsDigest: ok.ArgsDigest, RequestID: ok.RequestID},
		"no request":       {Principal: ok.Principal, Tool: ok.Tool, ArgsDigest: ok.ArgsDigest},
		"no digest":        {Principal: ok.Principal, Tool: ok.Tool, RequestID: ok.RequestID},
		"upper-case hex":   {Principal: ok.Principal, Tool: ok.Tool, ArgsDigest: strings.ToUpper(ok.ArgsDigest), RequestID: ok.RequestID},
		"short digest":     {Principal: ok.Principal, Tool: ok.Tool, ArgsDigest: ok.ArgsDigest[:62], RequestID: ok.RequestID},
		"not UTF-8":        {Principal: "mcp:\xff", Tool: ok.Tool, ArgsDigest: ok.ArgsDigest, RequestID: ok.RequestID},
		"too big to carry": {Principal: ok.Principal, Tool: strings.Repeat("t", MaxTokenSize), ArgsDigest: ok.ArgsDigest, RequestID: ok.RequestID},
	} {
		if tok, err := f.sealer.Seal(context.Background(), st); err == nil {
			t.Errorf("%s: sealed a %d-byte token", name, len(tok))
		}
	}
	var rows int
	if err := f.db.QueryRowContext(context.Background(), `SELECT count(*) FROM mcp_nonces`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("refused seals left nonces behind: %d rows (%v), want only the fixture's", rows, err)
	}
}

func TestNewSealerChecksItsArguments(t *testing.T) {
	n := newNonces(t, openDB(t, storetest.Database(t)))
	if _, err := NewSealer(testKey[:StateKeySize-1], n, nil, ttl); err == nil {
		t.Error("a 31-byte key was taken")
	}
	if _, err := NewSealer(testKey, nil, nil, ttl); err == nil {
		t.Error("a Sealer without a nonce store was made")
	}
	if _, err := NewSealer(testKey, n, nil, 0); err == nil {
		t.Error("a Sealer with no lifetime was made")
	}
}

func TestArgsDigest(t *testing.T) {
	// sha256 of `{"image":"debian-12","n":2,"server":"demo-fra/fra-101"}`:
	// keys sorted, no spaces.
	const want = "d179d1439b7b99f36a8fe4eaea43850ec39cf62d91615d2265dc26757cb11b5c"
	got := ArgsDigest(map[string]any{"server": "demo-fra/fra-101", "n": 2, "image": "debian-12"})
	if got != want {
		t.Fatalf("ArgsDigest = %s, want %s", got, want)
	}
	if ArgsDigest(nil) != ArgsDigest(map[string]any{}) {
		t.Error("no arguments and empty arguments digest differently")
	}
	nested := func(v string) map[string]any {
		return map[string]any{"opts": map[string]any{"tags": []any{"a", v}}}
	}
	if ArgsDigest(nested("b")) == ArgsDigest(nested("c")) {
		t.Error("a nested change kept the digest")
	}
	for name, args := range map[string]map[string]any{
		"invalid UTF-8 value":  {"name": "a\xff"},
		"invalid UTF-8 key":    {"\xff": "a"},
		"invalid UTF-8 nested": {"list": []any{map[string]any{"x": []string{"\xfe"}}}},
		"unencodable":          {"ch": make(chan int)},
	} {
		if d := ArgsDigest(args); d != "" {
			t.Errorf("%s: digest %s, want none", name, d)
		}
	}
}

// FuzzOpen: no input makes Open panic, every refusal is one of the four,
// and nothing opens but the one token Seal made.
func FuzzOpen(f *testing.F) {
	fx := newSealFixture(f)
	body := strings.TrimPrefix(fx.token, "v1.")
	for _, seed := range []string{fx.token, "", "v1.", "v1." + body[:20], "v2." + body,
		fx.token[:len(fx.token)-1] + "B", "v1.AAAA.AAAA", strings.Repeat("v1.", 10)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		_, err := fx.open(token)
		switch {
		case err == nil:
			if token != fx.token {
				t.Fatalf("Open accepted a token Seal never made: %q", token)
			}
		case !errors.Is(err, ErrStateInvalid) && !errors.Is(err, ErrStateReplayed) &&
			!errors.Is(err, ErrStateExpired) && !errors.Is(err, ErrStateForeign):
			t.Fatalf("Open = %v, not a state refusal", err)
		}
	})
}
