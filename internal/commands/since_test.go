package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// An age longer than a time.Duration holds used to wrap around into the
// future and answer "0 records"; it must be refused instead.
func TestSinceRefusesAgesThatOverflow(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"106752d", "2562048h", "153722868m", "9223372037s", "99999999999999999999d"} {
		if got, err := commands.ParseSince(s, now); err == nil {
			t.Errorf("ParseSince(%q) = %v, want an error", s, got)
		} else if !strings.Contains(err.Error(), "too long an age") {
			t.Errorf("ParseSince(%q): %v", s, err)
		}
	}
	// The longest ages that fit still work, and reach back in time.
	for _, s := range []string{"106751d", "2562047h", "7d"} {
		got, err := commands.ParseSince(s, now)
		if err != nil || !got.Before(now) {
			t.Errorf("ParseSince(%q) = %v, %v; want a time before now", s, got, err)
		}
	}
}

func TestAuditSinceOverflowIsInvalidInput(t *testing.T) {
	a := newTestApp(t)
	err := a.fail(t, shellReq("shell:alice"), "audit since=106752d")
	if fault.ClassOf(err) != fault.Invalid {
		t.Fatalf("class %s: %v", fault.ClassOf(err), err)
	}
	contains(t, err.Error(), "too long an age")
}
