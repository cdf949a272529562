package app

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/vpsops/vpsops/internal/config"
)

// LoadConfig reads the configuration file at path, or returns the default
// (the demo fleet) when path is "".
func LoadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}

// NewLogger builds the logger both binaries write to w (stderr) from the
// log section of the configuration.
func NewLogger(c config.Log, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if c.Level != "" {
		if err := level.UnmarshalText([]byte(c.Level)); err != nil {
			return nil, fmt.Errorf("log.level: %q is not debug, info, warn or error", c.Level)
		}
	}
	o := &slog.HandlerOptions{Level: level}
	switch c.Format {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is not text or json", c.Format)
}
