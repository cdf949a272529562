package config

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Parse decodes and validates one YAML configuration document, starting
// from Default(). It is Load without the file system and environment: env
// looks up variables (os.LookupEnv in production) and readFile reads *_file
// secrets.
//
// Values, never keys, may contain ${VAR}, ${VAR:-default} (used when VAR is
// unset or empty) and $$ for a literal dollar. Expansion happens after YAML
// parsing, on each scalar, and the substituted text is never parsed again,
// so a secret containing YAML syntax or "${" stays a plain string. An unset
// variable without a default is an error naming the key and the variable.
// References need no quoting, even inside flow collections such as
// {api_key: ${KEY}} (see protectRefs), but a default containing YAML flow
// syntax (',' '[' ']' '{') inside a flow collection must be quoted.
//
// For every secret key X (password, api_key, token, bot_token, app_token,
// signing_secret, hmac_key, state_key, and public_key), X_file names a file whose
// content, minus one trailing newline, is the value. The path may use
// ${VAR}; the content is used verbatim. Setting both X and X_file is an
// error.
//
// Booleans are true or false (YAML 1.2: not yes/no/on/off).
//
// A null value (key: with nothing after it, ~, null) keeps the default.
// YAML aliases, merge keys, custom tags and multiple documents are refused.
//
// On any problem Parse returns a nil Config and a *Error listing all of
// them.
func Parse(data []byte, env func(string) (string, bool), readFile func(string) ([]byte, error)) (*Config, error) {
	root, err := parseDocument(data)
	if err != nil {
		return nil, &Error{Problems: []*FieldError{{Msg: "invalid YAML", Err: err}}}
	}
	cfg := Default()
	cfg.lines = map[string]int{}
	d := &decoder{env: env, readFile: readFile, lines: cfg.lines}
	if root != nil {
		d.decode("", root, valueOf(cfg))
	}
	cfg.normalize()
	all := append(d.problems, cfg.validate()...)
	// Report in file order; problems without a line (whole sections) first.
	slices.SortStableFunc(all, func(a, b *FieldError) int { return cmp.Compare(a.Line, b.Line) })
	if len(all) > 0 {
		return nil, &Error{Problems: all}
	}
	return cfg, nil
}

// parseDocument parses data into a node tree without decoding it, so that
// expansion and checks can run per value. It returns nil for an empty
// document.
func parseDocument(data []byte) (*yaml.Node, error) {
	data, err := protectRefs(data)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, errors.New("more than one YAML document (---); use one")
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	restoreRefs(doc.Content[0], refReplacer())
	return doc.Content[0], nil
}

// normalize puts case-insensitive enumerations into canonical case.
func (c *Config) normalize() {
	c.Audit.Synchronous = strings.ToUpper(c.Audit.Synchronous)
	c.Log.Format = strings.ToLower(c.Log.Format)
	c.Log.Level = strings.ToLower(c.Log.Level)
	for i := range c.MCP.Tokens {
		c.MCP.Tokens[i].SHA256 = strings.ToLower(c.MCP.Tokens[i].SHA256)
	}
}
