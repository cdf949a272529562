package audit

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/sqlite"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// Benchmarks run on a real file: commit cost (fsync) is what group commit
// amortizes. Compare with BenchmarkSingleInsertTx, one record per
// transaction without the log.

var syncLevels = []sqlite.Synchronous{sqlite.SyncNormal, sqlite.SyncFull}

func benchLog(b *testing.B, s sqlite.Synchronous) *Log {
	b.Helper()
	db := storetest.OpenWith(b, filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{Synchronous: s})
	l, err := Open(context.Background(), db, Options{HMACKey: testKey})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	return l
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkAppend is one caller waiting for each record to be durable.
func BenchmarkAppend(b *testing.B) {
	for _, s := range syncLevels {
		b.Run(string(s), func(b *testing.B) {
			l := benchLog(b, s)
			ctx := context.Background()
			r := rec(1)
			b.ResetTimer()
			for b.Loop() {
				if _, err := l.Append(ctx, r); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b)
		})
	}
}

// BenchmarkAppendParallel is 8 callers, each waiting for its own record:
// they share commits.
func BenchmarkAppendParallel(b *testing.B) {
	for _, s := range syncLevels {
		b.Run(string(s), func(b *testing.B) {
			l := benchLog(b, s)
			r := rec(1)
			b.SetParallelism((8 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					if _, err := l.Append(ctx, r); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportRate(b)
		})
	}
}

// BenchmarkSingleInsertTx is the baseline: one plain insert per
// transaction, no chain, no writer goroutine.
func BenchmarkSingleInsertTx(b *testing.B) {
	for _, s := range syncLevels {
		b.Run(string(s), func(b *testing.B) {
			l := benchLog(b, s)
			ctx := context.Background()
			r := rec(1)
			r.Time = time.Now().UTC()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				tx, err := l.db.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				r.Seq = int64(i + 1)
				if _, err := tx.ExecContext(ctx, insertRecord, insertArgs(&r)...); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b)
		})
	}
}
