package duty

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/store/storetest"
)

// Three electors on pools of their own: one holds the duty, the others
// cannot take it, and each clean stop hands it to the next at once. The
// lease is an hour, so a takeover within the test can only come from the
// release: a stop that failed to release would hang the test.
func TestOneHolderAmongThreeAndACleanStopHandsOverAtOnce(t *testing.T) {
	ctx := context.Background()
	addr := storetest.Database(t)
	h := newHolders()
	var mu sync.Mutex
	changes := map[string][]bool{}
	o := Options{Lease: time.Hour, Renew: 20 * time.Millisecond}
	byName := map[string]*candidate{}
	for _, name := range []string{"a", "b", "c"} {
		o := o
		o.OnChange = func(duty string, held bool) {
			mu.Lock()
			changes[name] = append(changes[name], held)
			mu.Unlock()
		}
		byName[name] = campaign(t, addr, name, "sweeper", o, h)
	}

	var gone []string
	for range 3 {
		holder := h.waitHolder(t, gone...)
		for name, c := range byName {
			if held := c.e.Held("sweeper"); held != (name == holder) {
				t.Fatalf("%s holds the duty, yet %s says Held = %v", holder, name, held)
			}
			if name == holder || slices.Contains(gone, name) {
				continue
			}
			// The statement itself refuses the others, as their
			// campaigns are refused.
			if ok, err := c.e.take(ctx, "sweeper"); err != nil || ok {
				t.Fatalf("%s took the duty %s holds: %v %v", name, holder, ok, err)
			}
		}
		byName[holder].halt()
		if byName[holder].e.Held("sweeper") {
			t.Fatalf("%s still says it holds the duty after stopping", holder)
		}
		gone = append(gone, holder)
	}
	h.check(t)
	mu.Lock()
	defer mu.Unlock()
	for _, name := range gone {
		if got := changes[name]; !slices.Equal(got, []bool{true, false}) {
			t.Errorf("OnChange of %s: %v, want one take and one give-up", name, got)
		}
	}
}

// A holder that can no longer renew (its pool closed, as when its node
// loses the database) stops doing the duty before its lease lapses, so
// the next holder starts only after it ended.
func TestAHolderThatCannotRenewGivesUpBeforeItsLeaseCanBeTaken(t *testing.T) {
	addr := storetest.Database(t)
	h := newHolders()
	o := Options{Lease: 3 * time.Second, Renew: 100 * time.Millisecond}
	byName := map[string]*candidate{}
	for _, name := range []string{"a", "b", "c"} {
		byName[name] = campaign(t, addr, name, "gateway", o, h)
	}
	holder := h.waitHolder(t)
	cut := time.Now()
	byName[holder].db.Close()
	next := h.waitHolder(t, holder)
	t.Logf("%s lost the database; %s took over %v later (lease %v)", holder, next, time.Since(cut).Round(time.Millisecond), o.Lease)

	h.check(t)
	ev := h.snapshot()
	ended, started := slices.Index(ev, "end "+holder), slices.Index(ev, "start "+next)
	if ended < 0 || ended > started {
		t.Fatalf("%s did not stop before %s started: %v", holder, next, ev)
	}
	if byName[holder].e.Held("gateway") {
		t.Fatalf("%s still says it holds the duty", holder)
	}
}

// The statement that takes a duty: a live lease of another holder is
// refused, a lapsed one taken, and the holder renews its own.
func TestALapsedLeaseIsTakenAndALiveOneIsNot(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, storetest.Database(t))
	e, err := New(db, "me", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO duties (name, holder, until) VALUES ('sweeper', 'ghost', ?)`, int64(math.MaxInt64)); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.take(ctx, "sweeper"); err != nil || ok {
		t.Fatalf("took a live lease of another holder: %v %v", ok, err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE duties SET until = 0 WHERE name = 'sweeper'`); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.take(ctx, "sweeper"); err != nil || !ok {
		t.Fatalf("did not take a lapsed lease: %v %v", ok, err)
	}
	if ok, err := e.take(ctx, "sweeper"); err != nil || !ok {
		t.Fatalf("did not renew its own lease: %v %v", ok, err)
	}
	var holder string
	if err := db.QueryRowContext(ctx, `SELECT holder FROM duties WHERE name = 'sweeper'`).Scan(&holder); err != nil || holder != "me" {
		t.Fatalf("holder %q %v", holder, err)
	}
}

// Whose clock judges a lease: on PostgreSQL the server's, so a replica
// whose clock runs an hour ahead cannot take a live lease; on SQLite
// (one host) the process clock, which a test may move.
func TestTheRefereeClock(t *testing.T) {
	ctx := context.Background()
	addr := storetest.Database(t)
	holder, err := New(storetest.Open(t, addr), "holder", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := holder.try(ctx, "sweeper"); err != nil || !ok {
		t.Fatalf("the first candidate did not take a free duty: %v %v", ok, err)
	}
	ahead, err := New(storetest.Open(t, addr), "ahead", Options{Clock: func() time.Time { return time.Now().Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	ok, err := ahead.try(ctx, "sweeper")
	if err != nil {
		t.Fatal(err)
	}
	if want := !storetest.OnPostgres(); ok != want {
		t.Fatalf("a candidate whose clock is an hour ahead took the live lease: %v, want %v", ok, want)
	}
}

// A duty whose work ends by itself is released, for another to take.
func TestWorkThatEndsReleasesTheDuty(t *testing.T) {
	addr := storetest.Database(t)
	o := Options{Lease: time.Hour, Renew: 20 * time.Millisecond}
	short, err := New(storetest.Open(t, addr), "short", o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran, done := make(chan struct{}), make(chan struct{})
	defer func() { cancel(); <-done }()
	go func() {
		defer close(done)
		short.Run(ctx, "sweeper", func(context.Context) {
			select {
			case <-ran:
			default:
				close(ran)
			}
		})
	}()
	<-ran
	h := newHolders()
	campaign(t, addr, "next", "sweeper", o, h)
	h.waitHolder(t) // an hour's lease: only a release lets it in
}

func TestOptionsAreChecked(t *testing.T) {
	db := storetest.Open(t, storetest.Database(t))
	if _, err := New(db, "", Options{}); err == nil {
		t.Error("an elector without an instance name was made")
	}
	if _, err := New(db, "me", Options{Lease: time.Second, Renew: time.Second}); err == nil {
		t.Error("renewing once a lease was accepted")
	}
	e, err := New(db, "me", Options{})
	if err != nil || e.lease != DefaultLease || e.renew != DefaultRenew {
		t.Fatalf("defaults: %v %v %v", e.lease, e.renew, err)
	}
}
