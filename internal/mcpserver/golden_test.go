package mcpserver

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/vpsops/vpsops/internal/commands"
)

var update = flag.Bool("update", false, "rewrite testdata/tools.golden.json")

// The tools as clients see them (names, titles, descriptions, hints,
// input and output schemas) are pinned: a change shows up in review as a
// diff of this file. go test ./internal/mcpserver/ -run Golden -update
func TestToolsGolden(t *testing.T) {
	var tools []json.RawMessage
	for _, cmd := range commands.Builtin().All() {
		if cmd.Tool == "" {
			continue
		}
		tool, err := toolFor(cmd)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(tool)
		if err != nil {
			t.Fatal(err)
		}
		tools = append(tools, b)
	}
	got, err := json.MarshalIndent(tools, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	// Re-indent the embedded schemas too.
	var v any
	json.Unmarshal(got, &v)
	got, _ = json.MarshalIndent(v, "", "  ")
	got = append(got, '\n')
	path := filepath.Join("testdata", "tools.golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("tools differ from %s; run go test ./internal/mcpserver/ -run Golden -update and review the diff", path)
	}
}

// FuzzToolArguments sends arbitrary JSON as the arguments of every tool:
// the answer is always a tool result (an error or not), never a panic or
// a protocol error, and a destructive tool never runs.
func FuzzToolArguments(f *testing.F) {
	for _, seed := range []string{`{}`, `{"server":"demo-fra/fra-101"}`, `{"server":7}`, `[]`, `null`, `{"server":"demo-fra/fra-101","image":"debian-12","password":"x"}`, `{"id":"r-aaaaaaaa"}`, `{"limit":-1}`} {
		f.Add("get_server", seed)
		f.Add("delete_server", seed)
	}
	fx := newFixture(f, Options{})
	f.Fuzz(func(t *testing.T, tool string, args string) {
		cmd := fx.srv.tools[tool]
		if cmd == nil {
			return
		}
		var a any
		if json.Unmarshal([]byte(args), &a) != nil {
			return
		}
		req := toolRequest(tool, a)
		res, err := fx.srv.handler(cmd)(as("mcp:admin"), req)
		if err != nil || res == nil {
			t.Fatalf("%s(%s): %v %v", tool, args, res, err)
		}
		if !fx.serverExistsT(t, "fra-101") {
			t.Fatalf("%s(%s) deleted a server", tool, args)
		}
	})
}
