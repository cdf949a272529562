package kinds_test

import (
	"log/slog"
	"testing"

	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/providers/kinds"
)

// TestOpenFromConfig: an entry of every real type, as config decodes it,
// opens a driver of that provider (no request is made).
func TestOpenFromConfig(t *testing.T) {
	doc := `providers:
  - {name: e, type: edis, email: a@b.c, password: pw, kvm_ids: [kvm_1], session_url: "http://127.0.0.1:1", poll_interval: 2s, cancel_mode: end_of_period}
  - {name: g, type: glesys, project: cl1, api_key: k, base_url: "http://127.0.0.1:1"}
  - {name: c, type: cyberpanel, api_key: cyp_live_0123, base_url: "http://127.0.0.1:1/api/v1", poll_interval: 1s}
  - {name: v, type: vpsbg, token: t, read_token: r, cancel_mode: immediate}
  - {name: s, type: suble, project: p, email: a@b.c, password: pw, products: [vm_1], ssh_keys: [k1]}
`
	cfg, err := config.Parse([]byte(doc), func(string) (string, bool) { return "", false }, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, pc := range cfg.Providers {
		opener, ok := pc.Settings.(kinds.Opener)
		if !ok {
			t.Fatalf("%s: settings %T open no driver", pc.Type, pc.Settings)
		}
		d, err := opener.Open(slog.New(slog.DiscardHandler))
		if err != nil || d == nil {
			t.Errorf("%s: Open: %v", pc.Type, err)
		}
	}
}
