package alesco_test

import (
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco"
)

func testCommittee(t *testing.T) *alesco.Committee {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	return &alesco.Committee{ID: "alesco", ShortName: "ALESCo", TimeZone: loc.String(), Location: loc, Series: []alesco.Series{
		{ID: "old", First: alescotest.Date("2025-09-04"), Last: alescotest.Date("2026-02-05"), Hour: 12, TimeZone: loc.String(), Location: loc, Duration: time.Hour, IntervalWeeks: 2},
		{ID: "new", First: alescotest.Date("2026-02-12"), Hour: 12, TimeZone: loc.String(), Location: loc, Duration: time.Hour, IntervalWeeks: 2},
	}}
}

// TestOccurrencesKeepWallClock: 12:00 New York on both sides of both DST
// changes, and the re-phased series.
func TestOccurrencesKeepWallClock(t *testing.T) {
	c := testCommittee(t)
	ms := c.Schedule(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), nil, nil, time.Time{})
	var prev alesco.Date
	for i, m := range ms {
		l := m.Start.In(c.Location)
		if l.Hour() != 12 || l.Minute() != 0 || l.Weekday() != time.Thursday {
			t.Errorf("%s at %s", m.ID, l)
		}
		if i > 0 {
			gap := prev.DaysUntil(m.LocalDate())
			if want := 14; gap != want && !(m.LocalDate() == alescotest.Date("2026-02-12") && gap == 7) {
				t.Errorf("%s: %d days after the previous meeting", m.ID, gap)
			}
		}
		prev = m.LocalDate()
	}
	if ms[0].ID != "alesco-2025-09-04" || ms[len(ms)-1].ID != "alesco-2026-11-19" {
		t.Fatalf("first %s last %s", ms[0].ID, ms[len(ms)-1].ID)
	}
}

func TestMeetingRules(t *testing.T) {
	c := testCommittee(t)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	findAt := func(id string, changes []alesco.MeetingChange, recorded map[string]bool, at time.Time) alesco.Meeting {
		t.Helper()
		_, d, _, err := alesco.NewCommittees([]*alesco.Committee{c}).ParseMeetingID(id)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := c.FindMeeting(id, d, changes, recorded, at)
		if !ok {
			t.Fatalf("no meeting %s", id)
		}
		return m
	}
	find := func(id string, changes []alesco.MeetingChange, recorded map[string]bool) alesco.Meeting {
		t.Helper()
		return findAt(id, changes, recorded, now)
	}
	// A meeting with minutes is HELD only once it has started; either way
	// it cannot be cancelled or moved.
	recorded := map[string]bool{"alesco-2026-12-03": true}
	start := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	if early := findAt("alesco-2026-12-03", nil, recorded, start.Add(-30*time.Minute)); early.Status != alesco.MeetingScheduled || !early.Recorded {
		t.Fatalf("recorded before its start: status %v recorded %v, want scheduled, recorded", early.Status, early.Recorded)
	}
	held := findAt("alesco-2026-12-03", nil, recorded, start)
	if held.Status != alesco.MeetingHeld {
		t.Fatalf("status %v, want held", held.Status)
	}
	for _, m := range []alesco.Meeting{held, findAt("alesco-2026-12-03", nil, recorded, start.Add(-30*time.Minute))} {
		if _, err := alesco.CancelMeeting(m, "x", start.Add(-30*time.Minute)); alesco.ErrorCode(err) != alesco.EPRECONDITION {
			t.Errorf("cancel %v meeting with minutes: %v, want precondition", m.Status, err)
		}
		if _, err := alesco.RescheduleMeeting(m, now.Add(48*time.Hour), now); alesco.ErrorCode(err) != alesco.EPRECONDITION {
			t.Errorf("move %v meeting with minutes: %v, want precondition", m.Status, err)
		}
	}
	// Nothing is scheduled more than two years ahead.
	if _, err := alesco.RescheduleMeeting(find("alesco-2026-12-03", nil, nil), now.AddDate(3, 0, 0), now); alesco.ErrorCode(err) != alesco.EINVALID {
		t.Errorf("move three years ahead: %v, want invalid", err)
	}
	if _, err := c.AddMeeting(time.Date(9000, 1, 1, 12, 0, 0, 0, time.UTC), time.Hour, "", alesco.Place{}, now, nil); alesco.ErrorCode(err) != alesco.EINVALID {
		t.Errorf("add in the year 9000: %v, want invalid", err)
	}
	// A meeting moved two months away is still found by its id.
	m := find("alesco-2026-12-03", nil, nil)
	ch, err := alesco.RescheduleMeeting(m, time.Date(2027, 2, 1, 15, 0, 0, 0, time.UTC), now)
	if err != nil {
		t.Fatal(err)
	}
	ch.Sequence = 1
	moved := find("alesco-2026-12-03", []alesco.MeetingChange{ch}, nil)
	if moved.Status != alesco.MeetingMoved || !moved.Start.Equal(ch.Start) || !moved.OriginalStart.Equal(m.Start) {
		t.Fatalf("moved = %+v", moved)
	}
	// A cancelled, then moved meeting takes place again.
	cx, err := alesco.CancelMeeting(m, "x", now)
	if err != nil {
		t.Fatal(err)
	}
	cx.Sequence = 1
	back, err := alesco.RescheduleMeeting(find("alesco-2026-12-03", []alesco.MeetingChange{cx}, nil), m.Start.Add(time.Hour), now)
	if err != nil || back.Cancelled || back.Kind != alesco.ChangeMove || back.Sequence != 1 {
		t.Fatalf("reschedule cancelled = %+v, %v", back, err)
	}
	// Added meetings are numbered after the day's other meetings.
	var changes []alesco.MeetingChange
	for i, want := range []string{"alesco-2026-12-17-2", "alesco-2026-12-17-3"} {
		a, err := c.AddMeeting(time.Date(2026, 12, 17, 20+i, 0, 0, 0, time.UTC), 0, "", alesco.Place{}, now, changes)
		if err != nil {
			t.Fatal(err)
		}
		if a.MeetingID != want || a.Title != "ALESCo meeting" || a.End.Sub(a.Start) != time.Hour {
			t.Fatalf("added %+v, want id %s", a, want)
		}
		changes = append(changes, a)
	}
	if a, _ := c.AddMeeting(time.Date(2026, 12, 18, 20, 0, 0, 0, time.UTC), 0, "", alesco.Place{}, now, changes); a.MeetingID != "alesco-2026-12-18" {
		t.Fatalf("added on a free day: %s", a.MeetingID)
	}
	if _, err := c.AddMeeting(time.Date(2026, 12, 18, 20, 0, 0, 0, time.UTC), 25*time.Hour, "", alesco.Place{}, now, nil); alesco.ErrorCode(err) != alesco.EINVALID {
		t.Fatalf("25h meeting: %v", err)
	}
}

