package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/almalinux/alesco/minutes"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := testMain(&out, &errb).Run(context.Background(), args)
	return out.String(), errb.String(), err
}

// TestMinutesImportExportCLI runs `alesco minutes import --json` on the
// eight wiki files, then again (nothing changes), then exports.
func TestMinutesImportExportCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "alesco.db")
	files, _ := filepath.Glob("../../demo/minutes/*.md")
	if len(files) != 8 {
		t.Fatalf("want 8 fixtures, got %d", len(files))
	}
	out, _, err := runCLI(t, append([]string{"minutes", "import", "--db", db, "--committee", "alesco", "--json"}, files...)...)
	if err != nil {
		t.Fatal(err)
	}
	byDate := map[string]minutes.ImportResult{}
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var r minutes.ImportResult
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		byDate[r.Date] = r
	}
	for _, tc := range []struct {
		date            string
		present, roster int
		quorum          int
		met             bool
	}{{"2025-10-16", 3, 5, 4, false}, {"2025-05-28", 4, 6, 4, true}, {"2026-06-04", 4, 4, 4, true}} {
		r := byDate[tc.date]
		if len(r.MembersPresent) != tc.present || r.RosterSize != tc.roster || r.QuorumRequired != tc.quorum || r.QuorumMet != tc.met || !r.Changed {
			t.Errorf("%s: %+v", tc.date, r)
		}
	}
	// The JSON carries exactly the documented keys.
	var raw map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"file", "meeting_id", "date", "members_present", "members_absent", "roster_size", "quorum_required", "quorum_met", "decisions", "warnings"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks %q: %v", k, raw)
		}
	}

	out, _, err = runCLI(t, append([]string{"minutes", "import", "--db", db}, files...)...)
	if err != nil || strings.Count(out, ": unchanged ") != 8 {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	if out, _, err := runCLI(t, "audit", "verify", "--db", db); err != nil || !strings.Contains(out, "chain intact") {
		t.Fatalf("audit verify: %v %s", err, out)
	}

	out, _, err = runCLI(t, "minutes", "export", "--db", db, "alesco-2026-07-30")
	want, _ := os.ReadFile("../../demo/minutes/2026-07-30.md")
	if err != nil || out != string(want) {
		t.Fatalf("export: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "minutes", "export", "alesco-2026-07-30", "--db", db, "--index")
	if err != nil || out != "- [July 30, 2026](/alesco/meeting-minutes/2026-07-30)\n" {
		t.Fatalf("export --index: %v %q", err, out)
	}
	out, _, err = runCLI(t, "minutes", "list", "--db", db)
	// An aligned table: a header and one row a meeting.
	if err != nil || strings.Count(out, "\n") != 9 || !strings.HasPrefix(out, "DATE ") ||
		!regexp.MustCompile(`(?m)^2025-10-16 +alesco-2025-10-16 +final +3/5 +not met +$`).MatchString(out) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "minutes", "export", "--db", db, "alesco-2026-07-31"); err == nil {
		t.Fatal("exporting missing minutes succeeded")
	}
}
