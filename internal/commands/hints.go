package commands

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vpsops/vpsops/internal/suggest"
)

// The wording of input that names no command: what the user most likely
// meant, without ever quoting back something that may be a password.

// suggest returns the nearest command name, or first word of one, to a
// mistyped word, or "".
func (r *Registry) suggest(s string) string {
	s = strings.ToLower(s)
	if len(s) > 32 {
		return ""
	}
	seen := map[string]bool{}
	var names []string
	for n := range r.byName {
		first, _, _ := strings.Cut(n, " ")
		if !seen[first] {
			seen[first] = true
			names = append(names, first)
		}
	}
	sort.Strings(names)
	return suggest.Nearest(s, names, 2)
}

// group returns the two-word commands whose first word is head, in help
// order: "iso" gives iso mount and iso unmount.
func (r *Registry) group(head string) []*Command {
	var out []*Command
	for _, c := range r.order {
		if strings.HasPrefix(c.Name, head+" ") {
			out = append(out, c)
		}
	}
	return out
}

// unknownCommand words a line whose first words name no command: the
// first word of a two-word command lists its sub-commands, a typo of the
// second word or of a command gets the nearest name.
func (r *Registry) unknownCommand(words []word) *ParseError {
	first := words[0]
	if first.hasKey {
		// "password=…" as the first word: neither half is echoed.
		return &ParseError{Msg: "unknown command (a line starts with a command, not name=value); type `help` for the list"}
	}
	head := strings.ToLower(first.text)
	if sub := r.group(head); len(sub) > 0 && !first.quoted {
		if pe := r.mistypedSubcommand(words); pe != nil {
			return pe
		}
		var names, usage []string
		for _, c := range sub {
			names = append(names, strings.TrimPrefix(c.Name, head+" "))
			usage = append(usage, c.Usage())
		}
		msg := fmt.Sprintf("`%s` needs a sub-command: %s", head, orList(names))
		if plural := r.Lookup(head + "s"); plural != nil {
			// "snapshot demo-fra/fra-101" most likely meant snapshots.
			msg += fmt.Sprintf(" (or did you mean `%s`?)", plural.Name)
			usage = append(usage, plural.Usage())
		}
		return &ParseError{Msg: msg, Usage: strings.Join(usage, "\n")}
	}
	shown := "unknown command"
	if echoable(first.text) {
		shown = fmt.Sprintf("unknown command %q", first.text)
	}
	if s := r.suggest(first.text); s != "" {
		return &ParseError{Msg: fmt.Sprintf("%s; did you mean `%s`? (type `help` for the list)", shown, s)}
	}
	return &ParseError{Msg: shown + "; type `help` for the list"}
}

// mistypedSubcommand recognises "snapshot creat …" or "audit verfy": the
// first word heads two-word commands and the second is a near miss of
// one of them. It returns nil when that is not the case.
func (r *Registry) mistypedSubcommand(words []word) *ParseError {
	if len(words) < 2 || words[0].quoted || words[1].quoted || words[1].hasKey {
		return nil
	}
	head := strings.ToLower(words[0].text)
	var names []string
	for _, c := range r.group(head) {
		names = append(names, strings.TrimPrefix(c.Name, head+" "))
	}
	second := strings.ToLower(words[1].text)
	near := suggest.Nearest(second, names, 2)
	if near == "" || len(second) > 32 {
		return nil
	}
	c := r.Lookup(head + " " + near)
	msg := fmt.Sprintf("`%s %s` is not a command; did you mean `%s`?", head, second, c.Name)
	if !echoable(second) {
		msg = fmt.Sprintf("no such `%s` command; did you mean `%s`?", head, c.Name)
	}
	return &ParseError{Msg: msg, Command: c.Name, Usage: c.Usage()}
}

// HelpMiss is the answer to `help <name>` when name is no command and
// heads none: the nearest command, if one is close.
func (r *Registry) HelpMiss(name string) error {
	shown := "such command"
	if echoable(name) {
		shown = fmt.Sprintf("command %q", clip(name))
	}
	if strings.Contains(name, " ") {
		if pe := r.mistypedSubcommand(fieldsOf(name)); pe != nil {
			return invalid(nil, "no %s; did you mean `help %s`?", shown, pe.Command)
		}
	} else if s := r.suggest(name); s != "" {
		return invalid(nil, "no %s; did you mean `help %s`? (`help` lists them all)", shown, s)
	}
	return invalid(nil, "no %s; type `help` for the list", shown)
}

// echoable reports whether a word the user typed may be quoted back in an
// error, which is shown and audited: only what looks like a command name.
// Anything else may be a password pasted at the wrong prompt or typed
// after "password".
func echoable(s string) bool {
	if s == "" || len(s) > 32 || strings.Contains(strings.ToLower(s), "password") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == ' ') {
			return false
		}
	}
	return true
}

// fieldsOf splits text into plain words, for matching command names.
func fieldsOf(s string) []word {
	var out []word
	for _, f := range strings.Fields(s) {
		out = append(out, word{text: f})
	}
	return out
}

// orList joins names as "a", "a or b", "a, b or c", each in backquotes.
func orList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
