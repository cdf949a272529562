package demo_test

import (
	"context"
	"testing"

	"github.com/vpsops/vpsops/internal/pgtest"
	"github.com/vpsops/vpsops/internal/providers/demo"
	"github.com/vpsops/vpsops/internal/providers/driver"
	"github.com/vpsops/vpsops/internal/providers/drivertest"
	"github.com/vpsops/vpsops/internal/store"
	"github.com/vpsops/vpsops/internal/store/storetest"
)

// harness runs the conformance suite against a demo-fra instance at
// Speed 0, so every transition has ended by the next read.
type harness struct{ sqlite bool }

func (h harness) MakeDriver(ctx context.Context, t *testing.T) driver.Driver {
	st := demo.NewMemoryStore()
	if h.sqlite {
		st = sqliteStore(ctx, t, openDB(ctx, t, storetest.Database(t)))
	}
	return demo.New(demo.Config{Name: "demo-fra", Store: st})
}

func (harness) Fixtures() drivertest.Fixtures {
	return drivertest.Fixtures{
		RunningID: "fra-101",
		StoppedID: "fra-104",
		MissingID: "fra-999",
		ImageID:   "rocky-9",
		ISO:       "systemrescue-11",
		IP:        "192.0.2.11",
	}
}

func (harness) Settle(context.Context, *testing.T, driver.Driver) {}

func TestConformanceMemory(t *testing.T) { drivertest.Run(t, harness{}) }
func TestConformanceSQLite(t *testing.T) { drivertest.Run(t, harness{sqlite: true}) }

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformanceOnPostgres runs the tests of the database-backed store on
// PostgreSQL.
func TestConformanceOnPostgres(t *testing.T) {
	storetest.RunOnPostgres(t, "^(TestConformanceSQLite|TestSQLiteSharedAcrossDrivers|TestPowerHammer|TestPasswordNotStored)$")
}

func openDB(ctx context.Context, t *testing.T, path string) *store.DB {
	t.Helper()
	return storetest.Open(t, path)
}

func sqliteStore(ctx context.Context, t *testing.T, db *store.DB) demo.Store {
	t.Helper()
	st, err := demo.NewDBStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
