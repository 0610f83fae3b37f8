package calendar

import (
	"strings"
	"testing"
	"time"
)

// TestTransitionsPastGoLeapYearBug: Go's Time.ZoneBounds gets stuck on
// 2040-12-30 for New York; transitions must still find every change.
func TestTransitionsPastGoLeapYearBug(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	ts := transitions(ny, time.Date(2040, 6, 1, 0, 0, 0, 0, ny), time.Date(2042, 6, 1, 0, 0, 0, 0, ny))
	var got []string
	for _, tr := range ts[1:] {
		got = append(got, tr.at.In(ny).Format("2006-01-02 15:04 MST"))
	}
	want := "2040-11-04 01:00 EST|2041-03-10 03:00 EDT|2041-11-03 01:00 EST|2042-03-09 03:00 EDT"
	if strings.Join(got, "|") != want {
		t.Fatalf("transitions = %v, want %s", got, want)
	}
}
