package policy

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	vpsops "github.com/vpsops/vpsops"
)

func TestNewEmbeddedDefaults(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatalf("New with embedded defaults: %v", err)
	}
	if g := e.Generation(); g != 1 {
		t.Errorf("Generation = %d, want 1", g)
	}
	if d := e.Decide("shell:alice", "server.delete", "demo-fra/web-1"); !d.Allowed {
		t.Errorf("demo: shell user may not delete a demo server: %q", d.Rule)
	}
	if d := e.Decide("shell:bob", "approval.grant", "demo-nyc/web-1"); !d.Allowed {
		t.Errorf("demo: second shell user may not approve: %q", d.Rule)
	}
}

func TestDefaultPolicyGrantsEveryPermissionToSomeRole(t *testing.T) {
	// The role that holds each permission on a real server; admin holds
	// them all, so check the narrower roles carry what SPEC §4 says.
	e, _ := withPolicy(t, roleGrants...)
	want := map[string][]string{
		"slack:T1:vera": {"provider.read", "server.read", "approval.read"},
		"discord:1001":  {"provider.read", "server.read", "approval.read", "server.power", "server.iso", "server.ptr", "server.snapshot", "server.console"},
		"slack:T1:ada":  Permissions(),
		"discord:2002":  {"approval.grant", "approval.read"},
		"mcp:x":         {"provider.read", "server.read", "approval.read", "server.power"},
	}
	for principal, perms := range want {
		for _, p := range Permissions() {
			granted := e.Decide(principal, p, "edis-fra/kvm_1").Allowed
			if expect := slices.Contains(perms, p); granted != expect {
				t.Errorf("%s %s: allowed %v, want %v", principal, p, granted, expect)
			}
		}
	}
}

func TestNewRefusesBadPolicy(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"unknown permission", "p, viewer, *, server.powr", `unknown permission "server.powr"`},
		{"inline comment", "p, viewer, *, server.read # note", "unknown permission"},
		{"unknown gate", "p2, *, *, delete, approve", `unknown gate "approve"`},
		{"missing field", "g, shell:alice", "g rule has 1 fields, want 2"},
		{"extra field", "p, viewer, *, server.read, deny", "p rule has 4 fields, want 3"},
		{"unknown rule type", "g2, a, b", `unknown rule type "g2"`},
		{"principal as role", "g, shell:alice, shell:bob", `role "shell:bob"`},
		{"pattern as role", "g, shell:alice, admin*", `role "admin*"`},
		{"misspelt principal kind", "p, shel:alice, *, server.read", `subject "shel:alice"`},
		{"misspelt group kind", "g, discord-rol:G1:R1, approver", `subject "discord-rol:G1:R1"`},
		{"group as role", "g, discord:1, discord-role:G1:R1", `role "discord-role:G1:R1"`},
		{"empty object", "p, viewer, , server.read", "empty object"},
		{"empty command", "p2, *, *, , confirm", "empty command"},
		{"bad CSV", `p, "viewer, *, server.read`, "not a CSV line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeFile(t, dir, "policy.csv", "# header\n\np, viewer, *, server.read\n"+tt.line+"\n")
			_, err := New(Options{PolicyPath: path})
			if err == nil {
				t.Fatal("New accepted the policy")
			}
			// The message names the file, the line and the problem.
			for _, s := range []string{path + ":4:", tt.want} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestNewRefusesBadModel(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(vpsops.DefaultModel, old) {
			t.Fatalf("default model lacks %q", old)
		}
		return strings.Replace(vpsops.DefaultModel, old, new, 1)
	}
	tests := []struct {
		name, model, want string
	}{
		{"no p2", replace("p2 = sub, obj, cmd, gate", ""), "missing p2"},
		{"reordered request", replace("r = sub, obj, act", "r = sub, act, obj"), "r = sub, act, obj"},
		{"unknown function", replace("glob(r.obj, p.obj)", "nosuch(r.obj, p.obj)"), "matcher m:"},
		{"broken gate matcher", replace("r2.gate == p2.gate", "r2.gate == p2.nosuch"), "matcher m2:"},
		{"not a model", "this is not a model", ""},
		{"allow by default", replace("e = some(where (p.eft == allow))", "e = !some(where (p.eft == deny))"), "want some(where"},
		{"unknown field", replace("glob(r.act, p.act)", "glob(r.act, p.action)"), "unknown field p.action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "model.conf", tt.model)
			_, err := New(Options{ModelPath: path})
			if err == nil {
				t.Fatal("New accepted the model")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %s and %q", err, path, tt.want)
			}
		})
	}
}

func TestNewMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.csv")
	_, err := New(Options{PolicyPath: path})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v does not name %s", err, path)
	}
}

func TestDuplicateLinesCountOnce(t *testing.T) {
	e, _ := withPolicy(t, "p, viewer, *, server.read", "g, mcp:*, agent")
	x := e.Explain("mcp:claude")
	n := 0
	for _, g := range x.Grants {
		if g.Rule == "p, viewer, *, server.read" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("duplicated line listed %d times", n)
	}
}
