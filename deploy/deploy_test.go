// Package deploy_test checks what deploy/ holds against the tools that read
// it: systemd-analyze for the units, promtool for the alert rules, buildah
// and podman for the image (image_test.go). The proxy and the backup are
// checked with a running alesco, in cmd/alesco (TestBehindCaddy,
// TestLitestreamDrill), and the rules' metric names against its /metrics
// (TestAlertRulesNameExportedMetrics).
package deploy_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"
)

// tool returns the path of an external program, or skips (fails with
// ALESCO_EXTERNAL_TESTS=1) when it is not installed.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		alescotest.External(t, name+" is not installed (Debian: apt-get install "+pkg+")")
	}
	return p
}

// run runs a command and returns its standard output and error together.
func run(t *testing.T, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

var exposure = regexp.MustCompile(`Overall exposure level for \S+: (\d+\.\d+)`)

// TestSystemdUnits: the units load without a complaint from systemd
// (unknown keys, bad values, a missing command) and are hardened to an
// exposure of at most 2.0 on systemd-analyze's scale (0 to 10).
func TestSystemdUnits(t *testing.T) {
	analyze := tool(t, "systemd-analyze", "systemd")
	for _, unit := range []string{"alesco.service", "alesco-litestream.service"} {
		t.Run(unit, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("systemd", unit))
			if err != nil {
				t.Fatal(err)
			}
			// verify checks that the commands exist: point them at one that
			// does on this machine (the binaries are installed by the
			// operator, not here).
			text := strings.NewReplacer("/usr/local/bin/alesco", "/bin/sh", "/usr/local/bin/litestream", "/bin/sh").Replace(string(src))
			path := filepath.Join(t.TempDir(), unit)
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := run(t, nil, analyze, "verify", path); err != nil || strings.TrimSpace(out) != "" {
				t.Errorf("systemd-analyze verify %s: %v\n%s", unit, err, out)
			}
			out, err := run(t, nil, analyze, "security", "--offline=true", "--no-pager", path)
			m := exposure.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("systemd-analyze security: %v\n%s", err, out)
			}
			score, _ := strconv.ParseFloat(m[1], 64)
			t.Logf("%s: exposure %.1f", unit, score)
			if score > 2.0 {
				t.Errorf("%s: exposure %.1f, want at most 2.0\n%s", unit, score, out)
			}
		})
	}
}

// TestSystemdUnitSettings: every variable the units' commands expand has a
// default in the unit itself, so an environment file that leaves a line
// out still starts alesco, and the example environment file sets nothing
// the units and alesco do not read.
func TestSystemdUnitSettings(t *testing.T) {
	example, err := os.ReadFile("systemd/alesco.env.example")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, unit := range []string{"alesco.service", "alesco-litestream.service"} {
		b, err := os.ReadFile(filepath.Join("systemd", unit))
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(b), "\\\n", " ")
		set := map[string]bool{}
		for _, m := range regexp.MustCompile(`(?m)^Environment=(\w+)=`).FindAllStringSubmatch(text, -1) {
			set[m[1]], known[m[1]] = true, true
		}
		for _, m := range regexp.MustCompile(`(?m)^Exec\w+=.*$`).FindAllString(text, -1) {
			for _, v := range regexp.MustCompile(`\$\{?(\w+)\}?`).FindAllStringSubmatch(m, -1) {
				if v[1] != "MAINPID" && !set[v[1]] {
					t.Errorf("%s: %s is expanded but has no Environment= default", unit, v[1])
				}
			}
		}
	}
	// What alesco serve and Litestream read from the environment
	// (README.md, deploy/litestream.yml).
	for _, v := range []string{"GITHUB_TOKEN", "ALESCO_GITHUB_APP_ID", "ALESCO_GITHUB_INSTALLATION_ID", "ALESCO_GITHUB_APP_KEY_FILE", "ALESCO_WEBHOOK_SECRET", "ALESCO_SMTP_URL", "ALESCO_MATTERMOST_WEBHOOK_URL",
		"ALESCO_MATTERMOST_TOKEN", "ALESCO_REPLICA_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		known[v] = true
	}
	for _, m := range regexp.MustCompile(`(?m)^#?(\w+)=`).FindAllStringSubmatch(string(example), -1) {
		if !known[m[1]] {
			t.Errorf("alesco.env.example sets %s, which nothing reads", m[1])
		}
	}
}

// TestAlertRules: promtool accepts the rules, and its unit tests
// (prometheus/alesco-rules.test.yml: series in, alerts out) pass.
func TestAlertRules(t *testing.T) {
	promtool := tool(t, "promtool", "prometheus")
	if out, err := run(t, nil, promtool, "check", "rules", "prometheus/alesco-rules.yml"); err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	if out, err := run(t, nil, promtool, "test", "rules", "prometheus/alesco-rules.test.yml"); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}
