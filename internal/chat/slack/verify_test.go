package slack

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

var epoch = time.Unix(1_700_000_000, 0)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// signed builds a request exactly as Slack sends one.
func signed(secret, ts string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(TimestampHeader, ts)
	r.Header.Set(SignatureHeader, Sign(secret, ts, body))
	return r
}

func newVerifier(t *testing.T, clock *fakeClock, maxBody int64) *Verifier {
	t.Helper()
	v, err := NewVerifier(testSecret, clock.Now, maxBody)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSignMatchesSlacksExample(t *testing.T) {
	// The worked example of Slack's "Verifying requests from Slack" guide.
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	got := Sign(testSecret, "1531420618", body)
	want := "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestNewVerifierRefusesEmptySecret(t *testing.T) {
	if _, err := NewVerifier("", nil, 0); err == nil {
		t.Fatal("NewVerifier accepted an empty signing secret")
	}
	if _, err := NewVerifier(testSecret, nil, -1); err == nil {
		t.Fatal("NewVerifier accepted a negative body limit")
	}
}

func TestVerify(t *testing.T) {
	body := []byte("command=%2Fvps&text=list&team_id=T01&user_id=U02")
	now := unix(epoch)
	goodSig := Sign(testSecret, now, body)
	at := func(d time.Duration) *http.Request { return signed(testSecret, unix(epoch.Add(d)), body) }
	withHeader := func(r *http.Request, name string, vals ...string) *http.Request {
		r.Header.Del(name)
		for _, v := range vals {
			r.Header.Add(name, v)
		}
		return r
	}
	tests := []struct {
		name string
		req  *http.Request
		want error // nil: accepted
	}{
		{"valid", signed(testSecret, now, body), nil},
		{"wrong secret", signed("another-secret", now, body), ErrBadSignature},
		{"body altered", func() *http.Request {
			r := signed(testSecret, now, body)
			r.Body = io.NopCloser(strings.NewReader(string(body) + "&x=1"))
			r.ContentLength = -1
			return r
		}(), ErrBadSignature},
		{"timestamp altered", withHeader(signed(testSecret, now, body), TimestampHeader, unix(epoch.Add(-time.Second))), ErrBadSignature},
		{"exactly 5 min old", at(-Window), nil},
		{"5 min 1 s old", at(-Window - time.Second), ErrStale},
		{"exactly 5 min ahead", at(Window), nil},
		{"5 min 1 s ahead", at(Window + time.Second), ErrStale},
		{"years old", signed(testSecret, "1", body), ErrStale},
		{"far future", signed(testSecret, "999999999999999999", body), ErrStale},
		{"timestamp missing", withHeader(signed(testSecret, now, body), TimestampHeader), ErrMalformed},
		{"signature missing", withHeader(signed(testSecret, now, body), SignatureHeader), ErrMalformed},
		{"timestamp twice", withHeader(signed(testSecret, now, body), TimestampHeader, now, now), ErrMalformed},
		{"signature twice", withHeader(signed(testSecret, now, body), SignatureHeader, goodSig, goodSig), ErrMalformed},
		{"timestamp empty", signed(testSecret, "", body), ErrMalformed},
		{"timestamp with sign", signed(testSecret, "+"+now, body), ErrMalformed},
		{"timestamp with space", signed(testSecret, now+" ", body), ErrMalformed},
		{"timestamp fractional", signed(testSecret, now+".5", body), ErrMalformed},
		{"timestamp hex", signed(testSecret, "0x6553f100", body), ErrMalformed},
		{"timestamp with leading zero", signed(testSecret, "0"+now, body), ErrMalformed},
		{"timestamp too long", signed(testSecret, "1"+now+now, body), ErrMalformed},
		{"v1= prefix", withHeader(signed(testSecret, now, body), SignatureHeader, "v1="+goodSig[3:]), ErrMalformed},
		{"no prefix", withHeader(signed(testSecret, now, body), SignatureHeader, goodSig[3:]), ErrMalformed},
		{"uppercase hex", withHeader(signed(testSecret, now, body), SignatureHeader, "v0="+strings.ToUpper(goodSig[3:])), ErrMalformed},
		{"short hex", withHeader(signed(testSecret, now, body), SignatureHeader, goodSig[:len(goodSig)-2]), ErrMalformed},
		{"long hex", withHeader(signed(testSecret, now, body), SignatureHeader, goodSig+"00"), ErrMalformed},
		{"non-hex", withHeader(signed(testSecret, now, body), SignatureHeader, goodSig[:len(goodSig)-1]+"g"), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(t, &fakeClock{epoch}, 0)
			sent := tt.req.Header.Get(SignatureHeader)
			got, err := v.Verify(tt.req)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if !bytes.Equal(got, body) {
					t.Fatalf("Verify returned %q, want the raw body", got)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify error = %v, want %v", err, tt.want)
			}
			if got != nil {
				t.Fatalf("Verify returned a body with an error")
			}
			msg := err.Error()
			if strings.Contains(msg, testSecret) || (len(sent) > 3 && strings.Contains(msg, sent[3:])) || strings.Contains(msg, "\n") {
				t.Fatalf("error message leaks a secret or is not one line: %q", msg)
			}
			if c := fault.ClassOf(err); c != fault.Unauthenticated {
				t.Fatalf("class = %s, want %s", c, fault.Unauthenticated)
			}
		})
	}
}

