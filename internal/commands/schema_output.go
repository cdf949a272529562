package commands

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// OutputSchema returns the JSON Schema of the command's Result.Data,
// generated from its Output type by reflection over the json tags, as MCP
// output schemas need; nil when the command declares no Output. A field
// is required unless it is tagged omitempty or omitzero, and each
// property is described by the field's desc tag, or, for types declared
// in other packages, by fieldDocs.
func (c *Command) OutputSchema() map[string]any {
	if c.Output == nil {
		return nil
	}
	return typeSchema(c.Output)
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
	rawType      = reflect.TypeFor[json.RawMessage]()
)

func typeSchema(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case durationType:
		return map[string]any{"type": "integer"} // nanoseconds, as encoding/json writes it
	case rawType:
		return map[string]any{"type": "object"} // the only raw JSON in Data: redacted arguments
	}
	switch t.Kind() {
	case reflect.Pointer:
		return typeSchema(t.Elem())
	case reflect.Struct:
		props := map[string]any{}
		required := []string{}
		addFields(t, props, &required)
		return map[string]any{"type": "object", "properties": props, "required": required}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": typeSchema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": typeSchema(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	}
	// A declaration error, caught by the golden test on every run.
	panic(fmt.Sprintf("output schema: no JSON Schema for %s", t))
}

// addFields adds t's JSON properties, inlining embedded structs the way
// encoding/json does.
func addFields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			addFields(ft, props, required)
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := typeSchema(f.Type)
		if d := fieldDoc(t, f, name); d != "" {
			p["description"] = d
		}
		props[name] = p
		optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") || f.Type.Kind() == reflect.Pointer
		if !optional {
			*required = append(*required, name)
		}
	}
}

func fieldDoc(t reflect.Type, f reflect.StructField, name string) string {
	if d := f.Tag.Get("desc"); d != "" {
		return d
	}
	return fieldDocs[t][name]
}
