package commands_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/config"
	"github.com/vpsops/vpsops/internal/fault"
)

// Runner benchmarks go through the real wiring on a SQLite file: every
// command pays its audit commits (fsync), which is the cost that matters.
// Run them with a fixed count (-benchtime 200x) for a smoke check, or with
// -benchtime 3s -count 3 for figures (docs/benchmarks.md).

const benchReadLine = "status demo-fra/fra-101"

// callerCounts are the concurrency levels measured: one interactive user,
// and eight requests in flight (several chat adapters and MCP clients).
var callerCounts = []int{1, 8}

// BenchmarkRunnerRead is a read command allowed by policy: parse, resolve,
// decide, execute on the demo driver, and two audit records (one queued,
// one awaited).
func BenchmarkRunnerRead(b *testing.B) {
	for _, sync := range []string{"NORMAL", "FULL"} {
		b.Run("sync="+sync, func(b *testing.B) {
			for _, n := range callerCounts {
				b.Run(fmt.Sprintf("callers=%d", n), func(b *testing.B) {
					a := newTestApp(b, func(c *config.Config) { c.Audit.Synchronous = sync })
					q := shellReq(alice)
					benchCallers(b, n, func(ctx context.Context) error {
						_, err := a.Runner.RunText(ctx, q, benchReadLine)
						return err
					})
				})
			}
		})
	}
}

// BenchmarkRunnerDenied is a request the policy refuses (the principal has
// no role): the deny path including its one awaited audit record.
func BenchmarkRunnerDenied(b *testing.B) {
	for _, n := range callerCounts {
		b.Run(fmt.Sprintf("callers=%d", n), func(b *testing.B) {
			a := newTestApp(b)
			q := shellReq("discord:1")
			benchCallers(b, n, func(ctx context.Context) error {
				_, err := a.Runner.RunText(ctx, q, benchReadLine)
				if fault.ClassOf(err) != fault.PermissionDenied {
					return fmt.Errorf("want permission_denied, got %v", err)
				}
				return nil
			})
		})
	}
}

// BenchmarkRunnerGated is a destructive command through its confirm
// gate: the request stored with its created event, confirmed, claimed,
// run and finished (an event each, in its own write transaction), and
// its audit records. Calls take the running demo servers in turn; two
// resets of one server at once end with the provider refusing one
// (conflict), which counts as a call.
func BenchmarkRunnerGated(b *testing.B) {
	servers := []string{"demo-fra/fra-101", "demo-fra/fra-102", "demo-fra/fra-103", "demo-nyc/nyc-201", "demo-nyc/nyc-202"}
	for _, n := range callerCounts {
		b.Run(fmt.Sprintf("callers=%d", n), func(b *testing.B) {
			a := newTestApp(b)
			var next atomic.Int32
			q := shellReq(alice)
			benchCallers(b, n, func(ctx context.Context) error {
				res, err := a.Runner.RunText(ctx, q, "reset "+servers[int(next.Add(1))%len(servers)])
				if err != nil {
					return err
				}
				if res.Pending == nil {
					return fmt.Errorf("reset did not stop at its gate")
				}
				_, err = a.Runner.RunText(ctx, q, "confirm "+res.Pending.ID)
				if fault.ClassOf(err) == fault.Conflict {
					return nil
				}
				return err
			})
		})
	}
}

// BenchmarkParse is Registry.Parse of a typical chat line with a prefix,
// positional and named arguments and a quoted value.
func BenchmarkParse(b *testing.B) {
	reg := commands.Builtin()
	const line = `/vps reinstall demo-fra/fra-101 debian-12 password='s3 cret pass'`
	if name, _, err := reg.Parse(line); err != nil || name != "reinstall" {
		b.Fatalf("Parse(%q) = %q, %v", line, name, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := reg.Parse(line); err != nil {
			b.Fatal(err)
		}
	}
}

// benchCallers runs call b.N times from exactly callers goroutines pulling
// from a shared counter (not RunParallel, whose goroutine count scales
// with GOMAXPROCS), timing each call. It reports throughput and the
// median and 99th percentile latency.
func benchCallers(b *testing.B, callers int, call func(context.Context) error) {
	b.Helper()
	ctx := context.Background()
	// One call before timing: it must succeed, and it warms the policy
	// cache and the connection pool as a running bot would have them.
	if err := call(ctx); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range callers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				err := call(ctx)
				lat[i] = time.Since(t0)
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if b.Failed() {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "cmds/s")
	b.ReportMetric(micros(percentile(lat, 50)), "p50-µs")
	b.ReportMetric(micros(percentile(lat, 99)), "p99-µs")
}

// percentile returns the p-th percentile (nearest rank) of sorted.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 · n), 1-based
	return sorted[max(rank, 1)-1]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
