package alescotest

import (
	"fmt"
	"os"
	"testing"
)

// TestToday prints the tests' today, so that a run shows which day it is
// on (ALESCO_TEST_TODAY=2029-03-11 moves it), and checks that the
// fixtures' world moves with it.
func TestToday(t *testing.T) {
	fmt.Printf("today: %s\n", Today())
	if v := os.Getenv("ALESCO_TEST_TODAY"); v != "" && Today().String() != v {
		t.Fatalf("Today() = %s, ALESCO_TEST_TODAY = %s", Today(), v)
	}
	if Epoch.Format("2006-01-02 15:04") != Today().String()+" 12:00" {
		t.Errorf("Epoch = %s, want noon UTC of %s", Epoch, Today())
	}
	next := NextMeeting(t)
	if !next.Start.After(Epoch) || next.Start.Sub(Epoch).Hours() > 14*24 {
		t.Errorf("the next meeting %s starts %s, want within the fortnight after %s", next.ID, next.Start, Epoch)
	}
	// The docs' next meeting, 2026-12-03, is still to come on Today.
	if d := Shift(Date("2026-12-03")); !d.After(Today()) || d.Weekday() != Date("2026-12-03").Weekday() {
		t.Errorf("Shift(2026-12-03) = %s on %s, want a later Thursday", d, Today())
	}
	if d := Shift(Date("2026-07-30")); d != Date("2026-07-30") {
		t.Errorf("Shift moved history: 2026-07-30 -> %s", d)
	}
}

// TestShiftDays checks the fortnight arithmetic on a few todays.
func TestShiftDays(t *testing.T) {
	saved := today
	defer func() { today = saved }()
	for _, c := range []struct{ today, docs, want string }{
		{"2026-11-25", "2026-12-03", "2026-12-03"},
		{"2026-11-24", "2026-12-03", "2026-12-03"},
		{"2026-11-26", "2026-12-03", "2026-12-17"},
		{"2026-12-09", "2026-12-03", "2026-12-17"},
		{"2029-03-11", "2026-12-03", "2029-03-22"},
		{"2029-03-11", "2025-04-16", "2025-04-16"},
	} {
		today = Date(c.today)
		if got := Shift(Date(c.docs)).String(); got != c.want {
			t.Errorf("on %s, Shift(%s) = %s, want %s", c.today, c.docs, got, c.want)
		}
	}
}
