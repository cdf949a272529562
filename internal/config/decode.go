package config

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/vpsops/vpsops/internal/suggest"

	"go.yaml.in/yaml/v3"
)

// The decoder maps a yaml.Node tree onto Config by reflection over the yaml
// struct tags, instead of the YAML library's own Decode, for three reasons: its
// type errors quote the offending value (which may be a secret), its unknown
// field errors name Go types rather than key paths, and expansion plus
// *_file handling need to see each scalar before it is converted.

type decoder struct {
	env      func(string) (string, bool)
	readFile func(string) ([]byte, error)
	lines    map[string]int
	problems problems
}

var (
	secretType   = reflect.TypeFor[Secret]()
	durationType = reflect.TypeFor[Duration]()
	providerType = reflect.TypeFor[Provider]()
)

func valueOf(c *Config) reflect.Value { return reflect.ValueOf(c).Elem() }

// decode sets v from n. A null n leaves v unchanged (the default).
func (d *decoder) decode(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind == yaml.AliasNode {
		d.problems.add(path, n.Line, "YAML aliases (*name) are not supported; write the value out")
		return
	}
	switch n.Tag {
	case "", "!", "!!str", "!!int", "!!float", "!!bool", "!!timestamp", "!!map", "!!seq":
	case "!!null":
		if n.Kind == yaml.ScalarNode {
			return
		}
	default:
		d.problems.add(path, n.Line, "unsupported YAML tag %s", strconv.Quote(n.Tag))
		return
	}
	if v.Type() == durationType {
		s, ok := d.scalar(path, n)
		if !ok {
			return
		}
		dur, ok := parseDuration(s)
		if !ok {
			d.problems.add(path, n.Line, "not a duration: write a number with a unit, like 30m or 90s")
			return
		}
		v.SetInt(int64(dur))
		return
	}
	switch v.Kind() {
	case reflect.String:
		if s, ok := d.scalar(path, n); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		s, ok := d.scalar(path, n)
		if !ok {
			return
		}
		b, ok := parseBool(s)
		if !ok {
			d.problems.add(path, n.Line, "must be true or false")
			return
		}
		v.SetBool(b)
	case reflect.Float64:
		s, ok := d.scalar(path, n)
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			d.problems.add(path, n.Line, "not a number")
			return
		}
		v.SetFloat(f)
	case reflect.Struct:
		if v.Type() == providerType {
			d.provider(path, n, v)
		} else {
			d.structure(path, n, []reflect.Value{v}, nil)
		}
	case reflect.Slice:
		d.sequence(path, n, v)
	case reflect.Map:
		d.dictionary(path, n, v)
	default:
		// Only reachable if a field of a new kind is added to Config.
		d.problems.add(path, n.Line, "internal error: no decoder for %s", v.Type())
	}
}

// scalar returns n's value with variables expanded.
func (d *decoder) scalar(path string, n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.problems.add(path, n.Line, "expected a single value, found %s", kindName(n))
		return "", false
	}
	s, err := expand(n.Value, d.env)
	if err != nil {
		d.problems.add(path, n.Line, "%v", err)
		return "", false
	}
	return s, true
}

// field is a settable struct field (of the target-th struct being
// decoded) and whether it accepts a *_file twin.
type field struct {
	target int
	index  int
	fileOK bool
}

// fieldsOf lists the YAML keys of the structs in targets.
func fieldsOf(targets ...reflect.Type) map[string]field {
	fields := map[string]field{}
	for t, typ := range targets {
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			fields[name] = field{target: t, index: i, fileOK: f.Type == secretType || f.Tag.Get("config") == "file"}
		}
	}
	return fields
}

