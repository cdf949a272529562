package commands

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	reg := Builtin()
	tests := []struct {
		line string
		cmd  string
		args map[string]any
	}{
		{"", "help", map[string]any{}},
		{"/vps", "help", map[string]any{}},
		{"list", "list", map[string]any{}},
		{"/vps list demo-fra status=running", "list", map[string]any{"provider": "demo-fra", "status": "running"}},
		{"vps STATUS demo-fra/fra-101", "status", map[string]any{"server": "demo-fra/fra-101"}},
		{"reinstall web-1 debian-12 password='s3 cret=x'", "reinstall", map[string]any{"server": "web-1", "image": "debian-12", "password": "s3 cret=x"}},
		{`reinstall web-1 debian-12 password="a \"q\" b"`, "reinstall", map[string]any{"server": "web-1", "image": "debian-12", "password": `a "q" b`}},
		{"reinstall server=web-1 image=debian-12", "reinstall", map[string]any{"server": "web-1", "image": "debian-12"}},
		{"iso mount web-1 rescue.iso", "iso mount", map[string]any{"server": "web-1", "iso": "rescue.iso"}},
		{"ptr web-1", "ptr", map[string]any{"server": "web-1"}},
		{"ptr set web-1 192.0.2.1 mail.example.com", "ptr set", map[string]any{"server": "web-1", "ip": "192.0.2.1", "hostname": "mail.example.com"}},
		{"deny r-abcd1234 too risky on a Friday", "deny", map[string]any{"id": "r-abcd1234", "reason": "too risky on a Friday"}},
		{"audit server=demo-fra/ limit=5", "audit", map[string]any{"server": "demo-fra/", "limit": "5"}},
		{"audit verify", "audit verify", map[string]any{}},
		{"help reinstall", "help", map[string]any{"command": "reinstall"}},
		{"snapshot create web-1 “before upgrade”", "snapshot create", map[string]any{"server": "web-1", "name": "before upgrade"}},
		{`status "a=b"`, "status", map[string]any{"server": "a=b"}},
	}
	for _, tt := range tests {
		cmd, args, err := reg.Parse(tt.line)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.line, err)
			continue
		}
		if cmd != tt.cmd || !reflect.DeepEqual(args, tt.args) {
			t.Errorf("Parse(%q) = %q %v, want %q %v", tt.line, cmd, args, tt.cmd, tt.args)
		}
	}
}

func TestParseErrors(t *testing.T) {
	reg := Builtin()
	tests := []struct{ line, want, usage string }{
		{"rebot web-1", "did you mean `reboot`", ""},
		{"frobnicate", "unknown command", ""},
		{"reboot", "missing server", "reboot <server>"},
		{"reboot a b", "unexpected", "reboot <server>"},
		{"reboot web-1 force=yes", `unknown option before "="; reboot takes server=`, "reboot <server>"},
		{"reinstall web-1 img image=x", "image given twice", "reinstall <server> <image> [password=<pw>]"},
		{`status "web-1`, "unterminated", ""},
		{"status =x", "option name missing", ""},
		{"status web\x07", "control character", ""},
		{strings.Repeat("a", MaxInputLen+1), "input too long", ""},
		{"status \xff", "not valid UTF-8", ""},
		// The first word of two-word commands lists them; a typo of the
		// second word gets the right one.
		{"snapshot demo-fra/fra-101", "`snapshot` needs a sub-command: `create` (or did you mean `snapshots`?)", "snapshot create <server> <name>\nsnapshots <server>"},
		{"iso", "`iso` needs a sub-command: `mount` or `unmount`", "iso mount <server> <iso>\niso unmount <server>\nisos <server>"},
		{"snapshot creat demo-fra/fra-101 x", "did you mean `snapshot create`?", "snapshot create <server> <name>"},
		{"audit verfy", "did you mean `audit verify`?", "audit verify"},
		{"ptr sett web-1 192.0.2.1 a.example.com", "did you mean `ptr set`?", "ptr set <server> <ip> <hostname>"},
		// A bare word that is a filter value says how to write it.
		{"list stopped", "write status=stopped", "list [provider] [status=<running|stopped>]"},
		{"list demo-fra RUNNING", "write status=running", "list [provider] [status=<running|stopped>]"},
	}
	for _, tt := range tests {
		_, _, err := reg.Parse(tt.line)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want error containing %q", tt.line, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error %q, want it to contain %q", tt.line, err, tt.want)
		}
		if pe := err.(*ParseError); pe.Usage != tt.usage {
			t.Errorf("Parse(%q) usage %q, want %q", tt.line, pe.Usage, tt.usage)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) error is not one line: %q", tt.line, err)
		}
	}
}

