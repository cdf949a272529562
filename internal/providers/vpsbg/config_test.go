package vpsbg_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/vpsbg"
)

func TestNewValidates(t *testing.T) {
	const tok = "tok-3f9a"
	tests := []struct {
		name  string
		cfg   vpsbg.Config
		field string // "" means valid
	}{
		{"defaults", vpsbg.Config{Token: tok}, ""},
		{"all set", vpsbg.Config{Token: tok, ReadToken: "r-1", BaseURL: "http://127.0.0.1:8080/v1/", PollInterval: time.Second}, ""},
		{"no token", vpsbg.Config{}, "Token"},
		{"token with space", vpsbg.Config{Token: "a " + tok}, "Token"},
		{"read token with newline", vpsbg.Config{Token: tok, ReadToken: "r\n" + tok}, "ReadToken"},
		{"relative base", vpsbg.Config{Token: tok, BaseURL: "/v1"}, "BaseURL"},
		{"ftp base", vpsbg.Config{Token: tok, BaseURL: "ftp://api.vpsbg.eu/v1"}, "BaseURL"},
		{"base with credentials", vpsbg.Config{Token: tok, BaseURL: "https://u:" + tok + "@api.vpsbg.eu/v1"}, "BaseURL"},
		{"base with query", vpsbg.Config{Token: tok, BaseURL: "https://api.vpsbg.eu/v1?x=1"}, "BaseURL"},
		{"token in query", vpsbg.Config{Token: tok, BaseURL: "https://api.vpsbg.eu/v1?token=" + tok}, "BaseURL"},
		{"plain http to a remote host", vpsbg.Config{Token: tok, BaseURL: "http://api.vpsbg.eu/v1"}, "BaseURL must use https"},
		{"negative poll", vpsbg.Config{Token: tok, PollInterval: -time.Second}, "PollInterval"},
		{"two-line reason", vpsbg.Config{Token: tok, CancelReason: "a\nb"}, "CancelReason"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := vpsbg.New(tc.cfg)
			if tc.field == "" {
				if err != nil || d == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if fault.ClassOf(err) != fault.Invalid || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("New: %v, want invalid naming %s", err, tc.field)
			}
			if strings.Contains(err.Error(), tok) {
				t.Errorf("error %q contains the token", err)
			}
		})
	}
}

func TestNewDefaultConfig(t *testing.T) {
	c := vpsbg.NewDefaultConfig()
	if c.BaseURL != "https://api.vpsbg.eu/v1" || c.CancelNow || c.PollInterval <= 0 || c.Clock == nil {
		t.Errorf("NewDefaultConfig = %+v", c)
	}
}
