package cyberpanel_test

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
)

// Both benchmarks read server 45's status the way GetServer does: two
// requests at once (details and live status) over the same keep-alive
// client against the emulator, whose rate limits are off. The driver keeps
// its limiter on (limits too high to wait) so its overhead is counted.

func BenchmarkStatusCyberPanel(b *testing.B) {
	srv := newEmu(b, cyberpaneltest.WithRateLimits(0, 0))
	d := newDriver(b, srv, func(c *cyberpanel.Config) { c.RateLimitPerMinute, c.RateLimitPerHour = 1<<30, 1<<30 })
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.GetServer(ctx, "45"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStatusBareHTTPCyberPanel(b *testing.B) {
	srv := newEmu(b, cyberpaneltest.WithRateLimits(0, 0))
	hc := srv.Client()
	get := func(path string) error {
		req, err := http.NewRequestWithContext(b.Context(), http.MethodGet, srv.BaseURL+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+cyberpaneltest.APIKey)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var env struct {
			Success bool            `json:"success"`
			Data    json.RawMessage `json:"data"`
		}
		return json.Unmarshal(raw, &env)
	}
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		var stErr error
		wg.Go(func() { stErr = get("/vps/45/status") })
		err := get("/vps/45")
		wg.Wait()
		if err != nil || stErr != nil {
			b.Fatal(err, stErr)
		}
	}
}
