package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// versionText is what `alesco --version` prints: the module's version and
// the VCS revision the binary was built from, as the Go toolchain stamped
// them (go build and go install in a checkout stamp the revision, go
// install module@version the version); "(devel)" and "revision unknown"
// say honestly that they were not.
func versionText(bi *debug.BuildInfo, ok bool) string {
	version, goVersion := "(devel)", runtime.Version()
	var rev, when string
	var modified bool
	if ok && bi != nil {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	var b strings.Builder
	b.WriteString("alesco " + version + "\n")
	if rev == "" {
		b.WriteString("revision unknown\n")
	} else {
		fmt.Fprintf(&b, "revision %s", rev)
		if when != "" {
			fmt.Fprintf(&b, " of %s", when)
		}
		if modified {
			b.WriteString(", with uncommitted changes")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "built with %s\n", goVersion)
	return b.String()
}

// buildVersion is versionText of the running binary.
func buildVersion() string { return versionText(debug.ReadBuildInfo()) }
