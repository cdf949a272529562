package audit

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// BenchmarkChainAcrossReplicas is appends to the one audit chain from 1
// and 3 replicas (each a Log on a pool of its own, as a process has),
// eight callers in all, on an SQLite file and on PostgreSQL: what the
// chain's serialization (SQLite's write lock; the head row's lock on
// PostgreSQL) leaves of group commit's throughput. The chain verifies
// afterwards.
func BenchmarkChainAcrossReplicas(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		for _, n := range []int{1, 3} {
			b.Run(fmt.Sprintf("engine=%s/replicas=%d", engine, n), func(b *testing.B) {
				addr := filepath.Join(b.TempDir(), "bench.db")
				if engine == store.Postgres {
					addr = pgtest.URL(b)
				}
				logs := make([]*Log, n)
				for i := range logs {
					logs[i] = openLog(b, storetest.Open(b, addr), Options{HMACKey: testKey, Instance: fmt.Sprintf("replica-%d", i)})
				}
				var next atomic.Int64
				r := rec(1)
				b.SetParallelism(4) // 8 callers on 2 cores
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					ctx := context.Background()
					for pb.Next() {
						if _, err := logs[next.Add(1)%int64(n)].Append(ctx, r); err != nil {
							b.Error(err)
							return
						}
					}
				})
				reportRate(b)
				b.StopTimer()
				if rep, err := logs[0].Verify(context.Background()); err != nil || !rep.OK {
					b.Fatalf("the chain does not verify after the run: %+v %v", rep, err)
				}
			})
		}
	}
}
