package commands_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

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
