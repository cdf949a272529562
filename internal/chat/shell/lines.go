package shell

import (
	"bufio"
	"errors"
	"io"

	"github.com/vpsops/vpsops/internal/commands"
)

// readLines sends each line of r to lines, then closes it and reports a
// read error (nil at EOF) on errc. A line longer than the command layer
// accepts is cut just past the limit rather than ending the session: the
// runner then refuses it with a one-line error and audits it, like any
// other bad input.
func readLines(r io.Reader, lines chan<- string, done <-chan struct{}, errc chan<- error) {
	defer close(lines)
	br := bufio.NewReaderSize(r, 4096)
	limit := commands.MaxInputLen + 1
	for {
		var line []byte
		var err error
		for {
			var part []byte
			part, err = br.ReadSlice('\n')
			if len(line) < limit {
				line = append(line, part[:min(len(part), limit-len(line))]...)
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if len(line) > 0 || err == nil {
			select {
			case lines <- trimEOL(string(line)):
			case <-done:
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			errc <- err
			return
		}
	}
}

func trimEOL(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
