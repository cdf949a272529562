package canonical

import (
	"errors"
	"testing"
)

func TestJSON(t *testing.T) {
	a, err := JSON(map[string]any{"b": 1, "a": []any{"x", map[string]any{"d": "e", "c": "f"}}})
	if err != nil || string(a) != `{"a":["x",{"c":"f","d":"e"}],"b":1}` {
		t.Fatalf("%s %v", a, err)
	}
	for _, bad := range []any{"\xff", []any{"ok", "\xfe"}, map[string]any{"\xff": 1}, map[string]string{"k": "\xc3"}, []string{"\xff"}} {
		if _, err := JSON(bad); !errors.Is(err, ErrInvalidUTF8) {
			t.Errorf("JSON(%q) = %v, want ErrInvalidUTF8", bad, err)
		}
	}
}
