package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"reboot", "reboot", 0}, {"rebot", "reboot", 1}, {"kitten", "sitting", 3}, {"", "abc", 3}} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"list", "status", "reboot", "start"}
	for in, want := range map[string]string{"rebot": "reboot", "stauts": "status", "lst": "list", "frobnicate": ""} {
		if got := Nearest(in, cands, 2); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
}
