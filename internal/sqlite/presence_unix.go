//go:build unix

package sqlite

import (
	"errors"
	"os"
	"syscall"
)

// lockFile tries to take f's lock without waiting (exclusive, or shared to
// test it): false when another open file holds it.
func lockFile(f *os.File, exclusive bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

func unlockFile(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// errLocksUnsupported is never returned here.
var errLocksUnsupported = errors.New("file locks are not supported on this system")
