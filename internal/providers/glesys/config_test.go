package glesys_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/providers/glesys"
	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
)

func TestNewValidates(t *testing.T) {
	const key = "s3cret-key-value"
	tests := []struct {
		name string
		cfg  glesys.Config
		want string // substring of the error; "" means valid
	}{
		{"ok default URL", glesys.Config{Project: "cl1", APIKey: key}, ""},
		{"ok https", glesys.Config{Project: "cl1", APIKey: key, BaseURL: "https://api.example.com/"}, ""},
		{"ok loopback http", glesys.Config{Project: "cl1", APIKey: key, BaseURL: "http://127.0.0.1:8080"}, ""},
		{"ok localhost http", glesys.Config{Project: "cl1", APIKey: key, BaseURL: "http://localhost:8080"}, ""},
		{"no project", glesys.Config{APIKey: key}, "Project is empty"},
		{"colon in project", glesys.Config{Project: "cl:1", APIKey: key}, "Project contains"},
		{"no key", glesys.Config{Project: "cl1"}, "APIKey is empty"},
		{"newline in key", glesys.Config{Project: "cl1", APIKey: key + "\n"}, "APIKey contains a control character"},
		{"plain http", glesys.Config{Project: "cl1", APIKey: key, BaseURL: "http://api.glesys.com"}, "BaseURL must use https"},
		{"ftp", glesys.Config{Project: "cl1", APIKey: key, BaseURL: "ftp://api.glesys.com"}, "BaseURL must use https"},
		{"no host", glesys.Config{Project: "cl1", APIKey: key, BaseURL: "https://"}, "BaseURL must be an absolute"},
		{"userinfo", glesys.Config{Project: "cl1", APIKey: key, BaseURL: "https://u:p@api.glesys.com"}, "credentials"},
		// The URL is never quoted: a key pasted into it must not reach the
		// startup log.
		{"key in query", glesys.Config{Project: "cl1", APIKey: key, BaseURL: "https://api.glesys.com/?key=" + key}, "query"},
		{"key in bad URL", glesys.Config{Project: "cl1", APIKey: key, BaseURL: "http://api.glesys.com/" + key}, "BaseURL must use https"},
		{"negative poll", glesys.Config{Project: "cl1", APIKey: key, PollInterval: -time.Second}, "PollInterval"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := glesys.New(tc.cfg)
			if tc.want == "" {
				if err != nil || d == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New accepted %+v", tc.cfg)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("error %q contains the API key", err)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c := glesys.NewDefaultConfig()
	if c.BaseURL != "https://api.glesys.com" || c.PollInterval != glesys.DefaultPollInterval || c.Clock == nil {
		t.Errorf("NewDefaultConfig() = %+v", c)
	}
	// A trailing slash on BaseURL is tolerated.
	srv := newEmulator(t)
	d := newDriver(t, srv, func(c *glesys.Config) { c.BaseURL = srv.URL + "/" })
	if _, err := d.GetServer(t.Context(), glesystest.RunningID); err != nil {
		t.Fatalf("GetServer with a trailing slash in BaseURL: %v", err)
	}
}
