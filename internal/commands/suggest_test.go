package commands_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
)

// Suggest offers what the caller may act on, their groups included, and
// nothing to someone with no grant.
func TestSuggestOffersOnlyWhatTheCallerMaySee(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.csv")
	if err := os.WriteFile(path, []byte(vpsops.DefaultPolicy+"\ng, discord-role:100:500, viewer\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, func(c *config.Config) { c.Policy.Policy = path })
	ctx := context.Background()
	withRole := commands.Viewer{Principal: "discord:1", Groups: []string{"discord-role:100:500"}}
	got := a.Runner.Suggest(ctx, withRole, "status", "server", "fra", 25)
	if len(got) == 0 {
		t.Fatal("a viewer by role is offered no server")
	}
	for _, ref := range got {
		if !strings.HasPrefix(ref, "demo-fra/") {
			t.Fatalf("typed fra, offered %s", ref)
		}
	}
	if got := a.Runner.Suggest(ctx, commands.Viewer{Principal: "discord:1"}, "status", "server", "", 25); len(got) != 0 {
		t.Fatalf("someone with no grant is offered %v", got)
	}
	if got := a.Runner.Suggest(ctx, withRole, "status", "server", "", 3); len(got) != 3 {
		t.Fatalf("at most 3 asked, %d offered", len(got))
	}
	if got := a.Runner.Suggest(ctx, commands.Viewer{Principal: "mcp:x", Groups: withRole.Groups}, "status", "server", "", 25); got != nil {
		t.Fatalf("an MCP principal with groups is offered %v", got)
	}
}
