// Package shell is the line-oriented chat adapter: it reads commands from a
// terminal or a pipe, runs them as one principal through the command
// runner and prints the results. It is how a newcomer tries vpsops with no
// accounts, and how scripts drive it.
package shell

import (
	"context"
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
	// Interactive prints a prompt and the greeting (stdin is a terminal).
	Interactive bool
	// Grace bounds how long a running command may go on after ctx ends
	// before it is cancelled (and recorded as failed or interrupted).
	Grace time.Duration

	mu    sync.Mutex // serializes writes: notices arrive from the watcher
	seen  map[string]approval.State
	order []string          // requests this session made, oldest first
	what  map[string]string // their actions, for naming them
}

// Run reads lines until EOF, "exit" or ctx ends. Commands run one at a
// time, in order, so a piped script behaves like typing.
func (s *Shell) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.seen == nil {
		s.seen = map[string]approval.State{}
	}
	if s.what == nil {
		s.what = map[string]string{}
	}
	s.mu.Unlock()
	lines := make(chan string)
	readErr := make(chan error, 1)
	go readLines(s.In, lines, ctx.Done(), readErr)
	if s.Interactive {
		s.printf("vpsops shell as %s. Type `help`, or `exit` to leave.\n", s.Principal)
	}
	s.showWaiting(ctx)
	for {
		s.prompt()
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				select {
				case err := <-readErr:
					if err != nil {
						return fmt.Errorf("reading input: %w", err)
					}
				default:
				}
				return nil
			}
			line = strings.TrimSpace(line)
			switch {
			case line == "" || strings.HasPrefix(line, "#"):
				continue
			case line == "exit" || line == "quit":
				return nil
			}
			s.handle(ctx, line)
		}
	}
}

// handle runs one line with a context that outlives ctx by Grace, so that
// a shutdown lets the command in flight finish.
func (s *Shell) handle(ctx context.Context, line string) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(s.Grace, cancel)
		context.AfterFunc(work, func() { t.Stop() })
	})
	defer stop()

	line, err := s.expandShortcuts(line)
	if err != nil {
		s.printf("error: %v\n", err)
		return
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
		return
	}
	s.printf("%s", commands.Plain(res, true))
}

// expandShortcuts lets `confirm` and `cancel` without an id mean this
// session's one open confirmation, as a Confirm button would. With several
// open it names them instead of guessing.
func (s *Shell) expandShortcuts(line string) (string, error) {
	f := strings.Fields(line)
	if len(f) != 1 || (f[0] != "confirm" && f[0] != "cancel") {
		return line, nil
	}
	s.mu.Lock()
	var open []string
	for _, id := range s.order {
		if s.seen[id] == approval.Confirming {
			open = append(open, id)
		}
	}
	s.mu.Unlock()
	switch len(open) {
	case 0:
		return line, nil // the runner explains what is missing
	case 1:
		return f[0] + " " + open[0], nil
	}
	var names []string
	for _, id := range open {
		names = append(names, id+" ("+s.what[id]+")")
	}
	return "", fmt.Errorf("%d requests wait for your confirmation: %s; say which: `%s <id>`", len(open), strings.Join(names, ", "), f[0])
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

func (s *Shell) prompt() {
	if s.Interactive {
		s.printf("vps> ")
	}
}

func (s *Shell) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.Out, format, args...)
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
			s.printf("[%s] waiting for your confirmation: %s. %s\n", req.ID, req.Prompt, req.Summary)
			continue
		}
		s.printf("[%s] %s\n", req.ID, req.Summary)
	}
}
