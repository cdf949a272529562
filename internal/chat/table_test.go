package chat

import (
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/commands"
)

func TestPageSpanClampsAndSaysWhatIsShown(t *testing.T) {
	s := PageSpan(187, 40, 4)
	if s != (Span{Index: 4, Pages: 5, First: 160, Last: 187, Total: 187}) {
		t.Fatalf("last page: %+v", s)
	}
	if got := s.Line(true); got != "page 5 of 5 · rows 161–187 of 187" {
		t.Fatalf("with buttons: %q", got)
	}
	if got := PageSpan(187, 40, 0).Line(false); got != "rows 1–40 of 187 · 147 more rows not shown" {
		t.Fatalf("without buttons: %q", got)
	}
	if s := PageSpan(187, 40, 99); s.Index != 4 {
		t.Fatalf("past the end shows the last page: %+v", s)
	}
	if s := PageSpan(0, 40, -1); s.Pages != 1 || s.First != 0 || s.Last != 0 || s.Line(true) != "" {
		t.Fatalf("an empty table: %+v", s)
	}
}

func TestGridAlignsAndCuts(t *testing.T) {
	g := GridOf(&commands.Table{Columns: []string{"ref", "name"},
		Rows: [][]string{{"demo/1", "web`1"}, {"demo/22", strings.Repeat("x", 100)}}}, func(l string) string { return l })
	if g.Header != "ref      name" || !strings.HasPrefix(g.Rows[0], "demo/1   web\u02cb1") {
		t.Fatalf("%q %q", g.Header, g.Rows[0])
	}
	if !strings.HasSuffix(g.Rows[1], "…") || len([]rune(g.Rows[1])) != len("demo/22  ")+MaxCell {
		t.Fatalf("a long cell: %q", g.Rows[1])
	}
}
