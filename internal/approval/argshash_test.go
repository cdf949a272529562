package approval

import (
	"math"
	"regexp"
	"testing"
)

func TestArgsHashIsCanonical(t *testing.T) {
	salt := []byte("0123456789abcdef")
	a := map[string]any{"image": "debian-12", "opts": map[string]any{"x": 1, "y": []any{"a", true}}, "password": "hunter2"}
	b := map[string]any{}
	// Insert in another order, nested map too.
	b["password"] = "hunter2"
	b["opts"] = map[string]any{"y": []any{"a", true}, "x": 1}
	b["image"] = "debian-12"
	ha, hb := ArgsHash(salt, "reinstall", "demo/web-1", a), ArgsHash(salt, "reinstall", "demo/web-1", b)
	if ha != hb {
		t.Fatalf("equal arguments hash differently: %s, %s", ha, hb)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(ha) {
		t.Fatalf("hash %q is not 64 hex digits", ha)
	}
	// An int and the float64 JSON decoding gives for it are the same value.
	if ArgsHash(salt, "c", "t", map[string]any{"n": 2}) != ArgsHash(salt, "c", "t", map[string]any{"n": 2.0}) {
		t.Fatal("2 and 2.0 hash differently")
	}
}

// TestArgsHashSeesEveryChange hashes variants of one action: each must
// differ from every other.
func TestArgsHashSeesEveryChange(t *testing.T) {
	salt := []byte("0123456789abcdef")
	base := func() map[string]any {
		return map[string]any{"image": "debian-12", "password": "hunter2", "opts": map[string]any{"wipe": true}}
	}
	with := func(change func(m map[string]any)) map[string]any {
		m := base()
		change(m)
		return m
	}
	variants := map[string]string{
		"base":             ArgsHash(salt, "reinstall", "demo/web-1", base()),
		"command":          ArgsHash(salt, "destroy", "demo/web-1", base()),
		"target":           ArgsHash(salt, "reinstall", "demo/web-2", base()),
		"split moved":      ArgsHash(salt, "reinstalldemo", "/web-1", base()),
		"secret":           ArgsHash(salt, "reinstall", "demo/web-1", with(func(m map[string]any) { m["password"] = "hunter3" })),
		"value":            ArgsHash(salt, "reinstall", "demo/web-1", with(func(m map[string]any) { m["image"] = "debian-13" })),
		"nested value":     ArgsHash(salt, "reinstall", "demo/web-1", with(func(m map[string]any) { m["opts"] = map[string]any{"wipe": false} })),
		"key renamed":      ArgsHash(salt, "reinstall", "demo/web-1", with(func(m map[string]any) { m["img"] = m["image"]; delete(m, "image") })),
		"argument added":   ArgsHash(salt, "reinstall", "demo/web-1", with(func(m map[string]any) { m["hostname"] = "web-1" })),
		"argument removed": ArgsHash(salt, "reinstall", "demo/web-1", with(func(m map[string]any) { delete(m, "password") })),
		"null argument":    ArgsHash(salt, "reinstall", "demo/web-1", with(func(m map[string]any) { m["hostname"] = nil })),
		"type changed":     ArgsHash(salt, "reinstall", "demo/web-1", with(func(m map[string]any) { m["opts"] = map[string]any{"wipe": "true"} })),
		"other salt":       ArgsHash([]byte("fedcba9876543210"), "reinstall", "demo/web-1", base()),
		"no salt":          ArgsHash(nil, "reinstall", "demo/web-1", base()),
		"no arguments":     ArgsHash(salt, "reinstall", "demo/web-1", nil),
		"empty arguments":  ArgsHash(salt, "reinstall", "demo/web-1", map[string]any{}),
	}
	seen := map[string]string{}
	for name, h := range variants {
		if h == "" {
			t.Errorf("%s: no hash", name)
		}
		if prev, dup := seen[h]; dup {
			t.Errorf("%s and %s hash alike", name, prev)
		}
		seen[h] = name
	}
}

func TestArgsHashRefusesAmbiguousInput(t *testing.T) {
	salt := []byte("0123456789abcdef")
	tests := map[string]struct {
		command, target string
		args            map[string]any
	}{
		"invalid UTF-8 value":        {"c", "t", map[string]any{"p": "\xff"}},
		"invalid UTF-8 key":          {"c", "t", map[string]any{"\xfe": "x"}},
		"invalid UTF-8 nested":       {"c", "t", map[string]any{"o": map[string]any{"p": []any{"\xff"}}}},
		"invalid UTF-8 string slice": {"c", "t", map[string]any{"keys": []string{"ok", "\xff"}}},
		"invalid UTF-8 command":      {"c\xff", "t", nil},
		"invalid UTF-8 target":       {"c", "t\xff", nil},
		"function":                   {"c", "t", map[string]any{"f": func() {}}},
		"NaN":                        {"c", "t", map[string]any{"n": math.NaN()}},
	}
	for name, tt := range tests {
		if h := ArgsHash(salt, tt.command, tt.target, tt.args); h != "" {
			t.Errorf("%s: hashed to %s, want no hash", name, h)
		}
	}
}
