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
	Usage   string
}

func (e *ParseError) Error() string { return e.Msg }

// Parse turns a chat line ("/vps reinstall demo-fra/web-1 debian-12
// password='s3 cret'") into a command name and raw string arguments.
// Positional values fill the command's positional arguments in order;
// key=value pairs fill named ones. Quotes (' or ") group words; inside
// double quotes a backslash escapes the next character.
func (r *Registry) Parse(line string) (string, map[string]any, error) {
	if len(line) > MaxInputLen {
		return "", nil, &ParseError{Msg: fmt.Sprintf("input too long (%d bytes, at most %d)", len(line), MaxInputLen)}
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
		name := words[0].text
		if len(name) > 32 {
			name = name[:32] + "…"
		}
		msg := fmt.Sprintf("unknown command %q; type `help` for the list", name)
		if s := r.suggest(words[0].text); s != "" {
			msg = fmt.Sprintf("unknown command %q; did you mean `%s`? (type `help` for the list)", name, s)
		}
		return "", nil, &ParseError{Msg: msg}
	}
	raw, err := bindArgs(cmd, words[n:])
	if err != nil {
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
			return nil, fmt.Errorf("%q: option name missing before =", "="+words[i].text)
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
