package config

import (
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vpsops/vpsops/internal/providers/kinds"
)

// provider decodes one providers: entry: name, type and timeout into the
// Provider at v, every other key into the Settings its type declares.
// A key of another type's Settings is "not used by type X", as a key no
// type has is unknown; while the type itself is missing or unknown (which
// validation reports), keys some type uses are passed over.
func (d *decoder) provider(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.problems.add(path, n.Line, "expected a mapping, found %s", kindName(n))
		return
	}
	p := v.Addr().Interface().(*Provider)
	p.Settings = nil
	targets := []reflect.Value{v}
	typ := d.peekType(n)
	kind, known := kinds.Lookup(typ)
	if known {
		p.Settings = kind.New()
		targets = append(targets, reflect.ValueOf(p.Settings).Elem())
	}
	d.structure(path, n, targets, func(key string) (string, bool) {
		if !usedByAnyType(key) {
			return "", false
		}
		if !known {
			return "", true
		}
		return "not used by type " + typ, true
	})
}

// peekType returns the expanded value of n's type key, "" when it is
// missing or not a plain value. Problems with it are reported when the
// key itself is decoded.
func (d *decoder) peekType(n *yaml.Node) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "type" && n.Content[i+1].Kind == yaml.ScalarNode {
			s, err := expand(n.Content[i+1].Value, d.env)
			if err != nil {
				return ""
			}
			return s
		}
	}
	return ""
}

// usedByAnyType reports whether key (or, for key_file, its secret) is a
// key of some provider type's Settings.
func usedByAnyType(key string) bool {
	for _, k := range kinds.All() {
		fields := fieldsOf(reflect.TypeOf(k.New()).Elem())
		if _, ok := fields[key]; ok {
			return true
		}
		if base, cut := strings.CutSuffix(key, "_file"); cut && fields[base].fileOK {
			return true
		}
	}
	return false
}
