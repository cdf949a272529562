// Package shell is the line-oriented chat adapter: it reads commands from a
// terminal (with line editing and history) or a pipe, runs them as one
// principal through the command runner and prints the results. It is how a
// newcomer tries vpsops with no accounts, and how scripts drive it.
package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
)

// Shell runs one interactive or scripted session.
type Shell struct {
	Runner    *commands.Runner
	Principal string // "shell:alice"
	In        io.Reader
	Out       io.Writer
	// Interactive prints the greeting and reads lines with editing and
	// history, the prompt shown by the line editor (stdin is a terminal).
	Interactive bool
	// TTY, with Interactive, is the terminal to switch to raw mode while
	// a line is read; nil reads In as already raw (tests).
	TTY TTY
	// Grace bounds how long a running command may go on after ctx ends
	// before it is cancelled (and recorded as failed or interrupted).
	Grace time.Duration

	mu     sync.Mutex // serializes writes: notices arrive from the watcher
	out    io.Writer  // Out, or the line editor drawing on it
	editor *editor    // nil when piped
	seen   map[string]approval.State
	order  []string          // requests this session made, oldest first
	what   map[string]string // their actions, for naming them
}

// ErrLastCommandFailed is what Run returns when the last command it ran
// failed, so that a script's exit status says so (the error itself was
// already shown).
var ErrLastCommandFailed = errors.New("the last command failed")

// Run reads lines until EOF (Ctrl-D on a terminal), "exit" or ctx ends.
// Commands run one at a time, in order, so a piped script behaves like
// typing. It returns ErrLastCommandFailed when the last command run
// failed, or the error that ended reading.
func (s *Shell) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.seen == nil {
		s.seen = map[string]approval.State{}
	}
	if s.what == nil {
		s.what = map[string]string{}
	}
	s.out = s.Out
	s.mu.Unlock()
	lines := make(chan string)
	readErr := make(chan error, 1)
	want := make(chan struct{}, 1) // the editor reads a line when asked
	if s.Interactive {
		keep := func(line string) bool { return !s.Runner.Registry().Sensitive(line) }
		ed := newEditor(s.In, s.Out, s.TTY, keep)
		s.mu.Lock()
		s.editor, s.out = ed, ed
		s.mu.Unlock()
		defer ed.close()
		go ed.run(want, lines, ctx.Done(), readErr)
		s.printf("vpsops shell as %s. Type `help`, or `exit` to leave.\n", s.Principal)
	} else {
		go readLines(s.In, lines, ctx.Done(), readErr)
	}
	s.showWaiting(ctx)
	failed := false
	end := func() error {
		if failed {
			return ErrLastCommandFailed
		}
		return nil
	}
	for {
		select {
		case want <- struct{}{}:
		default:
		}
		select {
		case <-ctx.Done():
			return end()
		case line, ok := <-lines:
			if !ok {
				select {
				case err := <-readErr:
					if err != nil {
						return fmt.Errorf("reading input: %w", err)
					}
				default:
				}
				return end()
			}
			line = strings.TrimSpace(line)
			switch {
			case line == "" || strings.HasPrefix(line, "#"):
				continue
			case line == "exit" || line == "quit":
				return end()
			}
			failed = !s.handle(ctx, line)
		}
	}
}

// handle runs one line with a context that outlives ctx by Grace, so that
// a shutdown lets the command in flight finish. It reports whether the
// command succeeded.
func (s *Shell) handle(ctx context.Context, line string) bool {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(s.Grace, cancel)
		context.AfterFunc(work, func() { t.Stop() })
	})
	defer stop()

	line, err := s.expandShortcuts(work, line)
	if err != nil {
		s.printf("error: %v\n", err)
		return false
	}
	q := commands.Request{
		Source: "shell", Principal: commands.Principal(s.Principal), CanConfirm: true,
		Progress: s.progress,
	}
	res, err := s.Runner.RunText(work, q, line)
	s.remember(res)
	if err != nil {
		s.printf("%s", commands.PlainError(err))
		if len(res.Secret) > 0 { // e.g. the password of a reinstall that started
			s.printf("%s", commands.Plain(commands.Result{Secret: res.Secret}, true))
		}
		return false
	}
	s.printf("%s", commands.Plain(res, true))
	return true
}

