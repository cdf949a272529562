package commands_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// Three replicas on one database race to approve the same requests, each
// from another surface (a Slack press, a Discord press, the shell), all
// at once: each request is approved once and runs once, and the two
// losers are told it was already decided. On SQLite and on PostgreSQL.
func TestThreeReplicasRacingApprovalsFromEverySurfaceRunEachOnce(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			addr := storetest.Database(t)
			if engine == "postgres" {
				addr = pgtest.URL(t)
			}
			policy := filepath.Join(t.TempDir(), "policy.csv")
			extra := "\ng, slack:T1:UBOB, approver\ng, discord:2002, approver\np2, *, demo-*/*, reboot, approval\n"
			if err := os.WriteFile(policy, []byte(vpsops.DefaultPolicy+extra), 0o600); err != nil {
				t.Fatal(err)
			}
			withPolicy := func(c *config.Config) { c.Policy.Policy = policy }
			replicas := []*testApp{openTestApp(t, addr, withPolicy), openTestApp(t, addr, withPolicy), openTestApp(t, addr, withPolicy)}
			approvers := []commands.Request{
				{Source: "slack", Principal: "slack:T1:UBOB"},
				{Source: "discord", Principal: "discord:2002"},
				{Source: "shell", Principal: bob},
			}
			servers := []string{"demo-fra/fra-101", "demo-fra/fra-102", "demo-fra/fra-103", "demo-nyc/nyc-201", "demo-nyc/nyc-202"}
			const requests = 30
			for i := range requests {
				asked := replicas[i%3].run(t, commands.Request{Source: "shell", Principal: alice}, "reboot "+servers[i%len(servers)])
				if asked.Pending == nil {
					t.Fatalf("reboot was not held for approval: %s", asked.Title)
				}
				id := asked.Pending.ID
				var (
					wg   sync.WaitGroup
					mu   sync.Mutex
					wins []string
				)
				for j, q := range approvers {
					wg.Go(func() {
						_, err := replicas[j].Runner.Decide(ctx, q, id, true, "")
						mu.Lock()
						defer mu.Unlock()
						switch {
						case err == nil:
							wins = append(wins, q.Source)
						case fault.ClassOf(err) != fault.Conflict:
							// A loser is told it was decided; anything
							// else means this surface could not approve
							// at all, and the race proves nothing.
							t.Errorf("request %s: %s approver: %v", id, q.Source, err)
						}
					})
				}
				wg.Wait()
				if len(wins) != 1 {
					t.Fatalf("request %s: approvals %v won, want exactly one", id, wins)
				}
				stages := replicas[0].stages(t, id)
				if n := count(stages, "approved"); n != 1 {
					t.Fatalf("request %s approved %d times: %v", id, n, stages)
				}
				if n := count(stages, "executed"); n != 1 {
					t.Fatalf("request %s ran %d times: %v", id, n, stages)
				}
			}
		})
	}
}

func count(list []string, s string) int {
	n := 0
	for i := slices.Index(list, s); i >= 0; i = slices.Index(list, s) {
		n++
		list = list[i+1:]
	}
	return n
}
