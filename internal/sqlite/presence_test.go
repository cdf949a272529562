package sqlite

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestPresence(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	a, err := Announce(db, "host/1/aaaaaa")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Announce(db, "host/2/bbbbbb")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !b.Alive("host/1/aaaaaa") || !a.Alive("host/2/bbbbbb") || !a.Alive(a.Instance()) {
		t.Fatal("a live process was reported dead")
	}
	if b.Alive("host/3/never") {
		t.Fatal("a process that never announced itself is alive")
	}
	if _, err := Announce(db, "host/1/aaaaaa"); err == nil {
		t.Fatal("two live processes share one instance name")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if b.Alive("host/1/aaaaaa") {
		t.Fatal("a process that closed its presence is alive")
	}
	var none *Presence
	if err := none.Close(); err != nil {
		t.Fatal(err)
	}
}

const presenceHelperEnv = "VPSOPS_PRESENCE_HELPER_DB"

var helperPresence *Presence

// TestPresenceHelperProcess is not a test: TestPresenceOfAKilledProcess
// runs the test binary again with only this function, as a process that
// announces itself and is then killed.
func TestPresenceHelperProcess(t *testing.T) {
	db := os.Getenv(presenceHelperEnv)
	if db == "" {
		t.Skip("helper for TestPresenceOfAKilledProcess")
	}
	p, err := Announce(db, "child")
	if err != nil {
		t.Fatal(err)
	}
	helperPresence = p // reachable: a collected *os.File would close, dropping the lock
	os.Stdout.WriteString("ready\n")
	select {} // until killed
}

// TestPresenceOfAKilledProcess: a process killed without any chance to
// clean up is dead to the others at once (its lock file stays behind).
func TestPresenceOfAKilledProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	db := filepath.Join(t.TempDir(), "x.db")
	me, err := Announce(db, "parent")
	if err != nil {
		t.Fatal(err)
	}
	defer me.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPresenceHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), presenceHelperEnv+"="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("helper did not start: %q %v", line, err)
	}
	if !me.Alive("child") {
		t.Fatal("the running child is reported dead")
	}
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(me.path("child")); err != nil {
		t.Fatalf("the killed child's lock file: %v", err)
	}
	if me.Alive("child") {
		t.Fatal("the killed child is reported alive")
	}
}
