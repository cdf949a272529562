package commands

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestSchemasGolden pins every tool's input and output schema: a change
// here changes what every MCP client sees, so it must be deliberate
// (-update).
func TestSchemasGolden(t *testing.T) {
	all := map[string]any{}
	for _, c := range Builtin().All() {
		entry := map[string]any{"tool": c.Tool, "usage": c.Usage(), "risk": c.Risk.String(), "permission": c.Permission, "schema": c.Schema()}
		if out := c.OutputSchema(); out != nil {
			entry["output"] = out
		}
		all[c.Name] = entry
	}
	got, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "commands.golden.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/commands/ -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("declarations changed; review and run go test ./internal/commands/ -run Schema -update\n%s", got)
	}
}

// Every pattern in a schema must compile as the RE2 subset JSON Schema
// clients use, and accept what Validate accepts.
func TestSchemaPatternsAgreeWithValidation(t *testing.T) {
	for _, c := range Builtin().All() {
		for _, a := range c.Args {
			p, ok := c.Schema()["properties"].(map[string]any)[a.Name].(map[string]any)["pattern"].(string)
			if !ok {
				continue
			}
			re := regexp.MustCompile(p)
			for _, v := range []string{"demo-fra/fra-101", "web-1", "r-abcd1234", "shell:alice", "debian-12", "demo-fra"} {
				_, err := a.validate(v)
				if (err == nil) != re.MatchString(v) {
					t.Errorf("%s.%s: pattern and validation disagree on %q", c.Name, a.Name, v)
				}
			}
		}
	}
}

// Output schemas are objects at the top level (MCP structured content
// must be one), and every property says what it means, so that an AI
// client reading the schema knows what each key holds.
func TestOutputSchemasAreDescribedObjects(t *testing.T) {
	for _, c := range Builtin().All() {
		s := c.OutputSchema()
		if s == nil {
			continue
		}
		if s["type"] != "object" {
			t.Errorf("%s: output is %v, not an object", c.Name, s["type"])
		}
		for _, p := range undescribed(c.Name, s) {
			t.Errorf("%s has no description", p)
		}
	}
}

func undescribed(path string, s map[string]any) []string {
	var out []string
	props, _ := s["properties"].(map[string]any)
	for name, p := range props {
		ps := p.(map[string]any)
		if d, _ := ps["description"].(string); d == "" {
			out = append(out, path+"."+name)
		}
		out = append(out, undescribed(path+"."+name, ps)...)
	}
	if items, ok := s["items"].(map[string]any); ok {
		out = append(out, undescribed(path+"[]", items)...)
	}
	return out
}
