package alesco_test

import (
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// TestRecordingWindow: minutes are taken from an hour before a meeting's
// start, never for a cancelled meeting, and finalized only once it started.
func TestRecordingWindow(t *testing.T) {
	c := alescotest.Committee(t)
	start := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	m := alesco.Meeting{ID: "alesco-2026-12-03", CommitteeID: "alesco", Start: start, End: start.Add(time.Hour), Location: c.Location, Status: alesco.MeetingScheduled}
	for _, tc := range []struct {
		name string
		at   time.Time
		msg  string
	}{
		{"a week ahead", start.AddDate(0, 0, -7), "minutes can be recorded from 2026-12-03 11:00 EST, an hour before it starts"},
		{"61 minutes ahead", start.Add(-61 * time.Minute), "an hour before it starts"},
		{"an hour ahead", start.Add(-time.Hour), ""},
		{"during", start.Add(10 * time.Minute), ""},
		{"a year later", start.AddDate(1, 0, 0), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := m.CheckRecording(tc.at)
			if tc.msg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, alesco.EPRECONDITION, tc.msg)
			wantErr(t, m.CheckImport(tc.at), alesco.EPRECONDITION, "has not taken place")
		})
	}
	cancelled := m
	cancelled.Status, cancelled.CancelReason = alesco.MeetingCancelled, "Holiday"
	wantErr(t, cancelled.CheckRecording(start), alesco.EPRECONDITION, "meeting alesco-2026-12-03 was cancelled (Holiday): it takes no minutes")
	if err := cancelled.CheckImport(start); err != nil {
		t.Fatalf("published minutes of a meeting shown as cancelled: %v", err)
	}

	min := alesco.NewMinutes(m)
	wantErr(t, min.Finalize(c, nil, nil, start.Add(-time.Minute), render), alesco.EPRECONDITION, "has not started yet")
	if err := min.Finalize(c, nil, nil, start, render); err != nil {
		t.Fatal(err)
	}
}
