package config

import (
	"bytes"
	"errors"
	"strings"

	"go.yaml.in/yaml/v3"
)

// YAML flow collections treat '{' and '}' as syntax, so a line written as in
// SPEC §9,
//
//	audit: {hmac_key: ${VPSOPS_AUDIT_KEY}}
//
// is not valid YAML as it stands. Before parsing, each "${...}" (up to the
// first '}' on its line) has its delimiters swapped for two private-use
// characters that YAML reads as ordinary text; after parsing they are swapped
// back in every scalar, and expansion then runs on the parsed values. Only
// the delimiters move: no environment value is ever part of the text YAML
// parses, so expansion still cannot inject YAML.
const (
	refOpen  = '\uE000'
	refClose = '\uE001'
)

var errReservedRunes = errors.New("the file contains U+E000 or U+E001, which vpsops reserves")

// protectRefs returns data with "${" and its closing "}" replaced. It scans
// like expand does, so "$$" is skipped as a pair.
func protectRefs(data []byte) ([]byte, error) {
	if bytes.ContainsRune(data, refOpen) || bytes.ContainsRune(data, refClose) {
		return nil, errReservedRunes
	}
	if !bytes.Contains(data, []byte("${")) {
		return data, nil
	}
	out := make([]byte, 0, len(data)+len(data)/8)
	for i := 0; i < len(data); {
		if data[i] != '$' || i+1 == len(data) {
			out = append(out, data[i])
			i++
			continue
		}
		switch data[i+1] {
		case '$':
			out = append(out, "$$"...)
			i += 2
		case '{':
			rest := data[i+2:]
			end := bytes.IndexAny(rest, "}\r\n")
			if end < 0 || rest[end] != '}' {
				out = append(out, "${"...)
				i += 2
				continue
			}
			out = append(out, string(refOpen)...)
			out = append(out, rest[:end]...)
			out = append(out, string(refClose)...)
			i += 2 + end + 1
		default:
			out = append(out, '$')
			i++
		}
	}
	return out, nil
}

// restoreRefs undoes protectRefs in every scalar (keys included) under n.
func restoreRefs(n *yaml.Node, r *strings.Replacer) {
	if n == nil || n.Kind == yaml.AliasNode {
		return // an alias's target is restored where it is defined
	}
	if n.Kind == yaml.ScalarNode {
		n.Value = r.Replace(n.Value)
	}
	for _, c := range n.Content {
		restoreRefs(c, r)
	}
}

func refReplacer() *strings.Replacer {
	return strings.NewReplacer(string(refOpen), "${", string(refClose), "}")
}
