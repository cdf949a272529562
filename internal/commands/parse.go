package commands

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseError is a chat line that could not be understood. Usage, when set,
// is the usage line of the command the user was reaching for.
type ParseError struct {
	Msg     string
	Command string // the command name, when recognised
	Usage   string // one usage line per command the user may have meant
}

func (e *ParseError) Error() string { return e.Msg }

// Parse turns a chat line ("/vps reinstall demo-fra/web-1 debian-12
// password='s3 cret'") into a command name and raw string arguments.
// Positional values fill the command's positional arguments in order;
// key=value pairs fill named ones. Quotes (' or ") group words; inside
// double quotes a backslash escapes the next character.
func (r *Registry) Parse(line string) (string, map[string]any, error) {
	if len(line) > MaxInputLen {
		// No byte count: an adapter may cut an endless line before it gets
		// here (the shell does), and then any count would be wrong.
		return "", nil, &ParseError{Msg: fmt.Sprintf("input too long (more than %d bytes)", MaxInputLen)}
	}
	if !utf8.ValidString(line) {
		return "", nil, &ParseError{Msg: "input is not valid UTF-8"}
	}
	words, err := tokenize(line)
	if err != nil {
		return "", nil, &ParseError{Msg: err.Error()}
	}
	if len(words) > 0 && (strings.EqualFold(words[0].text, "/vps") || strings.EqualFold(words[0].text, "vps")) && !words[0].quoted {
		words = words[1:]
	}
	if len(words) == 0 {
		return "help", map[string]any{}, nil
	}
	cmd, n := r.lookupWords(words)
	if cmd == nil {
		return "", nil, r.unknownCommand(words)
	}
	raw, err := bindArgs(cmd, words[n:])
	if err != nil {
		if pe := r.mistypedSubcommand(words); n == 1 && pe != nil {
			return "", nil, pe // "audit verfy", "ptr sett …"
		}
		return cmd.Name, nil, &ParseError{Msg: err.Error(), Command: cmd.Name, Usage: cmd.Usage()}
	}
	return cmd.Name, raw, nil
}

// lookupWords finds the longest command name (two words, then one) at the
// start of words, case-insensitively.
func (r *Registry) lookupWords(words []word) (*Command, int) {
	if len(words) >= 2 && !words[0].quoted && !words[1].quoted {
		if c := r.Lookup(strings.ToLower(words[0].text + " " + words[1].text)); c != nil {
			return c, 2
		}
	}
	if !words[0].quoted {
		if c := r.Lookup(strings.ToLower(words[0].text)); c != nil {
			return c, 1
		}
	}
	return nil, 0
}

func bindArgs(cmd *Command, words []word) (map[string]any, error) {
	raw := map[string]any{}
	var positional []Arg
	named := map[string]Arg{}
	for _, a := range cmd.Args {
		if a.Positional {
			positional = append(positional, a)
		}
		named[strings.ToLower(a.Name)] = a
	}
	next := 0
	for i, w := range words {
		if w.hasKey {
			a, known := named[strings.ToLower(w.key)]
			if !known {
				// The key is not echoed: "pa=ss" may be half a password
				// typed without its "password=".
				return nil, fmt.Errorf("unknown option before \"=\"; %s takes %s", cmd.Name, optionNames(cmd))
			}
			if _, dup := raw[a.Name]; dup {
				return nil, fmt.Errorf("%s given twice", a.Name)
			}
			raw[a.Name] = w.text
			continue
		}
		for next < len(positional) {
			if _, set := raw[positional[next].Name]; !set {
				break
			}
			next++
		}
		if opt, ok := filterValue(cmd, raw, positional, next, w.text); ok {
			// "list stopped": the word is a value of a key=value filter,
			// not the positional argument it would otherwise fill.
			return nil, fmt.Errorf("%q is a %s: write %s=%s", w.text, opt.Name, opt.Name, strings.ToLower(w.text))
		}
		if next >= len(positional) {
			// A free-text last argument (deny reason) takes the rest of the line.
			if last := lastText(positional); last != "" {
				raw[last] = raw[last].(string) + " " + w.text
				continue
			}
			// The value is not echoed: a stray word may be a password
			// typed without its "password=".
			return nil, fmt.Errorf("unexpected extra argument (word %d); %s takes %d", i+1, cmd.Name, len(positional))
		}
		raw[positional[next].Name] = w.text
		next++
	}
	for _, a := range cmd.Args {
		if _, ok := raw[a.Name]; a.Required && !ok {
			return nil, fmt.Errorf("missing %s", a.Name)
		}
	}
	return raw, nil
}

