package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"
)

// TestVersionText: what --version says of each way the toolchain stamps a
// binary, and of none.
func TestVersionText(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"go install module@version", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/almalinux/alesco", Version: "v1.4.0"}},
			"alesco v1.4.0\nrevision unknown\nbuilt with go1.26.8\n"},
		{"go build in a clean checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261204155341-fada134baf7e"},
			Settings: settings("vcs", "git", "vcs.revision", "fada134baf7efd277970b24944ffb9b917605f82", "vcs.time", "2026-12-04T15:53:41Z", "vcs.modified", "false")},
			"alesco v0.0.0-20261204155341-fada134baf7e\nrevision fada134baf7efd277970b24944ffb9b917605f82 of 2026-12-04T15:53:41Z\nbuilt with go1.26.8\n"},
		{"go build with changes", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261204155341-fada134baf7e+dirty"},
			Settings: settings("vcs.revision", "fada134baf7efd277970b24944ffb9b917605f82", "vcs.modified", "true")},
			"alesco v0.0.0-20261204155341-fada134baf7e+dirty\nrevision fada134baf7efd277970b24944ffb9b917605f82, with uncommitted changes\nbuilt with go1.26.8\n"},
		{"go run, a test binary", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"alesco (devel)\nrevision unknown\nbuilt with go1.26.8\n"},
		{"no build information", nil, "alesco (devel)\nrevision unknown\nbuilt with " + runtime.Version() + "\n"},
	} {
		if got := versionText(tc.bi, tc.bi != nil); got != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}

// TestVersionFlag: `alesco --version` exits 0 and prints what the
// toolchain stamped this (test) binary with.
func TestVersionFlag(t *testing.T) {
	out, _, err := runAt(t, "--version")
	if err != nil || out != versionText(debug.ReadBuildInfo()) || !strings.HasPrefix(out, "alesco ") {
		t.Fatalf("alesco --version: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestVersionOfTheBinary builds the binary as go build does and checks
// that --version tells what the toolchain itself reads from it (go
// version -m): the main module's version and the VCS revision, when the
// checkout lets go stamp one (a git worktree does not).
func TestVersionOfTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		alescotest.External(t, "the go command is needed to build the binary")
		return
	}
	bin := filepath.Join(t.TempDir(), "alesco")
	build := exec.Command(goTool, "build", "-buildvcs=auto", "-o", bin, "./cmd/alesco")
	build.Dir = alescotest.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("alesco --version: %v", err)
	}
	meta, err := exec.Command(goTool, "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "(devel)"
	if m := regexp.MustCompile(`(?m)^\tmod\tgithub.com/almalinux/alesco\t(\S+)`).FindSubmatch(meta); m != nil {
		want = string(m[1])
	}
	if !strings.HasPrefix(string(out), "alesco "+want+"\n") {
		t.Errorf("--version says\n%s\ngo version -m says %s", out, want)
	}
	if m := regexp.MustCompile(`(?m)^\tbuild\tvcs.revision=(\S+)`).FindSubmatch(meta); m != nil {
		if !strings.Contains(string(out), "revision "+string(m[1])) {
			t.Errorf("--version says\n%s\ngo version -m says revision %s", out, m[1])
		}
	} else if !strings.Contains(string(out), "revision unknown") {
		t.Errorf("--version says\n%s\nthe binary has no revision", out)
	}
	t.Logf("%s", out)
}
