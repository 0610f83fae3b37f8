package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"
)

// TestMeetingsCLI runs `alesco meetings` list, cancel, move and add through
// Main.Run on a temporary database, as the binary would.
func TestMeetingsCLI(t *testing.T) {
	db := emptyDB(t)
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := testMain(&out, &errOut).Run(context.Background(), append(args, "--db", db))
		return out.String() + errOut.String(), err
	}
	// 2026-11-05 (past), and 2026-12-03, 12-17, 12-31, 2027-01-14 to come,
	// on the default today.
	past, ms := alescotest.PastMeetings(t, 2)[0], alescotest.Meetings(t, 4)
	// A meeting as the CLI lists it: "Thu 2026-12-03 12:00 EST".
	local := func(at time.Time) string { return at.In(alescotest.NewYork).Format("Mon 2006-01-02 15:04 MST") }
	movedTo, added, noMeeting := alescotest.NY(ms[3].Date.AddDays(1), 15, 30), ms[1].At(16, 0), ms[0].Date.AddDays(1)
	steps := []struct {
		name    string
		args    []string
		want    []string
		wantErr string
	}{
		{"list", []string{"meetings", "--from", past.Date.String(), "--to", ms[2].Date.String()},
			[]string{past.ID + "  " + local(past.Start) + "  scheduled", ms[2].ID}, ""},
		{"cancel", []string{"meetings", "cancel", ms[0].ID, "--reason", "Holiday week"},
			[]string{ms[0].ID + ": cancelled, " + local(ms[0].Start)}, ""},
		{"cancel again", []string{"meetings", "cancel", ms[0].ID, "--reason", "x"}, nil, "already cancelled"},
		{"cancel without reason", []string{"meetings", "cancel", ms[1].ID}, nil, "--reason is required"},
		{"move", []string{"meetings", "move", "--to", movedTo.Format("2006-01-02 15:04"), ms[3].ID},
			[]string{ms[3].ID + ": moved, " + local(movedTo) + ": ALESCo meeting (moved from " + ms[3].Date.String() + " 12:00)"}, ""},
		{"move into the past", []string{"meetings", "move", ms[1].ID, "--to", alescotest.Today().AddDays(-328).String() + " 12:00"}, nil, "into the past"},
		{"move with a bad time", []string{"meetings", "move", ms[1].ID, "--to", "tomorrow"}, nil, "want \"YYYY-MM-DD HH:MM\""},
		{"add", []string{"meetings", "add", "--at", added.Format("2006-01-02 15:04"), "--duration", "30m", "--title", "RFC vote"},
			[]string{ms[1].ID + "-2: scheduled, " + local(added) + ": RFC vote"}, ""},
		{"unknown meeting", []string{"meetings", "cancel", alescotest.DayID(noMeeting), "--reason", "x"}, nil, "does not meet on " + noMeeting.String()},
		{"list after", []string{"meetings", "--from", ms[0].Date.AddDays(-2).String(), "--to", ms[3].Date.AddDays(17).String()},
			[]string{"cancelled  ALESCo meeting (cancelled: Holiday week)", ms[1].ID + "-2", "moved"}, ""},
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
