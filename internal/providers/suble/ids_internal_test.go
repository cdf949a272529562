package suble

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
)

// TestVPSCallRefusesBadIDs: vpsCall itself refuses an id that would walk
// the path, so a per-server call that skipped checkServer still sends
// nothing.
func TestVPSCallRefusesBadIDs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request sent: %s %s", r.Method, r.URL.Path)
	}))
	defer srv.Close()
	d, err := New(Config{Project: "prj_1", Token: "t0ken-1234", BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"..", ".", "a/b", "%2e%2e", ""} {
		err := d.do(t.Context(), d.vpsCall(http.MethodPost, id, "control", permVPSControl, map[string]string{"action": "stop"}), nil)
		if fault.ClassOf(err) != fault.Invalid {
			t.Errorf("vpsCall(%q): %v, want invalid", id, err)
		}
	}
}
