package sqlite

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// Presence tells the processes sharing one database which of them are
// alive. Each process holds an exclusive lock on a file of its own, named
// after its instance, in a directory beside the database ("<db>.live").
// The kernel drops the lock when the process ends, however it ends (crash,
// kill -9, power loss), so another process's check is exact at once: no
// heartbeat to go stale, no waiting, and a pid reused by another program
// cannot pass for the process. Every process that opens an SQLite database
// in WAL mode is on the same machine (WAL needs shared memory), so they all
// see the same locks, containers sharing the volume included.
type Presence struct {
	dir      string
	instance string
	file     *os.File // holds the lock; nil where locks are not supported
}

// Announce marks instance as alive for the database at dbPath until Close.
// Two live processes must never share an instance name; Announce fails if
// the name is taken.
func Announce(dbPath, instance string) (*Presence, error) {
	if instance == "" {
		return nil, errors.New("announce process: empty instance name")
	}
	p := &Presence{dir: dbPath + ".live", instance: instance}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return nil, fmt.Errorf("announce process: %w", err)
	}
	f, err := os.OpenFile(p.path(instance), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("announce process: %w", err)
	}
	held, err := lockFile(f, true)
	if errors.Is(err, errLocksUnsupported) {
		held, err = true, nil // Alive will answer "alive" for everyone
	}
	if err != nil || !held {
		f.Close()
		if err == nil {
			err = fmt.Errorf("instance %s is already alive", instance)
		}
		return nil, fmt.Errorf("announce process: %w", err)
	}
	p.file = f
	return p, nil
}

// Instance is the name this process announced.
func (p *Presence) Instance() string { return p.instance }

// Alive reports whether the process that announced instance still runs.
// When in doubt (a file that cannot be read) it says yes: callers use it to
// decide that someone else's work is abandoned, and must not take a live
// process's work for dead.
func (p *Presence) Alive(instance string) bool {
	if instance == p.instance {
		return true
	}
	f, err := os.Open(p.path(instance))
	if errors.Is(err, os.ErrNotExist) {
		return false // never announced here, or ended cleanly
	}
	if err != nil {
		return true
	}
	defer f.Close()
	free, err := lockFile(f, false)
	if err != nil {
		return true
	}
	if free {
		unlockFile(f)
	}
	return !free
}

// Close withdraws the announcement. It is safe to call on nil.
func (p *Presence) Close() error {
	if p == nil || p.file == nil {
		return nil
	}
	err := os.Remove(p.path(p.instance))
	p.file.Close() // closing drops the lock
	p.file = nil
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	return err
}

// path is the lock file of instance; instance names hold '/' and are
// escaped into one file name.
func (p *Presence) path(instance string) string {
	return filepath.Join(p.dir, url.PathEscape(instance))
}
