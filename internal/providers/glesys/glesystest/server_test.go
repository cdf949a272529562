package glesystest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

// post calls function with a JSON body and returns the HTTP status and
// the decoded response object.
func post(t *testing.T, srv *glesystest.Server, path, body string) (int, map[string]any) {
	t.Helper()
	r, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.SetBasicAuth(glesystest.Project, glesystest.APIKey)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Response map[string]any `json:"response"`
	}
	json.NewDecoder(resp.Body).Decode(&env)
	return resp.StatusCode, env.Response
}

func TestFaultTimesAndClear(t *testing.T) {
	srv := glesystest.New()
	defer srv.Close()
	srv.Inject(glesystest.Fault{Path: "/server/list", Status: 503, Times: 2})
	srv.Inject(glesystest.Fault{Path: "/server/templates", Status: 500})
	for i, want := range []int{503, 503, 200} {
		if got, _ := post(t, srv, "/server/list", ""); got != want {
			t.Errorf("call %d: HTTP %d, want %d", i+1, got, want)
		}
	}
	for range 3 {
		if got, _ := post(t, srv, "/server/templates", ""); got != 500 {
			t.Errorf("unlimited fault: HTTP %d, want 500", got)
		}
	}
	srv.ClearFaults()
	if got, _ := post(t, srv, "/server/templates", ""); got != 200 {
		t.Errorf("after ClearFaults: HTTP %d, want 200", got)
	}
	if n := srv.Count("/server/list"); n != 3 {
		t.Errorf("Count = %d, want 3", n)
	}
	// A delay-only fault answers normally afterwards.
	srv.Inject(glesystest.Fault{Path: "/server/list", Delay: time.Millisecond, Times: 1})
	if got, _ := post(t, srv, "/server/list", ""); got != 200 {
		t.Errorf("delay-only fault: HTTP %d, want 200", got)
	}
}

// TestTransitionPolls: a stop keeps the server locked and running until
// the configured read, then shows it stopped and unlocked.
func TestTransitionPolls(t *testing.T) {
	srv := glesystest.New(glesystest.WithTransitionPolls(3))
	defer srv.Close()
	if code, _ := post(t, srv, "/server/stop", `{"serverid":"`+glesystest.RunningID+`","type":"soft"}`); code != 200 {
		t.Fatalf("stop: HTTP %d", code)
	}
	body := `{"serverid":"` + glesystest.RunningID + `","includestate":true}`
	for i, want := range []struct{ running, locked bool }{{true, true}, {true, true}, {false, false}} {
		_, r := post(t, srv, "/server/details", body)
		s := r["server"].(map[string]any)
		if s["isrunning"] != want.running || s["islocked"] != want.locked {
			t.Errorf("read %d: isrunning=%v islocked=%v, want %v %v", i+1, s["isrunning"], s["islocked"], want.running, want.locked)
		}
	}
	// A second action on a locked server is refused.
	post(t, srv, "/server/start", `{"serverid":"`+glesystest.RunningID+`"}`)
	if code, r := post(t, srv, "/server/start", `{"serverid":"`+glesystest.RunningID+`"}`); code != 400 ||
		!strings.Contains(r["status"].(map[string]any)["text"].(string), "locked") {
		t.Errorf("start on a locked server: HTTP %d %v, want 400 locked", code, r["status"])
	}
}

func TestDestroyKeepIP(t *testing.T) {
	srv := glesystest.New()
	defer srv.Close()
	if code, _ := post(t, srv, "/server/destroy", `{"serverid":"`+glesystest.StoppedID+`","keepip":"yes"}`); code != 200 {
		t.Fatalf("destroy: HTTP %d", code)
	}
	if _, ok := srv.PTR(glesystest.StoppedIPv4); !ok {
		t.Error("keepip=yes released the address")
	}
	if code, _ := post(t, srv, "/server/details", `{"serverid":"`+glesystest.StoppedID+`"}`); code != 404 {
		t.Errorf("details after destroy: HTTP %d, want 404", code)
	}
}
