package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/internal/alescotest"
)

// complete asks the CLI what the shell should offer after args, as the
// completion scripts do (cobra's __complete), and returns the values
// offered and their descriptions.
func complete(t *testing.T, args ...string) (values []string, desc map[string]string) {
	t.Helper()
	out, _, err := runAt(t, append([]string{"__complete"}, args...)...)
	if err != nil {
		t.Fatalf("__complete %s: %v", strings.Join(args, " "), err)
	}
	desc = map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") { // the directive
			continue
		}
		v, d, _ := strings.Cut(line, "\t")
		values = append(values, v)
		desc[v] = d
	}
	return values, desc
}

// TestCompletion: the shell is offered the roles of the domain's table,
// the formats, the log formats, the configured committees, and the
// meeting ids around today, as the database the command would use has
// them (or, without one, as the configuration schedules them).
func TestCompletion(t *testing.T) {
	want := func(what string, got []string, values ...string) {
		t.Helper()
		for _, v := range values {
			if !slices.Contains(got, v) {
				t.Errorf("%s: offered %q, want %q among them", what, got, v)
			}
		}
	}
	var roles []string
	for _, r := range alesco.Roles() {
		roles = append(roles, string(r))
	}
	got, _ := complete(t, "token", "create", "--role", "")
	want("--role", got, roles...)
	if got, _ := complete(t, "token", "create", "--role", "s"); !slices.Equal(got, []string{"secretary"}) {
		t.Errorf("--role s: offered %q", got)
	}
	got, _ = complete(t, "agenda", "--format", "")
	want("--format", got, "markdown", "json")
	got, _ = complete(t, "serve", "--log-format", "")
	want("--log-format", got, "text", "json")

	// Committees come from the configuration the command is given.
	two := filepath.Join(t.TempDir(), "two.yaml")
	yaml := string(config.DefaultYAML()) + `  - id: core-sig
    name: Core SIG
    time_zone: Europe/Berlin
    members:
      - id: ada-lovelace
        name: Ada Lovelace
        joined: 2025-01-01
    chairs:
      - member: ada-lovelace
        from: 2025-01-01
`
	if err := os.WriteFile(two, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ = complete(t, "meetings", "--committee", "")
	want("--committee", got, "alesco")
	got, desc := complete(t, "minutes", "list", "--config", two, "--committee", "")
	want("--committee with --config", got, "alesco", "core-sig")
	if desc["core-sig"] != "Core SIG" {
		t.Errorf("core-sig is described as %q", desc["core-sig"])
	}

	// Meeting ids: from the configuration alone while there is no
	// database (and none is made), then from the database, which knows of
	// a cancellation.
	next := alescotest.Meetings(t, 2)
	db := filepath.Join(t.TempDir(), "alesco.db")
	got, _ = complete(t, "agenda", "--db", db, "--meeting", "")
	want("--meeting without a database", got, "next", next[0].ID, next[1].ID)
	if _, err := os.Stat(db); err == nil {
		t.Error("completing made a database")
	}
	db = emptyDB(t)
	if _, _, err := runAt(t, "meetings", "cancel", "--db", db, next[1].ID, "--reason", "Holidays"); err != nil {
		t.Fatal(err)
	}
	for _, line := range [][]string{
		{"agenda", "--db", db, "--meeting", ""},
		{"meetings", "cancel", "--db", db, ""},
		{"meetings", "move", "--db", db, ""},
		{"minutes", "export", "--db", db, ""},
		{"meeting", "run", "--db", db, ""},
	} {
		got, desc := complete(t, line...)
		want(strings.Join(line, " "), got, next[0].ID, next[1].ID)
		if !strings.Contains(desc[next[1].ID], "cancelled: Holidays") {
			t.Errorf("%s: %s is described as %q, want its cancellation", strings.Join(line, " "), next[1].ID, desc[next[1].ID])
		}
	}
	prefix := next[0].ID[:len("alesco-2026-")]
	got, _ = complete(t, "minutes", "export", "--db", db, prefix)
	for _, v := range got {
		if !strings.HasPrefix(v, prefix) {
			t.Errorf("minutes export %s: offered %q", prefix, v)
		}
	}
	if got, _ := complete(t, "minutes", "export", "--db", db, next[0].ID, ""); len(got) != 0 {
		t.Errorf("a second meeting id is offered: %q", got)
	}
}
