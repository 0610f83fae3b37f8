package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestMeetingsCLI runs `alesco meetings` list, cancel, move and add through
// Main.Run on a temporary database, as the binary would.
func TestMeetingsCLI(t *testing.T) {
	db := emptyDB(t)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }, Now: func() time.Time { return now }}
		err := m.Run(context.Background(), append(args, "--db", db))
		return out.String() + errOut.String(), err
	}
	steps := []struct {
		name    string
		args    []string
		want    []string
		wantErr string
	}{
		{"list", []string{"meetings", "--from", "2026-11-01", "--to", "2026-12-31"},
			[]string{"alesco-2026-11-05  Thu 2026-11-05 12:00 EST  scheduled", "alesco-2026-12-31"}, ""},
		{"cancel", []string{"meetings", "cancel", "alesco-2026-12-03", "--reason", "Holiday week"},
			[]string{"alesco-2026-12-03: cancelled, Thu 2026-12-03 12:00 EST"}, ""},
		{"cancel again", []string{"meetings", "cancel", "alesco-2026-12-03", "--reason", "x"}, nil, "already cancelled"},
		{"cancel without reason", []string{"meetings", "cancel", "alesco-2026-12-17"}, nil, "--reason is required"},
		{"move", []string{"meetings", "move", "--to", "2027-01-15 15:30", "alesco-2027-01-14"},
			[]string{"alesco-2027-01-14: moved, Fri 2027-01-15 15:30 EST: ALESCo meeting (moved from 2027-01-14 12:00)"}, ""},
		{"move into the past", []string{"meetings", "move", "alesco-2026-12-17", "--to", "2026-01-01 12:00"}, nil, "into the past"},
		{"move with a bad time", []string{"meetings", "move", "alesco-2026-12-17", "--to", "tomorrow"}, nil, "want \"YYYY-MM-DD HH:MM\""},
		{"add", []string{"meetings", "add", "--at", "2026-12-17 16:00", "--duration", "30m", "--title", "RFC vote"},
			[]string{"alesco-2026-12-17-2: scheduled, Thu 2026-12-17 16:00 EST: RFC vote"}, ""},
		{"unknown meeting", []string{"meetings", "cancel", "alesco-2026-12-04", "--reason", "x"}, nil, "does not meet on 2026-12-04"},
		{"list after", []string{"meetings", "--from", "2026-12-01", "--to", "2027-01-31"},
			[]string{"cancelled  ALESCo meeting (cancelled: Holiday week)", "alesco-2026-12-17-2", "moved"}, ""},
		{"bad date", []string{"meetings", "--from", "12/01/2026"}, nil, "want YYYY-MM-DD"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out, err := run(st.args...)
			if st.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), st.wantErr) {
					t.Fatalf("err = %v, want %q\n%s", err, st.wantErr, out)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			for _, w := range st.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
