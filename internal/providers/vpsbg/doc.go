// Package vpsbg is the vpsops driver for VPSBG (vpsbg.eu) public API v1
// (Beta): Bearer-token JSON over HTTPS with Laravel-style pagination and
// errors. The wire reference is docs/providers/vpsbg.md; paths and
// shapes it marks UNVERIFIED are gathered in unverified.go.
//
// Capabilities: power (start, stop, restart, power off), reinstall with
// the image list, destroy as a billing cancellation, and PTR records via
// the IP-address endpoint, and snapshot listing. There is no console API,
// and snapshots cannot be created, so driver.Snapshotter is not
// implemented. The driver never retries a call; the portable wrapper
// (internal/providers) does, where safe: 423 answers are Conflict errors
// with Busy set and 429 answers RateLimited ones with RetryAfter.
package vpsbg
