package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestDeployExampleIsValid keeps deploy/ true: the configuration its
// replicas share loads, selects PostgreSQL, and the compose file mounts
// every secret file that configuration reads.
func TestDeployExampleIsValid(t *testing.T) {
	dir := filepath.Join("..", "..", "deploy")
	data, err := os.ReadFile(filepath.Join(dir, "vpsops.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) (string, bool) {
		if k == "VPSOPS_DATABASE_URL" {
			return "postgres://vpsops@postgres:5432/vpsops?sslmode=disable", true
		}
		return "", false
	}
	var read []string
	readFile := func(p string) ([]byte, error) {
		read = append(read, p)
		switch filepath.Base(p) {
		case "slack_bot_token":
			return []byte("xoxb-1-2-abc"), nil
		case "slack_app_token":
			return []byte("xapp-1-A1-2-abc"), nil
		}
		return []byte("0123456789abcdef0123456789abcdef"), nil
	}
	cfg, err := Parse(data, env, readFile)
	if err != nil {
		t.Fatalf("deploy/vpsops.yaml: %v", err)
	}
	if !strings.HasPrefix(cfg.Database, "postgres://") || cfg.HTTP.Listen == "" {
		t.Fatalf("database %q, listen %q", cfg.Database, cfg.HTTP.Listen)
	}

	var compose struct {
		Services map[string]struct {
			Secrets     []string          `yaml:"secrets"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
		Secrets map[string]struct {
			File string `yaml:"file"`
		} `yaml:"secrets"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("deploy/compose.yaml: %v", err)
	}
	for _, name := range []string{"bot-1", "bot-2", "mcp"} {
		s, ok := compose.Services[name]
		if !ok {
			t.Fatalf("compose has no service %s", name)
		}
		for _, p := range read {
			secret := strings.TrimPrefix(p, "/run/secrets/")
			if !slices.Contains(s.Secrets, secret) {
				t.Errorf("service %s does not mount secret %s, which the configuration reads", name, secret)
			}
			if _, ok := compose.Secrets[secret]; !ok {
				t.Errorf("compose declares no secret %s", secret)
			}
		}
		if s.Environment["VPSOPS_DATABASE_URL"] == "" {
			t.Errorf("service %s has no database URL", name)
		}
	}
}
