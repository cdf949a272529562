package cyberpanel_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
)

// newEmu starts an emulator closed at the end of the test.
func newEmu(t testing.TB, opts ...cyberpaneltest.Option) *cyberpaneltest.Server {
	t.Helper()
	srv := cyberpaneltest.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// newDriver points a driver at srv with fast polls; mod adjusts the config.
func newDriver(t testing.TB, srv *cyberpaneltest.Server, mod ...func(*cyberpanel.Config)) *cyberpanel.Driver {
	t.Helper()
	cfg := cyberpanel.NewDefaultConfig()
	cfg.APIKey = cyberpaneltest.APIKey
	cfg.BaseURL = srv.BaseURL
	cfg.HTTPClient = srv.Client()
	cfg.PollInterval = time.Millisecond
	for _, m := range mod {
		m(&cfg)
	}
	d, err := cyberpanel.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return d
}

// virtualClock is a fake clock for the limiter and the emulator together.
// Time moves only when every participant is asleep in Sleep, and then
// straight to the earliest wake-up, so a request is never in flight while
// time jumps: the emulator sees each request at the moment the limiter
// let it go, as it would with instant networking.
type virtualClock struct {
	mu       sync.Mutex
	cond     *sync.Cond
	now      time.Time
	active   int // participants not asleep
	sleepers []*sleeper
}

type sleeper struct {
	at    time.Time
	woken bool
}

func newVirtualClock(start time.Time) *virtualClock {
	c := &virtualClock{now: start}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Join adds n participants; each must Leave when it is done.
func (c *virtualClock) Join(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active += n
}

func (c *virtualClock) Leave() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active--
	c.advance()
}

// Sleep is Config.Sleep for a participant.
func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d <= 0 {
		return nil
	}
	s := &sleeper{at: c.now.Add(d)}
	c.sleepers = append(c.sleepers, s)
	c.active--
	c.advance()
	for !s.woken {
		c.cond.Wait()
	}
	return nil
}

// advance moves time to the earliest wake-up while nobody is awake and
// counts the woken as active at once, so time cannot move again before
// they run; c.mu held.
func (c *virtualClock) advance() {
	for c.active == 0 && len(c.sleepers) > 0 {
		next := c.sleepers[0].at
		for _, s := range c.sleepers {
			if s.at.Before(next) {
				next = s.at
			}
		}
		if next.After(c.now) {
			c.now = next
		}
		kept := c.sleepers[:0]
		for _, s := range c.sleepers {
			if s.at.After(c.now) {
				kept = append(kept, s)
				continue
			}
			s.woken = true
			c.active++
		}
		c.sleepers = kept
		c.cond.Broadcast()
	}
}
