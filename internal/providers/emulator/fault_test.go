package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestTakeMatchesInOrderAndUsesUpTimes(t *testing.T) {
	var fs Faults
	fs.Inject(Fault{Method: "POST", Path: "/stop", Status: 503, Times: 2})
	fs.Inject(Fault{Host: "b:1", Status: 502})
	fs.Inject(Fault{Status: 500, Times: 1})
	want := []int{503, 503, 500, 0}
	for i, w := range want {
		got := 0
		if f := fs.Take("POST", "a:1", "/stop"); f != nil {
			got = f.Status
		}
		if got != w {
			t.Errorf("request %d: status %d, want %d", i, got, w)
		}
	}
	for range 3 { // Times 0: every request until ClearFaults
		if f := fs.Take("GET", "b:1", "/x"); f == nil || f.Status != 502 {
			t.Fatalf("unlimited fault: %+v", f)
		}
	}
	fs.ClearFaults()
	if f := fs.Take("GET", "b:1", "/x"); f != nil {
		t.Fatalf("after ClearFaults: %+v", f)
	}
}

func TestWaitEndsWhenTheClientGoesAway(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	ctx, cancel := context.WithCancel(r.Context())
	cancel()
	f := Fault{Delay: time.Hour}
	if f.Wait(r.WithContext(ctx)) {
		t.Fatal("Wait outlived the client")
	}
}

func TestRequests(t *testing.T) {
	var rs Requests
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rs.Record("GET", "a:1", "/list", at)
	rs.Record("POST", "b:1", "/list", at.Add(time.Second))
	rs.Record("POST", "a:1", "/stop", at)
	if n := rs.Count("", "", "/list"); n != 2 {
		t.Errorf("Count any /list = %d", n)
	}
	if n := rs.Count("POST", "", ""); n != 2 {
		t.Errorf("Count POST = %d", n)
	}
	if n := rs.Count("", "a:1", "/list"); n != 1 {
		t.Errorf("Count at a:1 = %d", n)
	}
	if got := rs.Arrivals("POST", "", "/list"); len(got) != 1 || !got[0].Equal(at.Add(time.Second)) {
		t.Errorf("Arrivals = %v", got)
	}
}

func TestServe(t *testing.T) {
	envelope := func(w http.ResponseWriter, status int, msg string) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte("envelope:" + msg))
	}
	cases := []struct {
		name     string
		f        Fault
		finished bool
		status   int
		body     string
	}{
		{"delay only is served as usual", Fault{Delay: time.Nanosecond}, false, 0, ""},
		{"status with the envelope", Fault{Status: 503}, true, 503, "envelope:Service Unavailable"},
		{"message in the envelope", Fault{Status: 400, Message: "nope"}, true, 400, "envelope:nope"},
		{"body as is, default status", Fault{Body: "<html>"}, true, 500, "<html>"},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		c.f.RetryAfter = 1500 * time.Millisecond
		got := c.f.Serve(w, httptest.NewRequest("GET", "/", nil), 500, nil, envelope)
		if got != c.finished {
			t.Errorf("%s: finished %v", c.name, got)
			continue
		}
		if got && (w.Code != c.status || w.Body.String() != c.body || w.Header().Get("Retry-After") != "2") {
			t.Errorf("%s: %d %q Retry-After %q", c.name, w.Code, w.Body, w.Header().Get("Retry-After"))
		}
	}
}
