package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/spf13/cobra"
)

// walk calls fn on every command of the tree, the root included.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

// TestEveryCommandHasHelp runs `alesco X --help` and `alesco help X` for
// every command of the tree: each exits 0 (no error) and prints its usage
// on stdout.
func TestEveryCommandHasHelp(t *testing.T) {
	var paths [][]string
	walk(testMain(io.Discard, io.Discard).commands(), func(c *cobra.Command) {
		p := strings.Fields(c.CommandPath())[1:]
		paths = append(paths, p)
	})
	if len(paths) < 20 {
		t.Fatalf("walked only %d commands", len(paths))
	}
	for _, p := range paths {
		for _, args := range [][]string{append(append([]string{}, p...), "--help"), append([]string{"help"}, p...)} {
			out, _, err := runCLI(t, args...)
			if err != nil {
				t.Errorf("alesco %s: %v", strings.Join(args, " "), err)
				continue
			}
			if !strings.Contains(out, "Usage:") {
				t.Errorf("alesco %s printed no usage on stdout:\n%s", strings.Join(args, " "), out)
			}
		}
	}
	// Completion scripts come from cobra's completion command.
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if out, _, err := runCLI(t, "completion", shell); err != nil || !strings.Contains(out, "alesco") {
			t.Errorf("completion %s: %v", shell, err)
		}
	}
}

// TestListingCommandsHaveJSON checks that every command that lists or
// prints records takes --json, and that what it prints decodes.
func TestListingCommandsHaveJSON(t *testing.T) {
	listing := map[string]bool{"meetings": true, "agenda": true}
	walk(testMain(io.Discard, io.Discard).commands(), func(c *cobra.Command) {
		if c.Name() == "list" || c.Name() == "search" || listing[c.Name()] {
			if c.Flags().Lookup("json") == nil {
				t.Errorf("alesco %s has no --json", strings.TrimPrefix(c.CommandPath(), "alesco "))
			}
		}
	})

	db := filepath.Join(t.TempDir(), "alesco.db")
	files, _ := filepath.Glob("../../demo/minutes/*.md")
	if _, _, err := runCLI(t, append([]string{"minutes", "import", "--db", db}, files...)...); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "token", "create", "--db", db, "--committee", "alesco", "--role", "chair", "--label", "for the test"); err != nil {
		t.Fatal(err)
	}
	// Two months around the tests' today (2026-11-01 to 2026-12-31 on the
	// default today): at least four meetings.
	from, to := alescotest.Today().AddDays(-24).String(), alescotest.Today().AddDays(36).String()
	for _, tc := range []struct {
		args []string
		key  string // a list the object must hold
		min  int
	}{
		{[]string{"meetings", "--from", from, "--to", to}, "meetings", 4},
		{[]string{"meetings", "list", "--from", from, "--to", to}, "meetings", 4},
		{[]string{"token", "list"}, "tokens", 1},
		{[]string{"minutes", "list"}, "minutes", 8},
		{[]string{"proposals", "list"}, "", 0},
		{[]string{"agenda", "--meeting", alescotest.DecisionMeeting}, "", 0},
		{[]string{"minutes", "search", "secure", "boot"}, "results", 1},
	} {
		out, _, err := runCLI(t, append(tc.args, "--db", db, "--json")...)
		if err != nil {
			t.Errorf("alesco %s --json: %v", strings.Join(tc.args, " "), err)
			continue
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("alesco %s --json: %v\n%s", strings.Join(tc.args, " "), err, out)
			continue
		}
		if tc.key != "" {
			list, _ := v[tc.key].([]any)
			if len(list) < tc.min {
				t.Errorf("alesco %s --json: %q has %d entries, want at least %d:\n%s", strings.Join(tc.args, " "), tc.key, len(list), tc.min, out)
			}
		}
	}
}

// TestCLIErrorsAreCleanAndCoded checks the exit-code classes and that the
// message a person reads has no doubled prefix.
func TestCLIErrorsAreCleanAndCoded(t *testing.T) {
	db := emptyDB(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"nope"}, exitUsage, `unknown command "nope"`},
		{[]string{"meetings", "--frm", "x"}, exitUsage, "unknown flag: --frm"},
		{[]string{"token", "revoke", "--db", db}, exitUsage, "want the token's id"},
		{[]string{"meetings", "--db", db, "--from", "12/01/2026"}, exitUsage, "want YYYY-MM-DD"},
		{[]string{"meetings", "--db", db, "--committee", "nope"}, exitFailed, `no committee "nope"`},
		{[]string{"minutes", "export", "--db", db, "alesco-2026-07-31"}, exitFailed, "has no minutes"},
	} {
		_, _, err := runCLI(t, tc.args...)
		if err == nil {
			t.Errorf("alesco %s: no error", strings.Join(tc.args, " "))
			continue
		}
		msg := message(err)
		if exitCode(err) != tc.code || !strings.Contains(msg, tc.want) || strings.Contains(msg, "alesco:") {
			t.Errorf("alesco %s: exit %d %q, want exit %d and %q without a prefix", strings.Join(tc.args, " "), exitCode(err), msg, tc.code, tc.want)
		}
	}
	// The binary's main prints "alesco: " once in front of that message.
	var stderr bytes.Buffer
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &stderr, Now: testNow}
	if err := m.Run(context.Background(), []string{"nope"}); !errors.Is(err, errUsage) || stderr.Len() != 0 {
		t.Errorf("Run printed %q (err %v): errors are printed once, by main", stderr.String(), err)
	}
}
