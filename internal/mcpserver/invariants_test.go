package mcpserver

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// samples are arguments that work on the demo fleet, for every tool.
var samples = map[string]map[string]any{
	"get_approval":      nil, // filled with a real request id
	"list_approvals":    {},
	"query_audit":       {"limit": 5},
	"get_console":       {"server": "demo-fra/fra-102"},
	"delete_server":     {"server": "demo-fra/fra-104"},
	"list_images":       {"server": "demo-fra/fra-102"},
	"mount_iso":         {"server": "demo-fra/fra-102", "iso": "systemrescue-11"},
	"unmount_iso":       {"server": "demo-fra/fra-102"},
	"list_isos":         {"server": "demo-fra/fra-102"},
	"list_servers":      {},
	"get_initial_login": {"server": "demo-fra/fra-104"},
	"poweroff_server":   {"server": "demo-fra/fra-102"},
	"list_providers":    {},
	"get_ptr":           {"server": "demo-fra/fra-102"},
	"set_ptr":           {"server": "demo-fra/fra-102", "ip": "192.0.2.12", "hostname": "web-2.example.com"},
	"reset_ptr":         {"server": "demo-fra/fra-102", "ip": "192.0.2.12"},
	"reboot_server":     {"server": "demo-fra/fra-102"},
	"reinstall_server":  {"server": "demo-fra/fra-101", "image": "debian-12"},
	"reset_server":      {"server": "demo-fra/fra-102"},
	"create_snapshot":   {"server": "demo-fra/fra-102", "name": "before-upgrade"},
	"list_snapshots":    {"server": "demo-fra/fra-102"},
	"start_server":      {"server": "demo-fra/fra-104"},
	"stop_server":       {"server": "demo-nyc/nyc-202"},
	"get_server":        {"server": "demo-fra/fra-102"},
	"whoami":            {},
}

// Every tool, called as an admin on the demo fleet, answers without error
// and with structured content that its output schema accepts (the server
// validates it before sending; a mismatch would be an error result), and
// every output schema compiles.
func TestEveryToolAnswersWithinItsSchema(t *testing.T) {
	f := newFixture(t, Options{})
	c := f.client(t, revisions[0])
	ctx := as("mcp:admin")
	pending := call(t, c, ctx, "delete_server", samples["delete_server"])
	var p struct {
		Request struct{ ID string } `json:"request"`
	}
	b, _ := json.Marshal(pending.StructuredContent)
	json.Unmarshal(b, &p)
	samples["get_approval"] = map[string]any{"id": p.Request.ID}

	// In name order: mount_iso comes before unmount_iso.
	for _, name := range slices.Sorted(maps.Keys(f.srv.tools)) {
		cmd := f.srv.tools[name]
		args, ok := samples[name]
		if !ok {
			t.Errorf("no sample arguments for tool %s", name)
			continue
		}
		tool, err := toolFor(cmd)
		if err != nil {
			t.Fatal(err)
		}
		if len(tool.RawOutputSchema) > 0 {
			var doc any
			if err := json.Unmarshal(tool.RawOutputSchema, &doc); err != nil {
				t.Fatalf("%s: output schema is not JSON: %v", name, err)
			}
			comp := jsonschema.NewCompiler()
			if err := comp.AddResource("out.json", doc); err != nil {
				t.Fatal(err)
			}
			if _, err := comp.Compile("out.json"); err != nil {
				t.Errorf("%s: output schema does not compile: %v", name, err)
			}
		}
		res := call(t, c, ctx, name, args)
		if res.IsError {
			t.Errorf("%s(%v): %s", name, args, text(res))
			continue
		}
		if len(tool.RawOutputSchema) > 0 && res.StructuredContent == nil {
			t.Errorf("%s declares an output schema but returned no structured content", name)
		}
		if strings.TrimSpace(text(res)) == "" {
			t.Errorf("%s returned no text copy", name)
		}
	}
}
