package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is one running throwaway PostgreSQL server.
type Cluster struct {
	dir  string // data directory; the socket lives here too
	port int    // only names the socket file: the server listens on no TCP port
	bin  string
	cred *syscall.Credential // nil unless we run as root
	proc *os.Process
	done chan error // the server's exit
}

// Start initializes and starts a new cluster in a temporary directory:
// trust authentication for the superuser "postgres", Unix socket only,
// durability off (fsync and synchronous_commit: a test's data need not
// survive a power cut, and it makes the cluster much faster on a busy
// machine).
//
// PostgreSQL refuses to run as root, and CI runs as root: then the server
// runs as the unprivileged user "nobody", which owns the directory.
func Start() (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest")
	if err != nil {
		return nil, fmt.Errorf("start PostgreSQL: %w", err)
	}
	c := &Cluster{dir: dir, port: 5432, bin: bin, done: make(chan error, 1)}
	if os.Geteuid() == 0 {
		if c.cred, err = nobody(); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start PostgreSQL as root: %w", err)
		}
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start PostgreSQL: %w", err)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLine(out))
	}
	if err := c.start(data); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.waitReady(30 * time.Second); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// start runs the postmaster as our child. Pdeathsig makes the kernel stop
// it (SIGQUIT: immediate shutdown) when the thread that started it ends,
// so a killed test binary leaves no server behind; the thread is locked
// and kept until the server exits, since Go may otherwise retire it.
func (c *Cluster) start(data string) error {
	logf, err := os.Create(filepath.Join(c.dir, "server.log"))
	if err != nil {
		return fmt.Errorf("start PostgreSQL: %w", err)
	}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		cmd := exec.Command(filepath.Join(c.bin, "postgres"), "-D", data,
			"-k", c.dir, "-p", strconv.Itoa(c.port), "-c", "listen_addresses=",
			"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
			"-c", "max_connections=300", "-c", "shared_buffers=64MB")
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGQUIT, Credential: c.cred, Setpgid: true}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		c.proc = cmd.Process
		started <- nil
		c.done <- cmd.Wait()
		logf.Close()
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start PostgreSQL: %w", err)
	}
	return nil
}

// waitReady polls until the server accepts a connection.
func (c *Cluster) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case exitErr := <-c.done:
			log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
			return fmt.Errorf("PostgreSQL exited at start (%v): %s", exitErr, lastLine(log))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("PostgreSQL did not accept connections within %s: %v", limit, err)
		}
	}
}

// Stop shuts the server down at once and removes its files.
func (c *Cluster) Stop() error {
	if c.proc != nil {
		c.proc.Signal(syscall.SIGQUIT)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			c.proc.Kill()
			<-c.done
		}
		c.proc = nil
	}
	return os.RemoveAll(c.dir)
}

// Dir is the cluster's directory (its socket directory too).
func (c *Cluster) Dir() string { return c.dir }

// run runs one PostgreSQL tool as the cluster's user.
func (c *Cluster) run(tool string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bin, tool), args...)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd.CombinedOutput()
}

// nobody is the credential of the unprivileged user the server runs as
// when the tests run as root.
func nobody() (*syscall.Credential, error) {
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL cannot run as root and there is no user nobody: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

func lastLine(b []byte) string {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return string(b)
}
