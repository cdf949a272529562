package cyberpanel_test

import (
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/providers/cyberpanel"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
)

func TestNewValidates(t *testing.T) {
	cases := []struct {
		name  string
		cfg   cyberpanel.Config
		field string // "" means valid
	}{
		{"defaults", cyberpanel.Config{APIKey: cyberpaneltest.APIKey}, ""},
		{"no key", cyberpanel.Config{}, "APIKey"},
		{"foreign key", cyberpanel.Config{APIKey: "sk_live_abcdef"}, "APIKey"},
		{"header injection", cyberpanel.Config{APIKey: "cyp_live_ab\r\nX-Evil: 1"}, "APIKey"},
		{"relative base", cyberpanel.Config{APIKey: cyberpaneltest.APIKey, BaseURL: "/api/v1"}, "BaseURL"},
		{"ftp base", cyberpanel.Config{APIKey: cyberpaneltest.APIKey, BaseURL: "ftp://x/api"}, "BaseURL"},
		{"base with query", cyberpanel.Config{APIKey: cyberpaneltest.APIKey, BaseURL: "https://x/api?a=1"}, "BaseURL"},
		{"emulator", cyberpanel.Config{APIKey: cyberpaneltest.APIKey, BaseURL: "http://127.0.0.1:1/api/v1/"}, ""},
		{"plain http to a remote host", cyberpanel.Config{APIKey: cyberpaneltest.APIKey, BaseURL: "http://platform.cyberpersons.com/api/v1"}, "BaseURL must use https"},
		{"key in the URL", cyberpanel.Config{APIKey: cyberpaneltest.APIKey, BaseURL: "https://x/api?key=" + cyberpaneltest.APIKey}, "BaseURL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cyberpanel.New(tc.cfg)
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tc.field != "" && err == nil:
				t.Fatal("New accepted it")
			case tc.field != "" && !strings.Contains(err.Error(), tc.field):
				t.Errorf("error %q does not name %s", err, tc.field)
			}
			if err != nil && tc.cfg.APIKey != "" && strings.Contains(err.Error(), tc.cfg.APIKey) {
				t.Errorf("error %q shows the key", err)
			}
		})
	}
	if d := cyberpanel.NewDefaultConfig(); d.BaseURL != "https://platform.cyberpersons.com/api/v1" ||
		d.RateLimitPerMinute != 60 || d.RateLimitPerHour != 1000 {
		t.Errorf("defaults %+v are not the documented ones", d)
	}
}
