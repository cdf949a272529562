package commands_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// BenchmarkReplicas is audited commands per second with 1, 2 and 3
// replicas (each an App with its own pool, audit writer and runner, as a
// process would have) on one database, SQLite file or PostgreSQL, in the
// same run. Eight callers take the replicas in turn; every command is a
// read allowed by policy with its two audit records, so the replicas
// contend for the one audit chain (docs/benchmarks.md).
//
// SQLite "replicas" share one host, as they must; the test PostgreSQL runs
// with fsync off (pgtest), as SQLite's synchronous=NORMAL does not sync
// each commit either.
func BenchmarkReplicas(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		for _, n := range []int{1, 2, 3} {
			b.Run(fmt.Sprintf("engine=%s/replicas=%d", engine, n), func(b *testing.B) {
				addr := storetest.Database(b)
				if engine == "postgres" {
					addr = pgtest.URL(b)
				}
				replicas := make([]*testApp, n)
				for i := range replicas {
					replicas[i] = openTestApp(b, addr)
				}
				var next atomic.Int64
				q := shellReq(alice)
				benchCallers(b, 8, func(ctx context.Context) error {
					a := replicas[next.Add(1)%int64(n)]
					_, err := a.Runner.RunText(ctx, q, benchReadLine)
					return err
				})
			})
		}
	}
}

// BenchmarkApprovalPostingAcrossReplicas is how long an approval raised on
// one replica takes to reach another replica's watcher, which is what
// posts it to chat: the time from the request being asked for (RunText
// called: policy, the gate, the request stored, its audit records) to the
// notice on the other replica. p50 and p99 are the
// figures. Requests are raised at random moments (a pause of up to
// 200 ms before each), not in step with the watcher's poll.
//
// PostgreSQL only: on SQLite every process is on one host and the time is
// the watcher's poll (1 s: p50 about 0.5 s, p99 about 1 s), which a
// benchmark would only spend CI minutes confirming.
func BenchmarkApprovalPostingAcrossReplicas(b *testing.B) {
	for _, engine := range []string{"postgres"} {
		b.Run("engine="+engine, func(b *testing.B) {
			addr := storetest.Database(b)
			if engine == "postgres" {
				addr = pgtest.URL(b)
			}
			raiser, poster := openTestApp(b, addr), openTestApp(b, addr)
			var (
				mu      sync.Mutex
				waiting = map[string]chan struct{}{}
			)
			heard := func(id string) chan struct{} {
				mu.Lock()
				defer mu.Unlock()
				ch, ok := waiting[id]
				if !ok {
					ch = make(chan struct{})
					waiting[id] = ch
				}
				return ch
			}
			ctx, cancel := context.WithCancel(context.Background())
			wait := poster.Background(ctx, time.Second, func(n commands.Notice) {
				if n.Event == approval.EventCreated {
					close(heard(n.ID))
				}
			})
			b.Cleanup(func() { cancel(); wait() })
			q := commands.Request{Source: "shell", Principal: alice} // cannot confirm: the gate is approval
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				time.Sleep(rand.N(200 * time.Millisecond))
				start := time.Now()
				res, err := raiser.Runner.RunText(ctx, q, "delete demo-nyc/nyc-201")
				if err != nil {
					b.Fatal(err)
				}
				if res.Pending == nil || res.Pending.State != approval.Pending {
					b.Fatalf("delete was not held for approval: %+v", res)
				}
				select {
				case <-heard(res.Pending.ID):
				case <-time.After(30 * time.Second):
					b.Fatalf("request %s never reached the other replica", res.Pending.ID)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
