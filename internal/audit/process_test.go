package audit

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// helperDBEnv names the database a helper process appends to; helperNEnv
// how many records it appends.
const (
	helperDBEnv = "VPSOPS_AUDIT_HELPER_DB"
	helperNEnv  = "VPSOPS_AUDIT_HELPER_N"
)

// TestHelperProcess is not a test: TestTwoProcessesAppend runs the test
// binary again with only this function, as a second process appending to
// the same file. It says "ready" once its Log is open and waits for "go" on
// stdin, so both processes append at the same time.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperDBEnv)
	if path == "" {
		t.Skip("helper for TestTwoProcessesAppend")
	}
	n, err := strconv.Atoi(os.Getenv(helperNEnv))
	if err != nil {
		t.Fatal(err)
	}
	l := openLog(t, reopenDB(t, path), Options{HMACKey: testKey})
	fmt.Println("ready")
	if line, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil || line != "go\n" {
		t.Fatalf("waiting for go: %q %v", line, err)
	}
	appendFromGoroutines(t, l, "child", n)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// appendFromGoroutines appends n records from 4 goroutines, half of them
// with AppendAsync.
func appendFromGoroutines(t *testing.T, l *Log, who string, n int) {
	const workers = 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				r := rec(i)
				r.Principal = who
				if i%2 == 0 {
					l.AppendAsync(r)
				} else if _, err := l.Append(context.Background(), r); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

func TestTwoProcessesAppend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	const n = 300
	db, path := openDB(t)
	l := openLog(t, db, Options{HMACKey: testKey})
	mustAppend(t, l, rec(-1)) // the chain exists before the child starts

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperDBEnv+"="+path, helperNEnv+"="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(stdout)
	if line, err := out.ReadString('\n'); err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper did not start: %q %v\n%s", line, err, stderr.String())
	}
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		t.Fatal(err)
	}
	appendFromGoroutines(t, l, "parent", n)
	rest, _ := io.ReadAll(out)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v\n%s%s", err, rest, stderr.String())
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, l, 2*n+1)
	var switches int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_records a JOIN audit_records b ON b.seq = a.seq + 1
		WHERE a.seq > 1 AND a.principal != b.principal`).Scan(&switches); err != nil {
		t.Fatal(err)
	}
	t.Logf("the chain switches between the processes %d times", switches) // how much they overlapped
	for _, who := range []string{"parent", "child"} {
		var got int
		if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_records WHERE principal = ?`, who).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Errorf("%s appended %d records, want %d", who, got, n)
		}
	}
}
