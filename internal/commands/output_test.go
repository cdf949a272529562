package commands_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/vpsops/vpsops/internal/commands"
)

// outputSamples runs every command that returns data once on the demo
// fleet, in an order where each finds what it needs (a stopped server to
// start, a mounted ISO to unmount, a pending request to show).
var outputSamples = []string{
	"help", "help iso", "help reboot", "whoami", "providers", "list", "list demo-nyc status=running",
	"status demo-fra/fra-101", "login demo-fra/fra-104",
	"start demo-fra/fra-104", "stop demo-fra/fra-102", "reboot demo-fra/fra-101",
	"poweroff demo-fra/fra-103", "reset demo-fra/fra-101",
	"images demo-fra/fra-101", "reinstall demo-fra/fra-102 debian-12", "console demo-fra/fra-101",
	"isos demo-fra/fra-101", "iso mount demo-fra/fra-101 systemrescue-11", "iso unmount demo-fra/fra-101",
	"ptr demo-fra/fra-101", "ptr set demo-fra/fra-101 {ip} web-1.example.com", "ptr reset demo-fra/fra-101 {ip}",
	"snapshots demo-fra/fra-101", "snapshot create demo-fra/fra-101 before-upgrade",
	"delete demo-fra/fra-103",
	"delete demo-nyc/nyc-204", // stops at approval: the request approval shows
	"approvals", "approvals all", "approval {id}",
	"audit", "audit limit=3 user=shell:alice", "audit verify", "audit export",
}

// Commands that return no data of their own: they answer with a request's
// new state, or run the request and return that command's result.
var noOutput = map[string]bool{"approve": true, "deny": true, "confirm": true, "cancel": true}

// TestEveryResultIsTypedAndMatchesItsSchema: every command declares the
// type of its Data, returns exactly that type, and the Data validates
// against the generated output schema, so what MCP clients are promised
// is what they get.
func TestEveryResultIsTypedAndMatchesItsSchema(t *testing.T) {
	a := newTestApp(t)
	alice := shellReq("shell:alice")
	ran := map[string]bool{}
	vars := map[string]string{}
	for _, line := range outputSamples {
		line = expand(line, vars)
		res := a.run(t, alice, line)
		if res.Pending != nil && res.Pending.Gate == "confirm" {
			res = a.run(t, alice, "confirm "+res.Pending.ID)
		}
		if res.Pending != nil {
			vars["id"] = res.Pending.ID
			continue
		}
		cmd := commandOf(t, a, line)
		ran[cmd.Name] = true
		if cmd.Output == nil {
			t.Errorf("%s: declares no Output type", cmd.Name)
			continue
		}
		if got := reflect.TypeOf(res.Data); got != cmd.Output {
			t.Errorf("%q: Data is %v, declared %v", line, got, cmd.Output)
			continue
		}
		b, err := json.Marshal(res.Data)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		for _, p := range schemaProblems("", v, cmd.OutputSchema()) {
			t.Errorf("%q: %s\n%s", line, p, b)
		}
		if tb := res.Table; tb != nil && !tb.Truncated && tb.Total != len(tb.Rows) {
			t.Errorf("%q: table total %d, but %d rows and not truncated", line, tb.Total, len(tb.Rows))
		}
		if cmd.Name == "status" {
			vars["ip"] = v.(map[string]any)["ipv4"].([]any)[0].(string)
		}
	}
	for _, c := range a.Runner.Registry().All() {
		switch {
		case noOutput[c.Name] && c.Output != nil:
			t.Errorf("%s declares an Output but returns another command's", c.Name)
		case !noOutput[c.Name] && !ran[c.Name]:
			t.Errorf("%s: no sample returned its data; add one to outputSamples", c.Name)
		}
	}
}

func expand(line string, vars map[string]string) string {
	for k, v := range vars {
		line = strings.ReplaceAll(line, "{"+k+"}", v)
	}
	return line
}

// commandOf finds the command a line names (two words first).
func commandOf(t *testing.T, a *testApp, line string) *commands.Command {
	t.Helper()
	reg := a.Runner.Registry()
	words := strings.Fields(line)
	if len(words) >= 2 {
		if c := reg.Lookup(words[0] + " " + words[1]); c != nil {
			return c
		}
	}
	c := reg.Lookup(words[0])
	if c == nil {
		t.Fatalf("%q names no command", line)
	}
	return c
}

// schemaProblems is a light JSON Schema check: types, required keys and
// the properties and items below them.
func schemaProblems(path string, v any, s map[string]any) []string {
	var out []string
	want, _ := s["type"].(string)
	ok := false
	switch want {
	case "object":
		_, ok = v.(map[string]any)
	case "array":
		_, ok = v.([]any)
	case "string":
		_, ok = v.(string)
	case "boolean":
		_, ok = v.(bool)
	case "number":
		_, ok = v.(float64)
	case "integer":
		f, isNum := v.(float64)
		ok = isNum && f == float64(int64(f))
	default:
		return []string{fmt.Sprintf("%s: schema has no type", path)}
	}
	if !ok {
		return []string{fmt.Sprintf("%s: %v is not of type %s", path, v, want)}
	}
	switch want {
	case "object":
		obj := v.(map[string]any)
		req, _ := s["required"].([]string)
		for _, k := range req {
			if _, has := obj[k]; !has {
				out = append(out, fmt.Sprintf("%s: required key %q missing", path, k))
			}
		}
		props, _ := s["properties"].(map[string]any)
		for k, val := range obj {
			ps, known := props[k].(map[string]any)
			if !known {
				if props != nil {
					out = append(out, fmt.Sprintf("%s: key %q not in the schema", path, k))
				}
				continue
			}
			out = append(out, schemaProblems(path+"."+k, val, ps)...)
		}
	case "array":
		items, _ := s["items"].(map[string]any)
		for i, e := range v.([]any) {
			out = append(out, schemaProblems(fmt.Sprintf("%s[%d]", path, i), e, items)...)
		}
	}
	return out
}