// structure decodes a mapping into the structs in targets (one, or a
// provider entry and its Settings), refusing unknown and repeated keys,
// and reading X_file keys into X. foreign, when not nil, words the
// problem for a key none of targets has but another provider type uses
// ("" to say nothing, "unknown key" if it returns false).
func (d *decoder) structure(path string, n *yaml.Node, targets []reflect.Value, foreign func(key string) (string, bool)) {
	if n.Kind != yaml.MappingNode {
		d.problems.add(path, n.Line, "expected a mapping, found %s", kindName(n))
		return
	}
	types := make([]reflect.Type, len(targets))
	for i, t := range targets {
		types[i] = t.Type()
	}
	fields := fieldsOf(types...)
	type seenKey struct {
		line   int
		asFile bool
	}
	seen := map[string]seenKey{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if !d.plainKey(path, k) {
			continue
		}
		name, asFile := k.Value, false
		f, ok := fields[name]
		if !ok {
			if base, cut := strings.CutSuffix(name, "_file"); cut {
				if bf, found := fields[base]; found && bf.fileOK {
					f, ok, name, asFile = bf, true, base, true
				}
			}
		}
		if !ok {
			if foreign != nil {
				if msg, used := foreign(k.Value); used {
					if msg != "" {
						d.problems.add(joinKey(path, k.Value), k.Line, "%s", msg)
					}
					continue
				}
			}
			d.problems.add(joinKey(path, k.Value), k.Line, "unknown key%s", didYouMean(k.Value, fields))
			continue
		}
		key := joinKey(path, name)
		if prev, dup := seen[name]; dup {
			if prev.asFile != asFile {
				d.problems.add(key, k.Line, "both %s and %s_file are set; use one", name, name)
			} else {
				d.problems.add(joinKey(path, k.Value), k.Line, "duplicate key (first set on line %d)", prev.line)
			}
			continue
		}
		seen[name] = seenKey{line: k.Line, asFile: asFile}
		d.lines[key] = k.Line
		target := targets[f.target].Field(f.index)
		if asFile {
			d.secretFile(key, val, target)
		} else {
			d.decode(key, val, target)
		}
	}
}

// secretFile sets v from the file named by n (the value of key+"_file").
func (d *decoder) secretFile(key string, n *yaml.Node, v reflect.Value) {
	fileKey := key + "_file"
	if n.Kind == yaml.AliasNode {
		d.problems.add(fileKey, n.Line, "YAML aliases (*name) are not supported; write the value out")
		return
	}
	p, ok := d.scalar(fileKey, n)
	if !ok {
		return
	}
	if n.Tag == "!!null" || p == "" {
		d.problems.add(fileKey, n.Line, "needs a file path")
		return
	}
	data, err := d.readFile(p)
	if err != nil {
		d.problems = append(d.problems, &FieldError{Key: fileKey, Line: n.Line, Msg: "cannot read secret file", Err: err})
		return
	}
	s := string(data)
	if t, ok := strings.CutSuffix(s, "\r\n"); ok {
		s = t
	} else {
		s = strings.TrimSuffix(s, "\n")
	}
	v.SetString(s)
}

// sequence decodes a list into slice v, replacing its default.
func (d *decoder) sequence(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.problems.add(path, n.Line, "expected a list, found %s", kindName(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), 0, len(n.Content))
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		d.lines[p] = item.Line
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(p, item, elem)
		out = reflect.Append(out, elem)
	}
	v.Set(out)
}

// dictionary decodes a mapping into map v, replacing its default.
func (d *decoder) dictionary(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.problems.add(path, n.Line, "expected a mapping, found %s", kindName(n))
		return
	}
	out := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if !d.plainKey(path, k) {
			continue
		}
		key := joinKey(path, k.Value)
		if line, dup := seen[k.Value]; dup {
			d.problems.add(key, k.Line, "duplicate key (first set on line %d)", line)
			continue
		}
		seen[k.Value] = k.Line
		d.lines[key] = k.Line
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(key, val, elem)
		out.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), elem)
	}
	v.Set(out)
}

// plainKey reports whether k is usable as a mapping key.
func (d *decoder) plainKey(path string, k *yaml.Node) bool {
	switch {
	case k.Kind != yaml.ScalarNode:
		d.problems.add(path, k.Line, "keys must be plain strings, found %s", kindName(k))
	case k.Tag == "!!merge":
		d.problems.add(path, k.Line, "merge keys (<<) are not supported; write the keys out")
	default:
		return true
	}
	return false
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return "a single value"
	default:
		return "a document"
	}
}

var plainKeyRE = regexp.MustCompile(`^[A-Za-z0-9_.:-]+$`)

// joinKey appends name to a key path, quoting names that would make the
// path ambiguous.
func joinKey(path, name string) string {
	if !plainKeyRE.MatchString(name) {
		return path + "[" + strconv.Quote(name) + "]"
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

// didYouMean returns `; did you mean "x"?` for the known key closest to an
// unknown one, if any is close enough to be a typo.
func didYouMean(unknown string, fields map[string]field) string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	best := suggest.Nearest(unknown, names, 2)
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// parseBool accepts YAML 1.2's spellings of a boolean, not YAML 1.1's
// yes/no/on/off: "no" meaning false surprises people (the Norway problem).
func parseBool(s string) (b, ok bool) {
	switch strings.TrimSpace(s) {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}