// A password typed in the wrong place must not be echoed back in the error
// (which is shown and audited).
func TestParseErrorDoesNotEchoStrayValues(t *testing.T) {
	for _, line := range []string{"reinstall web-1 debian-12 hunter2secret", "reinstall web-1 debian-12 hunter2=secret"} {
		_, _, err := Builtin().Parse(line)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("%q: error %v echoes the stray value", line, err)
		}
	}
}

// "password =S3cret" (a space before =) and a password typed as the first
// word are refused without quoting the value: the error is shown and
// audited.
func TestParseErrorDoesNotEchoMisplacedPassword(t *testing.T) {
	for _, line := range []string{
		"reinstall web-1 debian-12 password =hunter2secret",
		"reinstall web-1 debian-12 password = hunter2secret",
		"password=hunter2secret",
		"hunter2secret",
		"iso hunter2secret",
		"Password-hunter",
	} {
		_, _, err := Builtin().Parse(line)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: error %v echoes the value", line, err)
		}
		if pe, ok := err.(*ParseError); ok && strings.Contains(pe.Usage, "hunter2") {
			t.Errorf("%q: usage %q echoes the value", line, pe.Usage)
		}
	}
}

// Validation errors of a command with a secret argument quote none of
// its values; other commands still quote what was wrong.
func TestValidateQuotesNoValueOfSecretCommands(t *testing.T) {
	reg := Builtin()
	_, err := reg.Lookup("reinstall").Validate(map[string]any{"server": "web-1", "image": "hunter2!secret"})
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "image is not a valid name") {
		t.Fatalf("reinstall: %v", err)
	}
	_, err = reg.Lookup("iso mount").Validate(map[string]any{"server": "web-1", "iso": "bad!name"})
	if err == nil || !strings.Contains(err.Error(), `"bad!name"`) {
		t.Fatalf("iso mount: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "list", "/vps reinstall web-1 debian-12 password='x y'", `deny r-abcd "a \" b" c`,
		"ptr set a 1.2.3.4 a.b", "iso mount x y", "a=b=c", `"'"'"`, "audit since=2h limit=3", "status “x”"} {
		f.Add(s)
	}
	reg := Builtin()
	f.Fuzz(func(t *testing.T, line string) {
		name, raw, err := reg.Parse(line)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		cmd := reg.Lookup(name)
		if cmd == nil {
			t.Fatalf("Parse returned unknown command %q", name)
		}
		declared := map[string]bool{}
		for _, a := range cmd.Args {
			declared[a.Name] = true
		}
		for k := range raw {
			if !declared[k] {
				t.Fatalf("Parse(%q) bound undeclared argument %q", line, k)
			}
		}
		// Validation must never panic on anything the parser produces.
		_, _ = cmd.Validate(raw)
	})
}

func TestSensitiveLines(t *testing.T) {
	reg := Builtin()
	for line, want := range map[string]bool{
		"reinstall web-1 debian-12":                   true,
		"/vps reinstall web-1 debian-12 password=x y": true,
		"status web-1 PASSWORD hunter2":               true,
		`status "unterminated`:                        true,
		"status web-1":                                false,
		"iso mount web-1 rescue.iso":                  false,
	} {
		if got := reg.Sensitive(line); got != want {
			t.Errorf("Sensitive(%q) = %v, want %v", line, got, want)
		}
	}
}
