// Package buildinfo reports the version baked into a binary.
package buildinfo

import "runtime/debug"

// Version is set with -ldflags "-X github.com/vpsops/vpsops/internal/buildinfo.Version=v1.2.3";
// otherwise the module version or VCS revision recorded by the Go toolchain.
var Version = ""

// String returns the version, "devel" when nothing is known.
func String() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel-" + rev
}
