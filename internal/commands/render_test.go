package commands

import (
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
)

func TestShowTimeIsUTCToTheSecond(t *testing.T) {
	at := time.Date(2026, 3, 4, 7, 8, 9, 500, time.FixedZone("CET", 3600))
	if got := ShowTime(at); got != "2026-03-04 06:08:09 UTC" {
		t.Fatalf("ShowTime = %q", got)
	}
}

// Several usage lines (the sub-commands of `iso`) line up under "usage:".
func TestPlainErrorAlignsUsageLines(t *testing.T) {
	_, _, err := Builtin().Parse("iso")
	want := "error: `iso` needs a sub-command: `mount` or `unmount` (or did you mean `isos`?)\n" +
		"usage: iso mount <server> <iso>\n" +
		"       iso unmount <server>\n" +
		"       isos <server>\n"
	pe := err.(*ParseError)
	if got := PlainError(&UsageError{Err: invalid(nil, "%s", pe.Msg).(*fault.Error), Usage: pe.Usage}); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}
