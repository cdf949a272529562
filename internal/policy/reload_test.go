package policy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	vpsops "github.com/vpsops/vpsops"
)

const (
	grantLine = "g, discord:1001, operator"
	grantRule = "p, operator, *, server.power"
)

func TestReloadKeepsOldPolicyWhenBroken(t *testing.T) {
	e, o := withPolicy(t, grantLine)
	if d := e.Decide("discord:1001", "server.power", "edis-fra/1"); !d.Allowed {
		t.Fatalf("before reload: denied: %q", d.Rule)
	}
	writeFile(t, dirOf(o.PolicyPath), "policy.csv", vpsops.DefaultPolicy+"\np, operator, *, server.powr\n")
	err := e.Reload()
	if err == nil || !strings.Contains(err.Error(), o.PolicyPath) || !strings.Contains(err.Error(), "server.powr") {
		t.Fatalf("Reload of a broken file: err = %v", err)
	}
	if g := e.Generation(); g != 1 {
		t.Errorf("Generation after failed reload = %d, want 1", g)
	}
	if d := e.Decide("discord:1001", "server.power", "edis-fra/1"); !d.Allowed || d.Rule != grantRule {
		t.Errorf("after failed reload: %+v, want the old policy's allow", d)
	}

	// A good file takes effect, and no cached answer from the old policy
	// survives it.
	writeFile(t, dirOf(o.PolicyPath), "policy.csv", vpsops.DefaultPolicy)
	if err := e.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if g := e.Generation(); g != 2 {
		t.Errorf("Generation = %d, want 2", g)
	}
	if d := e.Decide("discord:1001", "server.power", "edis-fra/1"); d.Allowed {
		t.Errorf("after reload: still allowed by %q", d.Rule)
	}
}

func TestReloadUsesClock(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	e, err := New(Options{Clock: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	if !e.LoadedAt().Equal(at) {
		t.Errorf("LoadedAt = %v, want %v", e.LoadedAt(), at)
	}
}

func TestWatchPicksUpFileChange(t *testing.T) {
	logs := new(logBuffer)
	dir := t.TempDir()
	o := Options{
		ModelPath:    writeFile(t, dir, "model.conf", vpsops.DefaultModel),
		PolicyPath:   writeFile(t, dir, "policy.csv", vpsops.DefaultPolicy),
		Logger:       logs.logger(),
		PollInterval: 5 * time.Millisecond,
	}
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Watch(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	// A broken edit is logged and refused.
	writeFile(t, dir, "policy.csv", vpsops.DefaultPolicy+"\np2, *, *, delete, approve\n")
	waitFor(t, "the failed reload to be logged", func() bool { return logs.contains("policy reload failed") })
	if g := e.Generation(); g != 1 {
		t.Fatalf("broken file changed the generation to %d", g)
	}

	// The fixed file takes effect without a restart.
	writeFile(t, dir, "policy.csv", vpsops.DefaultPolicy+"\n"+grantLine+"\n")
	waitFor(t, "generation 2", func() bool { return e.Generation() == 2 })
	if d := e.Decide("discord:1001", "server.power", "edis-fra/1"); !d.Allowed {
		t.Errorf("new grant not in force: %q", d.Rule)
	}
	// The new policy goes live just before the reload is logged.
	waitFor(t, "the reload logged", func() bool { return logs.contains("policy reloaded") })

	// A change to the model file counts too.
	writeFile(t, dir, "model.conf", vpsops.DefaultModel+"\n# edited\n")
	waitFor(t, "generation 3", func() bool { return e.Generation() == 3 })
}

func TestWatchReloadsOnHangup(t *testing.T) {
	e, err := New(Options{}) // embedded: only a hang-up reloads
	if err != nil {
		t.Fatal(err)
	}
	hup := make(chan os.Signal)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.watch(ctx, hup); close(done) }()
	hup <- syscall.SIGHUP
	waitFor(t, "generation 2", func() bool { return e.Generation() == 2 })
	cancel()
	<-done // Watch returns when ctx ends
}

func TestDecideDuringReloads(t *testing.T) {
	// Two policies that disagree about discord:1001. Every answer must be
	// one of the two, whole: never an allow without its rule, never a
	// panic or a race while snapshots are swapped.
	e, o := withPolicy(t, grantLine)
	dir := dirOf(o.PolicyPath)
	with := vpsops.DefaultPolicy + "\n" + grantLine + "\n"

	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lastGen uint64
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				obj := fmt.Sprintf("edis-fra/%d", (i*7+w)%50)
				d := e.Decide("discord:1001", "server.power", obj)
				if d.Allowed && d.Rule != grantRule || !d.Allowed && d.Rule != ruleDefaultDeny {
					errs <- fmt.Errorf("inconsistent decision %+v", d)
					return
				}
				if g, _ := e.Gate("shell:alice", "delete", "demo-nyc/"+obj); g != GateApproval {
					errs <- fmt.Errorf("gate = %q", g)
					return
				}
				if w == 0 && i%16 == 0 {
					e.Explain("discord:1001")
				}
				if g := e.Generation(); g < lastGen {
					errs <- fmt.Errorf("generation went back from %d to %d", lastGen, g)
					return
				} else {
					lastGen = g
				}
			}
		}()
	}
	for i := range 20 {
		text := vpsops.DefaultPolicy
		if i%2 == 1 {
			text = with
		}
		writeFile(t, dir, "policy.csv", text)
		if err := e.Reload(); err != nil {
			t.Errorf("Reload %d: %v", i, err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if g := e.Generation(); g != 21 {
		t.Errorf("Generation = %d, want 21", g)
	}
	// The last policy written grants; the answer reflects it.
	if d := e.Decide("discord:1001", "server.power", "edis-fra/1"); !d.Allowed {
		t.Errorf("final policy not in force: %q", d.Rule)
	}
}

func dirOf(path string) string { return filepath.Dir(path) }