func TestVerifyBodyLimit(t *testing.T) {
	const limit = 64
	v := newVerifier(t, &fakeClock{epoch}, limit)
	ts := unix(epoch)
	if _, err := v.Verify(signed(testSecret, ts, bytes.Repeat([]byte("a"), limit))); err != nil {
		t.Fatalf("a body of exactly the limit: %v", err)
	}
	err := func() error {
		r := signed(testSecret, ts, bytes.Repeat([]byte("a"), limit+1))
		r.ContentLength = -1 // not declared: found by reading
		_, err := v.Verify(r)
		return err
	}()
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a body one byte over the limit: %v, want ErrTooLarge", err)
	}
	if c := fault.ClassOf(err); c != fault.Invalid {
		t.Fatalf("class = %s, want %s", c, fault.Invalid)
	}
}

func TestVerifyDefaultBodyLimit(t *testing.T) {
	v := newVerifier(t, &fakeClock{epoch}, 0)
	ts := unix(epoch)
	if _, err := v.Verify(signed(testSecret, ts, make([]byte, DefaultMaxBody))); err != nil {
		t.Fatalf("a body of exactly 1 MiB: %v", err)
	}
	if _, err := v.Verify(signed(testSecret, ts, make([]byte, DefaultMaxBody+1))); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a body of 1 MiB + 1: %v, want ErrTooLarge", err)
	}
}

// endless is a body of n zero bytes that counts what was read of it.
type endless struct{ n, read int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), e.n-e.read)
	clear(p[:k])
	e.read += k
	return int(k), nil
}

func TestVerifyDoesNotReadAHugeBody(t *testing.T) {
	const limit = 1 << 10
	const huge = 100 << 20
	v := newVerifier(t, &fakeClock{epoch}, limit)

	undeclared := &endless{n: huge}
	r := signed(testSecret, unix(epoch), nil)
	r.Body, r.ContentLength = io.NopCloser(undeclared), -1
	if _, err := v.Verify(r); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("100 MB body: %v, want ErrTooLarge", err)
	}
	if undeclared.read > limit+1 {
		t.Fatalf("read %d bytes of a 100 MB body, want at most %d", undeclared.read, limit+1)
	}

	declared := &endless{n: huge}
	r = signed(testSecret, unix(epoch), nil)
	r.Body, r.ContentLength = io.NopCloser(declared), huge
	if _, err := v.Verify(r); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("100 MB declared body: %v, want ErrTooLarge", err)
	}
	if declared.read != 0 {
		t.Fatalf("read %d bytes of a body declared too large, want none", declared.read)
	}
}

// FuzzVerify: Verify never panics, accepts only a request whose one
// signature header is Sign(secret, its one timestamp, its body) with a
// fresh timestamp, and accepts every such request.
func FuzzVerify(f *testing.F) {
	now := unix(epoch)
	body := []byte("command=%2Fvps&text=list")
	f.Add(now, Sign(testSecret, now, body), false, false, false, body)
	f.Add(now, "", false, false, true, body)
	f.Add(now, Sign(testSecret, now, body), true, false, false, body)
	f.Add(now, Sign(testSecret, now, body), false, true, false, body)
	f.Add("+"+now, Sign(testSecret, "+"+now, body), false, false, false, body)
	f.Add(now, "v0="+strings.Repeat("0", 64), false, false, false, []byte{})
	f.Fuzz(func(t *testing.T, ts, sig string, dupTS, dupSig, signIt bool, body []byte) {
		const limit = 256
		v := newVerifier(t, &fakeClock{epoch}, limit)
		if signIt {
			sig = Sign(testSecret, ts, body)
		}
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Add(TimestampHeader, ts)
		r.Header.Add(SignatureHeader, sig)
		if dupTS {
			r.Header.Add(TimestampHeader, ts)
		}
		if dupSig {
			r.Header.Add(SignatureHeader, sig)
		}
		got, err := v.Verify(r)
		n, perr := strconv.ParseInt(ts, 10, 64)
		fresh := perr == nil && ts == strconv.FormatInt(n, 10) && n >= 0 &&
			n >= epoch.Add(-Window).Unix() && n <= epoch.Add(Window).Unix()
		genuine := !dupTS && !dupSig && sig == Sign(testSecret, ts, body) && fresh && len(body) <= limit
		if err == nil {
			if !genuine {
				t.Fatalf("accepted ts=%q sig=%q dupTS=%v dupSig=%v body=%q", ts, sig, dupTS, dupSig, body)
			}
			if !bytes.Equal(got, body) {
				t.Fatalf("returned %q, want %q", got, body)
			}
		} else if genuine {
			t.Fatalf("refused a genuine request (ts=%q): %v", ts, err)
		}
	})
}
