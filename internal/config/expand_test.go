package config

import (
	"errors"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	env := envOf(map[string]string{
		"A":      "alpha",
		"EMPTY":  "",
		"TRICKY": "${A} $$ {x: [y]}",
	})
	tests := []struct {
		in, want string
		wantErr  string // substring; "" means success
	}{
		{in: "plain", want: "plain"},
		{in: "${A}", want: "alpha"},
		{in: "x-${A}-y", want: "x-alpha-y"},
		{in: "${A}${A}", want: "alphaalpha"},
		{in: "${MISSING:-dflt}", want: "dflt"},
		{in: "${EMPTY:-dflt}", want: "dflt"},
		{in: "${A:-dflt}", want: "alpha"},
		{in: "${MISSING:-}", want: ""},
		{in: "${MISSING:-a:-b}", want: "a:-b"},
		{in: "${EMPTY}", want: ""},
		{in: "$$", want: "$"},
		{in: "$${A}", want: "${A}"},
		{in: "$$$${A}", want: "$${A}"},
		{in: "$$${A}", want: "$alpha"},
		{in: "pa$word", want: "pa$word"},
		{in: "trailing$", want: "trailing$"},
		{in: "$A", want: "$A"},
		// Substituted text is not rescanned.
		{in: "${TRICKY}", want: "${A} $$ {x: [y]}"},
		{in: "${MISSING}", wantErr: "environment variable MISSING is not set"},
		{in: "${A", wantErr: "unterminated"},
		{in: "${}", wantErr: "invalid variable name"},
		{in: "${1A}", wantErr: "invalid variable name"},
		{in: "${A B}", wantErr: "invalid variable name"},
		{in: "${:-x}", wantErr: "invalid variable name"},
	}
	for _, tt := range tests {
		got, err := expand(tt.in, env)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("expand(%q) error %v", tt.in, err)
		case tt.wantErr == "" && got != tt.want:
			t.Errorf("expand(%q) = %q, want %q", tt.in, got, tt.want)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("expand(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
		}
	}
}

func TestExpandUnsetErrorNamesVariable(t *testing.T) {
	_, err := expand("${NOPE}", envOf(nil))
	var ue unsetError
	if !errors.As(err, &ue) || ue.name != "NOPE" {
		t.Errorf("err = %v, want unsetError{NOPE}", err)
	}
}

func TestProtectRefs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a: ${X}", "a: \uE000X\uE001"},
		{"a: {k: ${X:-d}}", "a: {k: \uE000X:-d\uE001}"},
		{"a: $${X}", "a: $${X}"},
		{"a: ${X\nb: }", "a: ${X\nb: }"},
		{"a: ${X\r\nb: }", "a: ${X\r\nb: }"},
		{"a: $", "a: $"},
		{"no refs", "no refs"},
	}
	r := refReplacer()
	for _, tt := range tests {
		got, err := protectRefs([]byte(tt.in))
		if err != nil || string(got) != tt.want {
			t.Errorf("protectRefs(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if back := r.Replace(string(got)); back != tt.in {
			t.Errorf("round trip of %q = %q", tt.in, back)
		}
	}
	if _, err := protectRefs([]byte("a: \uE000")); !errors.Is(err, errReservedRunes) {
		t.Errorf("reserved rune accepted: %v", err)
	}
}
