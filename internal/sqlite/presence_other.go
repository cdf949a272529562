//go:build !unix

package sqlite

import (
	"errors"
	"os"
)

// Without flock, Announce holds nothing and Alive cannot tell: it answers
// "alive" (see Alive).
func lockFile(f *os.File, exclusive bool) (bool, error) {
	return false, errLocksUnsupported
}

var errLocksUnsupported = errors.New("file locks are not supported on this system")

func unlockFile(f *os.File) {}
