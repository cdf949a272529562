package demo_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// TestSQLiteSharedAcrossDrivers plays two bot processes on one database
// file: separate connections, separate Drivers. What one destroys is gone
// for the other, and a fleet emptied by destroys is not seeded again.
func TestSQLiteSharedAcrossDrivers(t *testing.T) {
	ctx := t.Context()
	path := storetest.Database(t)
	a := demo.New(demo.Config{Name: "demo-fra", Store: sqliteStore(ctx, t, openDB(ctx, t, path))})
	b := demo.New(demo.Config{Name: "demo-fra", Store: sqliteStore(ctx, t, openDB(ctx, t, path))})

	listA, err := a.ListServers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range listA {
		op, err := a.Destroy(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := op.Wait(ctx, func(driver.Progress) {}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.GetServer(ctx, s.ID); fault.ClassOf(err) != fault.NotFound {
			t.Fatalf("after A destroyed %s, B gets %v, want not found", s.ID, err)
		}
	}
	// A third driver, as after a restart, must not resurrect the fleet.
	c := demo.New(demo.Config{Name: "demo-fra", Store: sqliteStore(ctx, t, openDB(ctx, t, path))})
	for name, d := range map[string]*demo.Driver{"B": b, "restarted": c} {
		list, err := d.ListServers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Fatalf("%s lists %d servers after all were destroyed", name, len(list))
		}
	}
}

// TestInstancesAreSeparate checks that two instances in one store keep
// their own fleets.
func TestInstancesAreSeparate(t *testing.T) {
	ctx := t.Context()
	st := demo.NewMemoryStore()
	fra := demo.New(demo.Config{Name: "demo-fra", Store: st})
	nyc := demo.New(demo.Config{Name: "demo-nyc", Store: st})
	if _, err := fra.Power(ctx, "fra-101", driver.PowerStop); err != nil {
		t.Fatal(err)
	}
	if _, err := nyc.GetServer(ctx, "fra-101"); fault.ClassOf(err) != fault.NotFound {
		t.Fatalf("nyc sees fra-101: %v", err)
	}
	if got := status(t, nyc, "nyc-201"); got != driver.StatusRunning {
		t.Fatalf("nyc-201 is %q, want running", got)
	}
}

// TestPowerHammer runs 50 goroutines toggling one server. Successful
// actions must alternate (the server starts running, so successes are
// stop, start, stop, …), every refusal must be a Conflict, and the final
// state must match the count of successes.
func TestPowerHammer(t *testing.T) {
	stores := map[string]func(ctx context.Context, t *testing.T) demo.Store{
		"memory": func(context.Context, *testing.T) demo.Store { return demo.NewMemoryStore() },
		"sqlite": func(ctx context.Context, t *testing.T) demo.Store {
			return sqliteStore(ctx, t, openDB(ctx, t, storetest.Database(t)))
		},
	}
	for name, mk := range stores {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			d := demo.New(demo.Config{Name: "demo-fra", Store: mk(ctx, t)})
			const workers, rounds = 50, 4
			var mu sync.Mutex
			ok := map[driver.PowerAction]int{}
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for r := range rounds {
						a := driver.PowerStop
						if (w+r)%2 == 1 {
							a = driver.PowerStart
						}
						_, err := d.Power(ctx, "fra-101", a)
						if err != nil && fault.ClassOf(err) != fault.Conflict {
							t.Errorf("%s: %v, want success or conflict", a, err)
						}
						if err == nil {
							mu.Lock()
							ok[a]++
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
			stops, starts := ok[driver.PowerStop], ok[driver.PowerStart]
			want := driver.StatusRunning
			switch stops - starts {
			case 0:
			case 1:
				want = driver.StatusStopped
			default:
				t.Fatalf("%d stops and %d starts succeeded: they must alternate", stops, starts)
			}
			if got := status(t, d, "fra-101"); got != want {
				t.Fatalf("after %d stops and %d starts the server is %q, want %q", stops, starts, got, want)
			}
			if stops == 0 {
				t.Fatal("no action succeeded")
			}
		})
	}
}

// TestPasswordNotStored reinstalls with a password and checks that it is
// nowhere in the stored state.
func TestPasswordNotStored(t *testing.T) {
	ctx := t.Context()
	db := openDB(ctx, t, storetest.Database(t))
	d := demo.New(demo.Config{Name: "demo-fra", Speed: 1, Store: sqliteStore(ctx, t, db)})
	const secret = "Tr0ub4dor-and-3"
	if _, err := d.Reinstall(ctx, "fra-102", driver.ReinstallOptions{Image: "alpine-3.20", Password: secret}); err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := db.QueryRowContext(ctx, `SELECT fleet FROM demo_fleets WHERE provider='demo-fra'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stored, "alpine-3.20") {
		t.Fatalf("stored fleet lacks the pending reinstall: %s", stored)
	}
	if strings.Contains(stored, secret) {
		t.Fatal("the reinstall password is in the stored fleet")
	}
}
