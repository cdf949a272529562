package policy

import (
	"context"
	"crypto/sha256"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Watch reloads the policy when either file changes and on SIGHUP, logging
// each outcome, until ctx ends. Files are polled (every Options.PollInterval,
// default one second) rather than watched with inotify: polling survives
// editors that replace files by rename and config-map style symlink swaps,
// and costs two small reads a second. A change that fails to load is logged
// once and the previous policy stays; the next change is tried again.
// With embedded defaults only SIGHUP does anything.
func (e *Enforcer) Watch(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	e.watch(ctx, hup)
}

// fileState is what polling compares: a change in any part triggers a
// reload attempt, unless the content is what is already loaded.
type fileState struct {
	mtime time.Time
	size  int64
	sum   [sha256.Size]byte
	err   string // read failure, so a missing file is logged once
}

// watch is Watch with the signal channel supplied, so tests can send a
// hang-up without signalling the test process.
func (e *Enforcer) watch(ctx context.Context, hup <-chan os.Signal) {
	var tick <-chan time.Time
	if e.modelPath != "" || e.policyPath != "" {
		t := time.NewTicker(e.poll)
		defer t.Stop()
		tick = t.C
	}
	// Start from nothing rather than from the files as they are now: the
	// first tick then compares them with what is loaded, so an edit made
	// between New and Watch is not mistaken for the baseline.
	var last [2]fileState
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			// Record the files before reloading: a change that lands
			// during the reload then still differs at the next tick.
			last = e.fileStates()
			e.reloadAndLog("SIGHUP")
		case <-tick:
			now := e.fileStates()
			if now == last {
				continue
			}
			last = now
			if now[0].err != "" || now[1].err != "" {
				e.log.Error("policy file unreadable; previous policy stays",
					"generation", e.Generation(), "model_err", now[0].err, "policy_err", now[1].err)
				continue
			}
			if e.loaded(now) {
				continue // touched, or rewritten with the same content
			}
			e.reloadAndLog("file changed")
		}
	}
}

func (e *Enforcer) reloadAndLog(why string) {
	if err := e.Reload(); err != nil {
		e.log.Error("policy reload failed; previous policy stays",
			"trigger", why, "generation", e.Generation(), "err", err)
		return
	}
	e.log.Info("policy reloaded", append([]any{"trigger", why}, e.logAttrs(e.cur.Load())...)...)
}

// loaded reports whether the files hold what the policy in force was
// built from.
func (e *Enforcer) loaded(now [2]fileState) bool {
	sums := e.cur.Load().sums
	return (e.modelPath == "" || now[0].sum == sums[0]) && (e.policyPath == "" || now[1].sum == sums[1])
}

// fileStates reads both policy files; an embedded source has a zero state.
func (e *Enforcer) fileStates() [2]fileState {
	return [2]fileState{statFile(e.modelPath), statFile(e.policyPath)}
}

func statFile(path string) fileState {
	if path == "" {
		return fileState{}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fileState{err: err.Error()}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fileState{err: err.Error()}
	}
	return fileState{mtime: fi.ModTime(), size: fi.Size(), sum: sha256.Sum256(b)}
}
