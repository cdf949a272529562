// Package vpsops holds what lives at the repository root and must be
// compiled in: the default Casbin model and policy, used whenever the
// configuration names no policy files.
package vpsops

import _ "embed"

// DefaultModel is model.conf, the default Casbin model.
//
//go:embed model.conf
var DefaultModel string

// DefaultPolicy is policy.csv, the default Casbin policy.
//
//go:embed policy.csv
var DefaultPolicy string
