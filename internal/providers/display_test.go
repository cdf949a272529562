package providers

import (
	"context"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/safetext"
)

// A provider's words about a server reach other people's terminals: an
// escape sequence in a server's name or state must not arrive raw.
func TestServerTextIsMadeSafeToShow(t *testing.T) {
	evil := "web\x1b]0;owned\x07-1\u202e"
	p := New("evil", "fake", &fake{servers: []driver.Server{{ID: "1", Name: evil, State: "up\x1b[2J", Region: "fra\r\n", IPv4: []string{"192.0.2.1\x1b"}}}}, Options{})
	ss, err := p.ListServers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	for _, v := range []string{s.Name, s.State, s.Region, s.IPv4[0]} {
		if r, bad := safetext.Check(v); bad {
			t.Fatalf("%q holds %s", v, safetext.Quote(r))
		}
	}
	if s.Name != "web ]0;owned -1" || s.ID != "1" {
		t.Fatalf("server = %+v", s)
	}
}
