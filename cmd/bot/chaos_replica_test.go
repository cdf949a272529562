package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// replicaEnv carries a replica's configuration file to the re-executed
// test binary.
const replicaEnv = "VPSOPS_CHAOS_REPLICA_CONFIG"

// TestChaosReplicaProcess is one bot replica of the chaos test: this test
// binary, re-executed with replicaEnv set, runs the bot's own start-up
// path (run) on that configuration until a signal ends it, and exits
// with the bot's status. Run directly, it does nothing.
func TestChaosReplicaProcess(t *testing.T) {
	cfg := os.Getenv(replicaEnv)
	if cfg == "" {
		t.Skip("a bot replica of TestChaos; only that test starts it")
	}
	os.Exit(run([]string{"--config", cfg}, os.Stdin, os.Stdout, os.Stderr))
}

// replica is one bot process of the chaos test.
type replica struct {
	name string // A, B, C: for people reading the test's output
	cmd  *exec.Cmd
	log  string // its stdout and stderr
	url  string // its HTTP listener, http://127.0.0.1:port

	serving chan string   // the address it serves HTTP on, once it does
	exited  chan struct{} // closed once the process has been reaped
	err     error         // how it ended, once exited is closed
}

// listenLine is the bot's log line naming the address it serves HTTP on
// (http.listen 127.0.0.1:0 picks a free port).
var listenLine = regexp.MustCompile(`"serving HTTP" listen=(\S+)`)

// startReplicas starts one bot process on config per name, all at once
// as a deploy does, and returns once each serves HTTP: by then its
// adapters and its watcher are running.
func startReplicas(t *testing.T, config, dir string, names ...string) []*replica {
	t.Helper()
	var rs []*replica
	for _, name := range names {
		rs = append(rs, spawnReplica(t, name, config, dir))
	}
	for _, r := range rs {
		r.awaitHTTP(t)
	}
	return rs
}

func spawnReplica(t *testing.T, name, config, dir string) *replica {
	t.Helper()
	r := &replica{name: name, log: filepath.Join(dir, "replica-"+name+".log"),
		serving: make(chan string, 1), exited: make(chan struct{})}
	logf, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	r.cmd = exec.Command(os.Args[0], "-test.run=^TestChaosReplicaProcess$", "-test.count=1")
	r.cmd.Env = append(os.Environ(), replicaEnv+"="+config)
	r.cmd.Stdout = logf
	// A test binary that dies takes its replicas with it.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := r.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start replica %s: %v", name, err)
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		lines := bufio.NewScanner(stderr)
		lines.Buffer(make([]byte, 64<<10), 1<<20)
		for lines.Scan() {
			fmt.Fprintln(logf, lines.Text())
			if m := listenLine.FindStringSubmatch(lines.Text()); m != nil {
				select {
				case r.serving <- m[1]:
				default:
				}
			}
		}
		io.Copy(logf, stderr) // a line too long for the scanner
	}()
	go func() {
		<-copied // Wait closes the pipe: read it to the end first
		r.err = r.cmd.Wait()
		logf.Close()
		close(r.exited)
	}()
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		<-r.exited
		if t.Failed() {
			t.Logf("replica %s (pid %d) log, last lines:\n%s", r.name, r.cmd.Process.Pid, tail(r.log, 40))
		}
	})
	return r
}

func (r *replica) awaitHTTP(t *testing.T) {
	t.Helper()
	select {
	case a := <-r.serving:
		r.url = "http://" + a
	case <-r.exited:
		t.Fatalf("replica %s ended at start (%v):\n%s", r.name, r.err, tail(r.log, 20))
	case <-time.After(startDeadline): // bounds a hang; measures nothing
		t.Fatalf("replica %s did not serve HTTP within %s:\n%s", r.name, startDeadline, tail(r.log, 20))
	}
}

const startDeadline = 60 * time.Second

// pid is the replica's process id, which its approval store's instance
// name carries ("host/pid/suffix").
func (r *replica) pid() int { return r.cmd.Process.Pid }

// runs reports whether executor, an approval's executor instance, is
// this replica.
func (r *replica) runs(executor string) bool {
	parts := strings.Split(executor, "/")
	return len(parts) == 3 && parts[1] == strconv.Itoa(r.pid())
}

// kill ends the replica with SIGKILL, as a crash or the OOM killer would:
// nothing of it runs after this returns.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("SIGKILL replica %s: %v", r.name, err)
	}
	<-r.exited
}

// stop ends the replica as a deploy does (SIGTERM) and checks that it
// stopped cleanly.
func (r *replica) stop(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM replica %s: %v", r.name, err)
	}
	select {
	case <-r.exited:
	case <-time.After(startDeadline): // bounds a hang; measures nothing
		t.Fatalf("replica %s did not stop on SIGTERM", r.name)
	}
	if r.err != nil {
		t.Errorf("replica %s stopped with %v:\n%s", r.name, r.err, tail(r.log, 20))
	}
}

// tail is the last n lines of the file at path.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
