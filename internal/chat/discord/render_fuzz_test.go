package discord

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/chat"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// FuzzRender renders random tables, fields and texts in every kind of
// reply and holds Render to its promise: whatever the reply holds, the
// message fits Discord's limits, is valid UTF-8, nothing in it formats,
// links or names anyone but what the renderer wrote itself, nothing but
// the requester can be pinged, and every button reads back as one of ours.
func FuzzRender(f *testing.F) {
	f.Add("7 servers", "`code` and @everyone", "web-1", "[x](https://e)", 187, 6, 12, 3, 4, "k7", "discord:123456789012345678")
	f.Add("", "", "", "", 0, 0, 0, 0, 0, "", "")
	f.Add(strings.Repeat("🔥", 200), strings.Repeat("a`b\n", 1100), strings.Repeat("é", 80), "*_~|>#", 130, 11, 45, 25, -3, "tok:en", "shell:@here")
	f.Add("x", strings.Repeat("<", 800), strings.Repeat("\\", 900), "\u202e\x1b[31m", 41, 1, 1, 11, 1, strings.Repeat("t", 120), "discord:1>")
	f.Add("# h", "1. a\n- b\n> c", "```", "<@&1>", 3, 2, 30, 2, 2, "k", "discord:9")
	f.Fuzz(func(t *testing.T, title, text, cell, odd string, rows, cols, fields, notes, index int, token, mention string) {
		rows, cols, fields, notes = bound(rows, 600), bound(cols, 12), bound(fields, 60), bound(notes, 30)
		res := &commands.Result{Title: title, Text: text, Notes: repeat(notes, odd, cell)}
		for i := range fields {
			res.Fields = append(res.Fields, commands.Field{Name: vary(odd, i), Value: vary(cell, i)})
		}
		res.Secret = res.Fields[:min(len(res.Fields), 25)]
		if cols > 0 || rows > 0 {
			tb := &commands.Table{Columns: repeat(cols, title, odd), Size: commands.Size{Total: rows + index%2, Truncated: index%2 == 1}, More: odd}
			for i := range rows {
				tb.Rows = append(tb.Rows, repeat(cols+i%3-1, vary(cell, i), odd))
			}
			res.Table = tb
		}
		v := commands.RequestView{
			ID: token, State: approval.State(odd), Gate: cell, Title: title, Summary: text, Prompt: odd,
			Requester: mention, DecidedBy: odd, ExpiresAt: time.Unix(int64(index)*1e6, 0),
			Progress: &commands.Progress{Message: cell, Percent: index},
			Fields:   res.Fields,
			Actions:  []commands.Action{{ID: commands.ActionApprove, Label: odd, Style: cell}, {ID: commands.ActionDeny, Label: title, Style: "danger"}},
		}
		err := &commands.UsageError{Err: fault.Errorf(fault.Invalid, "%s", title), Usage: text}
		for _, r := range []chat.Reply{
			{Result: res, Page: chat.Page{Token: token, Index: index}, Mention: commands.Principal(mention)},
			{Result: &commands.Result{Table: res.Table, Pending: &v}, Page: chat.Page{Token: token, Index: index}},
			{View: &v, Mention: commands.Principal(mention)},
			{Err: err, Mention: commands.Principal(mention)},
			{Step: &chat.Step{Title: title, Progress: commands.Progress{Message: text, Percent: index}, Elapsed: time.Duration(rows) * time.Second}},
			{Text: text, Mention: commands.Principal(mention)},
		} {
			msg := Render(r)
			if err := CheckLimits(msg); err != nil {
				t.Fatalf("breaks a limit: %v", err)
			}
			for _, s := range allTexts(msg) {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8: %q", s)
				}
			}
			assertNothingUnescaped(t, msg)
			for _, b := range messageButtons(msg) {
				got, err := chat.DecodeButton(b.CustomID)
				if err != nil {
					t.Fatalf("button %q does not read back: %v", b.CustomID, err)
				}
				if got.Action == chat.ActionPage {
					if !strings.HasPrefix(got.Arg, token+":") {
						t.Fatalf("page button %q does not carry the page token", b.CustomID)
					}
				} else if got.Arg != v.ID {
					t.Fatalf("button %q carries %q, want the request id", b.CustomID, got.Arg)
				}
			}
		}
	})
}

// bound folds n into 0..max-1.
func bound(n, max int) int {
	if n < 0 {
		n = -n
	}
	if n < 0 { // the smallest int has no positive
		n = 0
	}
	return n % max
}

// vary makes n-th distinct variants of s, of differing lengths.
func vary(s string, n int) string {
	if s == "" {
		return ""
	}
	r := []rune(s)
	return string(r[n%len(r):]) + strings.Repeat(s, n%3)
}

// repeat is n values alternating between a and b.
func repeat(n int, a, b string) []string {
	out := make([]string, max(n, 0))
	for i := range out {
		out[i] = a
		if i%2 == 1 {
			out[i] = b
		}
	}
	return out
}
