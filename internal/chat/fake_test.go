package chat_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/vpsops/vpsops/internal/approval"
	"github.com/vpsops/vpsops/internal/commands"
	"github.com/vpsops/vpsops/internal/fault"
)

// workspace is a chat workspace in memory, shared by the bot processes of
// a test as a real one would be: every message and what it shows.
type workspace struct {
	mu       sync.Mutex
	next     int
	messages map[string][]commands.RequestView // message id → every view it showed, in order
	channels map[string]string                 // message id → channel
}

func newWorkspace() *workspace {
	return &workspace{messages: map[string][]commands.RequestView{}, channels: map[string]string{}}
}

// ids lists the messages that show request id.
func (w *workspace) ids(id string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for m, vs := range w.messages {
		if vs[0].ID == id {
			out = append(out, m)
		}
	}
	return out
}

// showing is what message m shows now.
func (w *workspace) showing(m string) commands.RequestView {
	w.mu.Lock()
	defer w.mu.Unlock()
	vs := w.messages[m]
	return vs[len(vs)-1]
}

// call is one successful Post or Update a fake platform made.
type call struct {
	message string
	version int64
	state   approval.State
}

// fakePlatform is one bot process's client of the workspace. It records
// what it did and fails updates while failing is set.
type fakePlatform struct {
	ws *workspace

	mu      sync.Mutex
	calls   []call
	failing bool
	failed  int
}

func (f *fakePlatform) Name() string                 { return "slack" }
func (f *fakePlatform) ApprovalsChannel() string     { return "C-approvals" }
func (f *fakePlatform) Approver() commands.Principal { return "shell:approver" }

func (f *fakePlatform) Post(_ context.Context, channel string, v commands.RequestView) (string, error) {
	f.ws.mu.Lock()
	f.ws.next++
	m := fmt.Sprintf("m%d", f.ws.next)
	f.ws.messages[m] = []commands.RequestView{v}
	f.ws.channels[m] = channel
	f.ws.mu.Unlock()
	f.record(m, v)
	return m, nil
}

func (f *fakePlatform) Update(_ context.Context, channel, m string, v commands.RequestView) error {
	f.mu.Lock()
	if f.failing {
		f.failed++
		f.mu.Unlock()
		return fault.Errorf(fault.Unavailable, "the platform is down")
	}
	f.mu.Unlock()
	f.ws.mu.Lock()
	if _, ok := f.ws.messages[m]; !ok || f.ws.channels[m] != channel {
		f.ws.mu.Unlock()
		return fault.Errorf(fault.NotFound, "no message %s in %s", m, channel)
	}
	f.ws.messages[m] = append(f.ws.messages[m], v)
	f.ws.mu.Unlock()
	f.record(m, v)
	return nil
}

func (f *fakePlatform) record(m string, v commands.RequestView) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call{m, v.Version, v.State})
}

func (f *fakePlatform) setFailing(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing = on
}

func (f *fakePlatform) failures() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

// made is what this process posted or updated, in order.
func (f *fakePlatform) made() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}
