package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// The installation the chaos test runs: one PostgreSQL database, one
// Slack app in HTTP mode, a demo fleet of one running server per request
// (so that no request finds its server busy with another), and a policy
// that makes every reboot wait for an approver.
const (
	chaosRequests   = 200
	chaosRequesters = 25 // 8 requests each
	chaosApprovers  = 40 // 5 approvals each, so nobody is paced (see chat's limiter)
	// chaosDemoSpeed makes a reboot take 10 s (5 s at speed 1): every
	// request is still running when the last one is claimed.
	chaosDemoSpeed = 0.5
	chaosKey       = "chaos-test-audit-key-0123456789abcdef"
)

// chaosTargets picks n running demo servers and names the demo
// providers that hold them. A demo instance seeds the same servers
// wherever it runs, so an in-memory copy here lists what the replicas
// will find in the database.
func chaosTargets(t *testing.T, n int) (targets, providers []string) {
	t.Helper()
	for i := 1; len(targets) < n; i++ {
		name := fmt.Sprintf("demo-c%02d", i)
		servers, err := demo.New(demo.Config{Name: name}).ListServers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		providers = append(providers, name)
		for _, s := range servers {
			if s.Status == driver.StatusRunning && len(targets) < n {
				targets = append(targets, name+"/"+s.ID)
			}
		}
	}
	return targets, providers
}

// writeChaosConfig writes the configuration every replica runs with and
// returns its path. Each replica listens on a port of its own choosing.
func writeChaosConfig(t *testing.T, dir, database string, ws *workspace, providers []string) string {
	t.Helper()
	policy := filepath.Join(dir, "policy.csv")
	extra := fmt.Sprintf(`
# The chaos test's workspace: requesters may reboot, approvers approve;
# every reboot waits for an approver.
g, slack:%[1]s:UREQ*, operator
g, slack:%[1]s:UAPP*, approver
p2, *, demo-*/*, reboot, approval
`, chaosTeam)
	if err := os.WriteFile(policy, []byte(vpsops.DefaultPolicy+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	o := ws.fake.Options()
	var b strings.Builder
	fmt.Fprintf(&b, "database: %q\n", database)
	fmt.Fprintf(&b, "audit: {hmac_key: %q}\n", chaosKey)
	fmt.Fprintf(&b, "policy: {policy: %q}\n", policy)
	fmt.Fprintf(&b, "http: {listen: \"127.0.0.1:0\"}\n")
	fmt.Fprintf(&b, "slack: {bot_token: %q, signing_secret: %q, approvals_channel: %s, api_url: %q}\n",
		o.BotToken, o.SigningSecret, chaosApprovals, ws.fake.APIURL())
	do := ws.discord.Options()
	fmt.Fprintf(&b, "discord: {token: %q, app_id: %q, guild_id: %q, api_url: %q}\n",
		do.BotToken, do.ApplicationID, chaosGuild, ws.discord.URL())
	fmt.Fprintf(&b, "demo: {speed: %g}\n", chaosDemoSpeed)
	b.WriteString("providers:\n")
	for _, p := range providers {
		fmt.Fprintf(&b, "  - {name: %s, type: demo}\n", p)
	}
	path := filepath.Join(dir, "replica.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
