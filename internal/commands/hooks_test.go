package commands

import (
	"io"
	"testing"
)

// SetCreateExportFile replaces how audit export creates its file, for the
// life of the test (to fill the disk).
func SetCreateExportFile(t testing.TB, create func(path string) (io.WriteCloser, error)) {
	old := createExportFile
	createExportFile = create
	t.Cleanup(func() { createExportFile = old })
}
