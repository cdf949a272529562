package driver

import (
	"context"
	"testing"
)

type bare struct{}

func (bare) ListServers(context.Context) ([]Server, error)      { return nil, nil }
func (bare) GetServer(context.Context, string) (*Server, error) { return nil, nil }

// TestFeatureTable: every capability appears once in the table, and a
// driver with none of the interfaces has none of the capabilities.
func TestFeatureTable(t *testing.T) {
	seen := map[Capability]bool{}
	for _, c := range AllCapabilities {
		if c == CapNone || seen[c] {
			t.Errorf("capability %q is empty or listed twice", c)
		}
		seen[c] = true
		if Has(bare{}, c) {
			t.Errorf("a bare driver has %q", c)
		}
	}
	if !Has(bare{}, CapNone) || Has(bare{}, "teleport") {
		t.Error("CapNone must be had by all, an unknown capability by none")
	}
}
