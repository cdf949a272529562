package config

import "github.com/vpsops/vpsops/internal/config/schema"

// Secret is a credential read from the configuration; it never prints
// (see schema.Secret).
type Secret = schema.Secret