// expandShortcuts lets `confirm` and `cancel` without an id mean the one
// request waiting for this user's confirmation, as a Confirm button
// would: the one this session asked for, or, when this session asked for
// none (say, after a restart), the one waiting in the store. With several
// open it names them instead of guessing.
func (s *Shell) expandShortcuts(ctx context.Context, line string) (string, error) {
	f := strings.Fields(line)
	if len(f) != 1 || (f[0] != "confirm" && f[0] != "cancel") {
		return line, nil
	}
	s.mu.Lock()
	var open, names []string
	for _, id := range s.order {
		if s.seen[id] == approval.Confirming {
			open = append(open, id)
			names = append(names, id+" ("+s.what[id]+")")
		}
	}
	s.mu.Unlock()
	if len(open) == 0 {
		open, names = s.storedConfirmations(ctx)
	}
	switch len(open) {
	case 0:
		return line, nil // the runner explains what is missing
	case 1:
		return f[0] + " " + open[0], nil
	}
	return "", fmt.Errorf("%d requests wait for your confirmation: %s; say which: `%s <id>`", len(open), strings.Join(names, ", "), f[0])
}

// storedConfirmations lists the user's own requests waiting in the store
// for their confirmation, with their actions for naming them.
func (s *Shell) storedConfirmations(ctx context.Context) (ids, names []string) {
	reqs, err := s.Runner.Waiting(ctx, commands.Principal(s.Principal))
	if err != nil {
		return nil, nil // the runner explains what is missing
	}
	for _, req := range reqs {
		if req.State == approval.Confirming && req.Requester == s.Principal {
			ids = append(ids, req.ID)
			names = append(names, req.ID+" ("+req.Command+" "+req.Target.Ref+")")
		}
	}
	return ids, names
}

// remember notes the state of a request this session acted on, so the
// watcher's report of the same change is not printed twice.
func (s *Shell) remember(res commands.Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if res.Request != nil {
		s.seen[res.Request.ID] = res.Request.State
	}
	if res.Pending == nil {
		return
	}
	req := res.Pending
	if _, known := s.seen[req.ID]; !known {
		s.order = append(s.order, req.ID)
		s.what[req.ID] = req.Command + " " + req.Target.Ref
	}
	s.seen[req.ID] = req.State
}

func (s *Shell) progress(p commands.Progress) {
	pct := ""
	if p.Percent >= 0 && !strings.Contains(p.Message, "%") {
		pct = fmt.Sprintf("%3d%% ", p.Percent)
	}
	msg := p.Message
	if msg == "" {
		msg = p.Status
	}
	s.printf("  … %s%s\n", pct, msg)
}

// prompt is a no-op kept for the notices: the line editor draws the
// prompt, and redraws it under anything printed while the user types.
func (s *Shell) prompt() {}

func (s *Shell) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.out
	if out == nil { // a notice before Run started
		out = s.Out
	}
	fmt.Fprintf(out, format, args...)
}

// showWaiting tells the user, as the session starts, about the requests
// already waiting for them: their own to confirm, others' to approve.
func (s *Shell) showWaiting(ctx context.Context) {
	reqs, err := s.Runner.Waiting(ctx, commands.Principal(s.Principal))
	if err != nil || len(reqs) == 0 {
		return
	}
	for _, req := range reqs {
		s.mu.Lock()
		s.seen[req.ID] = req.State
		s.mu.Unlock()
		if req.State == approval.Confirming {
			s.printf("[%s] waiting for your confirmation: %s %s. %s\n", req.ID, req.Command, req.Target, req.Summary)
			continue
		}
		s.printf("[%s] %s\n", req.ID, req.Summary)
	}
}
