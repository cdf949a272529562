package shell

import (
	"errors"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"
)

// TTY is the terminal an interactive session runs on. The shell switches
// it to raw mode only while a line is being read, which line editing
// needs; commands run in its normal mode, so Ctrl-C there still stops the
// bot gracefully.
type TTY interface {
	MakeRaw() (restore func() error, err error)
	Size() (width, height int, err error)
}

// FileTTY is the TTY of a terminal device, normally os.Stdin.
func FileTTY(f *os.File) TTY { return fileTTY{int(f.Fd())} }

type fileTTY struct{ fd int }

func (t fileTTY) MakeRaw() (func() error, error) {
	st, err := term.MakeRaw(t.fd)
	if err != nil {
		return nil, err
	}
	return func() error { return term.Restore(t.fd, st) }, nil
}

func (t fileTTY) Size() (int, int, error) { return term.GetSize(t.fd) }

// IsTerminal reports whether r is a terminal, not merely a character
// device: /dev/null is one of those, and a session reading it is headless.
func IsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// editor reads lines from a terminal with editing and history. Each line
// is read on request, so the prompt appears only once the previous
// command's output is complete.
type editor struct {
	t   *term.Terminal
	out io.Writer
	tty TTY // nil: no raw mode to switch (tests drive the editor over pipes)

	mu      sync.Mutex
	restore func() error // set while the terminal is raw
	closed  bool
}

func newEditor(in io.Reader, out io.Writer, tty TTY, keep func(line string) bool) *editor {
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{&ctrlCClears{r: in}, out}, "vps> ")
	t.History = &history{keep: keep}
	return &editor{t: t, out: out, tty: tty}
}

// Write prints above the line being edited, if any, and redraws it: a
// notice arriving while the user types does not garble their line.
func (e *editor) Write(p []byte) (int, error) { return e.t.Write(p) }

// run serves one line for each value received on want, until the input
// ends (Ctrl-D on an empty line) or fails.
func (e *editor) run(want <-chan struct{}, lines chan<- string, done <-chan struct{}, errc chan<- error) {
	defer close(lines)
	for {
		select {
		case <-want:
		case <-done:
			return
		}
		if !e.raw() {
			return
		}
		line, err := e.t.ReadLine()
		e.cooked()
		if errors.Is(err, term.ErrPasteIndicator) {
			err = nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
				e.out.Write([]byte("\r\n")) // leave the shell's prompt on a line of its own
			}
			errc <- err
			return
		}
		select {
		case lines <- line:
		case <-done:
			return
		}
	}
}

// raw puts the terminal in raw mode for reading a line; false once the
// session has ended, so a late read cannot leave the terminal raw.
func (e *editor) raw() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	if e.tty == nil {
		return true
	}
	if w, h, err := e.tty.Size(); err == nil && w > 0 && h > 0 { // a pty nobody sized says 0
		e.t.SetSize(w, h)
	}
	if restore, err := e.tty.MakeRaw(); err == nil {
		e.restore = restore
	}
	return true
}

func (e *editor) cooked() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.restore != nil {
		e.restore()
		e.restore = nil
	}
}

// close restores the terminal, even while a read is still blocked on it,
// and stops further reads.
func (e *editor) close() {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	e.cooked()
}

// ctrlCClears turns Ctrl-C into "end of line, erase to its start", so at
// the prompt it clears what was typed, as in a login shell; Ctrl-D on an
// empty line ends the session. (x/term itself ends the input on Ctrl-C.)
type ctrlCClears struct {
	r   io.Reader
	buf []byte
	err error
}

func (c *ctrlCClears) Read(p []byte) (int, error) {
	for len(c.buf) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		raw := make([]byte, max(len(p), 1))
		n, err := c.r.Read(raw)
		c.err = err
		for _, b := range raw[:n] {
			if b == 3 { // Ctrl-C
				c.buf = append(c.buf, 5, 21) // Ctrl-E, Ctrl-U
			} else {
				c.buf = append(c.buf, b)
			}
		}
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	return n, nil
}

// history keeps the last lines typed for Up and Down, except those keep
// refuses: a line that may hold a password must not be one keypress away
// for whoever sits down at the terminal next.
type history struct {
	keep    func(string) bool
	entries []string // most recent last
}

const historySize = 200

func (h *history) Add(line string) {
	if strings.TrimSpace(line) == "" || (h.keep != nil && !h.keep(line)) {
		return
	}
	if n := len(h.entries); n > 0 && h.entries[n-1] == line {
		return
	}
	h.entries = append(h.entries, line)
	if len(h.entries) > historySize {
		h.entries = h.entries[1:]
	}
}

func (h *history) Len() int          { return len(h.entries) }
func (h *history) At(idx int) string { return h.entries[len(h.entries)-1-idx] }
