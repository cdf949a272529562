package commands_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/commands"
)

// dbBytes returns the database file and its WAL, where a leaked secret
// would sit.
func dbBytes(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestReinstallPasswordNeverStoredOrLogged(t *testing.T) {
	a := newTestApp(t)
	const pw = "Kx9-unique-Pa55word-Zq"
	q := shellReq(alice)
	res := a.run(t, q, "reinstall demo-fra/fra-101 debian-12 password="+pw)
	id := res.Pending.ID
	if strings.Contains(commands.Plain(res, true), pw) {
		t.Fatal("the confirm prompt shows the password")
	}
	res = a.run(t, q, "confirm "+id)
	contains(t, res.Title, "reinstalled")
	// A typo'd key must not carry the password into the rejection record.
	a.fail(t, q, "reinstall demo-fra/fra-101 debian-12 pasword="+pw)
	a.fail(t, q, "reinstall demo-fra/fra-101 debian-12 "+pw)
	a.Audit.Close() // flush
	if bytes.Contains(dbBytes(t, a.path), []byte(pw)) {
		t.Fatal("the password reached the database file")
	}
	if strings.Contains(a.logs.String(), pw) {
		t.Fatal("the password reached the logs")
	}
}

func TestGeneratedPasswordShownOnlyToRequester(t *testing.T) {
	a := newTestApp(t)
	q := shellReq(alice)
	id := a.run(t, q, "reinstall demo-fra/fra-101 debian-12").Pending.ID
	res := a.run(t, q, "confirm "+id)
	if len(res.Secret) != 1 || len(res.Secret[0].Value) < 16 {
		t.Fatalf("secret = %+v, want one generated password", res.Secret)
	}
	pw := res.Secret[0].Value
	if strings.Contains(commands.Plain(res, false), pw) {
		t.Fatal("the password is rendered for a non-requester")
	}
	contains(t, commands.Plain(res, true), pw)
	a.Audit.Close()
	if bytes.Contains(dbBytes(t, a.path), []byte(pw)) || strings.Contains(a.logs.String(), pw) {
		t.Fatal("the generated password leaked into the database or logs")
	}
}

// reinstall on demo-nyc needs approval. Its password lives only in the
// requester's process; the approver's process (a second app on the same
// file, as a second terminal would be) approves, and the requester's
// watcher runs it and shows the secret to the requester alone.
func TestSecretRequestApprovedInAnotherProcessRunsAtTheRequester(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	asker := openTestApp(t, path)
	approver := openTestApp(t, path)
	q := shellReq(alice)
	id := asker.run(t, q, "reinstall demo-nyc/nyc-203 debian-12").Pending.ID
	if res := asker.run(t, q, "confirm "+id); res.Pending == nil || res.Pending.Gate != "approval" {
		t.Fatalf("db reinstall after confirm: %+v", res)
	}
	res := approver.run(t, shellReq(bob), "approve "+id)
	contains(t, res.Text, "runs there")
	if len(res.Secret) != 0 {
		t.Fatal("the approver was shown a secret")
	}
	notices := make(chan commands.Notice, 16)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go asker.Runner.Watch(ctx, 10*time.Millisecond, time.Second, func(n commands.Notice) {
		if n.Result != nil {
			notices <- n
		}
	})
	select {
	case n := <-notices:
		if n.Err != nil {
			t.Fatalf("run at requester: %v", n.Err)
		}
		if n.ID != id || len(n.Result.Secret) != 1 {
			t.Fatalf("notice = %+v", n)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the requester's process never ran the approved request")
	}
	// The approver's own process cannot run it: it lacks the secret.
	st := approver.stages(t, id)
	if st[len(st)-1] != "executed" {
		t.Fatalf("stages %v", st)
	}
}
