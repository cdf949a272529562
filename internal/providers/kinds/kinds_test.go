package kinds

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// keysOf lists the YAML keys a kind's settings declare.
func keysOf(k Kind) []string {
	t := reflect.TypeOf(k.New()).Elem()
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// TestEveryRealTypeOpensItsDriver: the application builds every driver
// but demo's through Opener, so a type whose settings cannot open one
// would only fail at start.
func TestEveryRealTypeOpensItsDriver(t *testing.T) {
	if !slices.IsSorted(Types()) {
		t.Errorf("types are not sorted: %v", Types())
	}
	for _, k := range All() {
		s := k.New()
		if reflect.TypeOf(s).Kind() != reflect.Pointer || reflect.TypeOf(s).Elem().Kind() != reflect.Struct {
			t.Errorf("%s: settings %T are not a pointer to a struct", k.Type, s)
		}
		if _, ok := s.(Opener); ok == (k.Type == Demo) {
			t.Errorf("%s: settings %T open a driver: %v", k.Type, s, ok)
		}
	}
}

var backticked = regexp.MustCompile("`([^`]+)`")

// TestREADMEProviderTable: the README's provider table has one row per
// type, every key a type declares appears in its row (poll_interval is
// described once, above the table), and the credentials and overrides
// columns name only keys the type declares.
func TestREADMEProviderTable(t *testing.T) {
	data, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(data), "\n### Providers\n")
	section, _, _ = strings.Cut(section, "\n## ")
	rows := map[string][]string{}
	for line := range strings.SplitSeq(section, "\n") {
		cells := strings.Split(line, " | ")
		if len(cells) < 5 || !strings.HasPrefix(line, "| `") {
			continue
		}
		typ := strings.Trim(strings.TrimPrefix(cells[0], "| "), "`")
		rows[typ] = cells
	}
	var types []string
	for typ := range rows {
		types = append(types, typ)
	}
	slices.Sort(types)
	if !slices.Equal(types, Types()) {
		t.Fatalf("README provider table lists %v, the registry %v", types, Types())
	}
	for _, k := range All() {
		row := rows[k.Type]
		keys := keysOf(k)
		for _, key := range keys {
			if key != "poll_interval" && !regexp.MustCompile("`"+key+"[`:]").MatchString(strings.Join(row, " | ")) {
				t.Errorf("README row %s does not mention key %s", k.Type, key)
			}
		}
		for _, cell := range row[1:3] {
			for _, m := range backticked.FindAllStringSubmatch(cell, -1) {
				if !slices.Contains(keys, m[1]) {
					t.Errorf("README row %s names %s, which type %s does not declare", k.Type, m[1], k.Type)
				}
			}
		}
	}
}