// TestDaysUntilFarApart (expected counts from Python's datetime.date): spans longer than a time.Duration can hold
// (about 292 years) are counted exactly; they once saturated, and the
// series then walked week by week to a far meeting.
func TestDaysUntilFarApart(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2026-02-12", "2026-02-26", 14},
		{"2026-02-26", "2026-02-12", -14},
		{"2026-02-12", "2326-02-12", 109572},
		{"2026-02-12", "9998-12-24", 2912028},
		{"9998-12-24", "0001-01-01", -3651686},
	} {
		if got := alescotest.Date(tc.from).DaysUntil(alescotest.Date(tc.to)); got != tc.want {
			t.Errorf("%s until %s = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
	if !alescotest.Date("9998-12-24").After(alescotest.Date("2026-02-12")) || alescotest.Date("9998-12-24").Before(alescotest.Date("2026-02-12")) {
		t.Error("9998-12-24 is after 2026-02-12")
	}
}

// TestFarMeetingFound: a meeting thousands of years ahead is found on its
// series' phase (whether it is published is HorizonDay's business).
func TestFarMeetingFound(t *testing.T) {
	c := testCommittee(t)
	for _, id := range []string{"alesco-9998-12-24", "alesco-2326-02-13"} {
		_, d, _, err := alesco.NewCommittees([]*alesco.Committee{c}).ParseMeetingID(id)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := c.FindMeeting(id, d, nil, nil, time.Time{})
		if id == "alesco-9998-12-24" && (!ok || m.Start.In(c.Location).Hour() != 12) {
			t.Errorf("%s: found %v, %v", id, ok, m)
		}
		if id == "alesco-2326-02-13" && ok {
			t.Errorf("%s is not on the series' phase but was found: %v", id, m)
		}
	}
}

// TestHorizonDay: the calendar reaches MaxScheduleAhead (two years) from
// today in the committee's zone.
func TestHorizonDay(t *testing.T) {
	c := testCommittee(t)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if got, want := c.HorizonDay(now), alescotest.Date("2028-11-26"); got != want {
		t.Errorf("HorizonDay = %s, want %s", got, want)
	}
}

// BenchmarkFindMeeting: finding a meeting costs the same for any date.
func BenchmarkFindMeeting(b *testing.B) {
	loc, _ := time.LoadLocation("America/New_York")
	c := &alesco.Committee{ID: "alesco", Location: loc, Series: []alesco.Series{
		{ID: "new", First: alescotest.Date("2026-02-12"), Hour: 12, TimeZone: loc.String(), Location: loc, Duration: time.Hour, IntervalWeeks: 2}}}
	for _, day := range []string{"2026-12-03", "9998-12-24"} {
		b.Run(day, func(b *testing.B) {
			d := alescotest.Date(day)
			for b.Loop() {
				if _, ok := c.FindMeeting("alesco-"+day, d, nil, nil, time.Time{}); !ok {
					b.Fatal("not found")
				}
			}
		})
	}
}