// lastText returns the name of a trailing free-text positional argument.
func lastText(pos []Arg) string {
	if len(pos) > 0 && pos[len(pos)-1].Kind == KindText {
		return pos[len(pos)-1].Name
	}
	return ""
}

// word is one token. When its first "=" came before any quote it is a
// key=value pair: key holds the part before, text the part after.
type word struct {
	text   string
	key    string
	hasKey bool
	quoted bool // started with a quote: never a command name
}

// tokenize splits a line into words, honouring quotes. Unicode "smart"
// quotes, which chat clients substitute, count as plain quotes.
func tokenize(line string) ([]word, error) {
	line = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'").Replace(line)
	var words []word
	var cur strings.Builder
	var w word
	started, sawQuote := false, false
	quote := rune(0)
	flush := func() {
		if started {
			w.text = cur.String()
			words = append(words, w)
		}
		cur.Reset()
		w = word{}
		started, sawQuote = false, false
	}
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case quote != 0:
			switch {
			case c == quote:
				quote = 0
			case c == '\\' && quote == '"' && i+1 < len(rs):
				i++
				cur.WriteRune(rs[i])
			default:
				cur.WriteRune(c)
			}
		case c == '"' || c == '\'':
			if !started {
				w.quoted = true
			}
			started, sawQuote, quote = true, true, c
		case unicode.IsSpace(c):
			flush()
		case unicode.IsControl(c):
			return nil, fmt.Errorf("control character in input")
		case c == '=' && !sawQuote && !w.hasKey:
			started = true
			w.key, w.hasKey = cur.String(), true
			cur.Reset()
		default:
			started = true
			cur.WriteRune(c)
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	flush()
	for i := range words {
		if words[i].hasKey && words[i].key == "" {
			// The value is not echoed: "password =S3cret" puts the
			// password right here.
			return nil, fmt.Errorf("option name missing before \"=\" (write name=value, no spaces around =)")
		}
	}
	return words, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// optionNames lists what a command accepts as key=value.
func optionNames(cmd *Command) string {
	var names []string
	for _, a := range cmd.Args {
		names = append(names, a.Name+"=")
	}
	if len(names) == 0 {
		return "no options"
	}
	return strings.Join(names, ", ")
}

// filterValue reports the optional key=value enum argument of cmd that a
// bare word is a value of, unless the positional argument it would fill
// (positional[next], if any) accepts that word itself.
func filterValue(cmd *Command, raw map[string]any, positional []Arg, next int, w string) (Arg, bool) {
	if next < len(positional) && positional[next].accepts(w) {
		return Arg{}, false
	}
	for _, a := range cmd.Args {
		if _, set := raw[a.Name]; !a.Positional && !set && a.Kind == KindEnum && a.accepts(w) {
			return a, true
		}
	}
	return Arg{}, false
}

// accepts reports whether w is one of an enum argument's values.
func (a Arg) accepts(w string) bool {
	if a.Kind != KindEnum {
		return false
	}
	for _, e := range a.Enum {
		if strings.EqualFold(w, e) {
			return true
		}
	}
	return false
}

// Sensitive reports whether a chat line may carry a secret: it names a
// command with a secret argument, or mentions a password anywhere.
// Adapters keep such lines out of anything that outlives the request,
// like a shell's history.
func (r *Registry) Sensitive(line string) bool {
	if strings.Contains(strings.ToLower(line), "password") {
		return true
	}
	words, err := tokenize(line)
	if err != nil {
		return true // cannot tell: assume the worst
	}
	for _, w := range words {
		if c := r.Lookup(strings.ToLower(w.text)); c != nil && c.declaresSecret() {
			return true
		}
	}
	return false
}
