// Package schema is what a provider type declares about its part of a
// providers: entry in the configuration: a Settings struct whose yaml
// tags are the type's keys, whose Secret fields are its secrets and whose
// required:"true" tags are its required keys, and a Check for the rules
// tags cannot say. The config package decodes each entry into its type's
// Settings and reports problems by key and line; provider packages import
// this leaf, never config, so config can import them.
package schema
