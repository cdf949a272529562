package safetext

import (
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 0, "plain"},
		{"  two\t\twords \n", 0, "two words"},
		{"esc\x1b[31mred\x07bell", 0, "esc [31mred bell"},
		{"vt\vff\fdel\x7f", 0, "vt ff del"},
		{"c1\u009bcsi", 0, "c1 csi"},
		{"bidi\u202eevil", 0, "bidi evil"},
		{"zero\u200bwidth", 0, "zero width"},
		{"bad\xffutf8", 0, "bad utf8"},
		{"héllo wörld", 9, "héllo…"},
		{"filler\u3164here", 0, "filler here"},
		{"line\u2028sep", 0, "line sep"},
		{"private\ue000use", 0, "private use"},
		{"", 0, ""},
	}
	for _, c := range cases {
		if got := Line(c.in, c.max); got != c.want {
			t.Errorf("Line(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, s := range []string{"ok reason", "ünïcödé is fine", ""} {
		if r, bad := Check(s); bad {
			t.Errorf("Check(%q) = %q, want ok", s, r)
		}
	}
	for s, want := range map[string]rune{"a\x1bb": 0x1b, "tab\there": '\t', "bidi\u202e": 0x202e, "x\xff": 0xFFFD,
		"hangul\u3164": 0x3164, "braille\u2800": 0x2800, "ls\u2028": 0x2028, "pua\ue000": 0xe000, "unassigned\U000E0FFF": 0xE0FFF} {
		if r, bad := Check(s); !bad || r != want {
			t.Errorf("Check(%q) = %U %v, want %U", s, r, bad, want)
		}
	}
}

func TestQuote(t *testing.T) {
	if got := Quote(0x1b); got != "U+001B" {
		t.Fatal(got)
	}
	if got := Quote(0x1F600); got != "U+01F600" {
		t.Fatal(got)
	}
}

func FuzzLine(f *testing.F) {
	f.Add("esc\x1b]0;title\x07", 10)
	f.Add("web-1 (192.0.2.11)", 0)
	f.Add("two  spaces", 0)
	f.Add(" lead", 5)
	f.Add("exactly10!", 10)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		out := Line(s, max)
		if _, bad := Check(out); bad {
			t.Fatalf("Line(%q) = %q still holds an unsafe rune", s, out)
		}
		if max > 0 && len(out) > max {
			t.Fatalf("Line(%q, %d) is %d bytes", s, max, len(out))
		}
		if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") {
			t.Fatalf("Line(%q) = %q not trimmed", s, out)
		}
		// The shortcut for clean ASCII answers what the full path would.
		if slow := line(s, max); out != slow {
			t.Fatalf("Line(%q, %d) = %q, the full path %q", s, max, out, slow)
		}
	})
}
