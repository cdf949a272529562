package slack

import (
	"encoding/json"
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
// message fits Block Kit's limits, is valid UTF-8, and nothing in it can
// ping, link or name a channel except what the renderer wrote itself.
func FuzzRender(f *testing.F) {
	f.Add("7 servers", "`code` and <!channel>", "web-1", "<https://e|x>", 187, 6, 12, 3, 4, "k7", "slack:T1:U2")
	f.Add("", "", "", "", 0, 0, 0, 0, 0, "", "")
	f.Add(strings.Repeat("🔥", 200), strings.Repeat("a`b\n", 1100), strings.Repeat("é", 80), "&<>", 130, 11, 45, 25, -3, "tok:en", "shell:<!here>")
	f.Add("x", strings.Repeat("<", 800), strings.Repeat("&", 900), "\u202e\x1b[31m", 41, 1, 1, 11, 1, strings.Repeat("t", 120), "slack:T1:U2>")
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
				b, _ := json.Marshal(msg)
				t.Fatalf("breaks a limit: %v\n%s", err, b)
			}
			for _, s := range texts(t, msg) {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8: %q", s)
				}
			}
			assertNoSlackCommands(t, msg)
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
