package calendar_test

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco/config"

	"github.com/almalinux/alesco/calendar"
	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco/internal/icaltest"

	"github.com/almalinux/alesco"
	"github.com/emersion/go-ical"
)

var newYork = alescotest.Location("America/New_York")

// alescoCommittee is the embedded ALESCo configuration, parsed once (the
// fuzz target calls it on every input).
var alescoCommittee = sync.OnceValue(func() *alesco.Committee {
	cs, err := config.Default()
	if err != nil {
		panic(err)
	}
	return cs[0]
})

// TestConfigReproducesMinutesDates: every real minutes date from the first
// configured meeting on is an occurrence of the embedded ALESCo series, at
// 12:00 New York time.
func TestConfigReproducesMinutesDates(t *testing.T) {
	c := alescoCommittee()
	data, err := os.ReadFile("testdata/minutes-dates.txt")
	if err != nil {
		t.Fatal(err)
	}
	ms := c.Schedule(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), nil, nil, time.Time{})
	byDate := map[string]alesco.Meeting{}
	for _, m := range ms {
		byDate[m.LocalDate().String()] = m
	}
	n := 0
	for _, d := range strings.Split(string(data), "\n") {
		if d == "" || strings.HasPrefix(d, "#") || d < "2025-09-04" {
			continue
		}
		n++
		m, ok := byDate[d]
		if !ok {
			t.Errorf("minutes of %s: not an occurrence of the configured series", d)
			continue
		}
		if l := m.Start.In(newYork); l.Hour() != 12 || l.Minute() != 0 {
			t.Errorf("%s starts %s, want 12:00 New York", m.ID, l)
		}
	}
	if n != 3 {
		t.Fatalf("checked %d dates, want 3 (2025-10-16, 2026-06-04, 2026-07-30)", n)
	}
}

// testFeed is the ALESCo feed with a cancelled, a moved, a held (own text)
// and an added meeting.
func testFeed(t testing.TB, expand bool) (calendar.Feed, []alesco.Meeting) {
	c := alescoCommittee()
	upd := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	changes := []alesco.MeetingChange{
		{MeetingID: "alesco-2026-12-03", CommitteeID: "alesco", Kind: alesco.ChangeCancel, OriginalStart: time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC),
			Start: time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC), Cancelled: true, Reason: "Holiday", Sequence: 1, Updated: upd},
		{MeetingID: "alesco-2027-01-14", CommitteeID: "alesco", Kind: alesco.ChangeMove, OriginalStart: time.Date(2027, 1, 14, 17, 0, 0, 0, time.UTC),
			Start: time.Date(2027, 1, 15, 20, 30, 0, 0, time.UTC), End: time.Date(2027, 1, 15, 21, 30, 0, 0, time.UTC), Sequence: 2, Updated: upd.Add(time.Hour)},
		{MeetingID: "alesco-2027-02-02", CommitteeID: "alesco", Kind: alesco.ChangeAdd, OriginalStart: time.Date(2027, 2, 2, 15, 0, 0, 0, time.UTC),
			Start: time.Date(2027, 2, 2, 15, 0, 0, 0, time.UTC), End: time.Date(2027, 2, 2, 16, 0, 0, 0, time.UTC), Title: "Extra; RFC vote, part 2", Sequence: 1, Updated: upd},
	}
	held := map[string]bool{"alesco-2026-06-04": true}
	from, to := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	ms := c.Schedule(from, to, changes, held, upd)
	f := calendar.Feed{Name: "ALESCo meetings", URL: "https://alesco.example.org/calendar/alesco.ics", Host: "alesco.example.org",
		CommitteeID: "alesco", Series: c.Series, Expand: expand,
		SeriesDescription: func(s alesco.Series) string { return "Every other Thursday, series " + s.ID }}
	for _, m := range ms {
		e := calendar.Event{Meeting: m, URL: "https://alesco.example.org/alesco/meetings/" + m.ID}
		if m.Status == alesco.MeetingHeld {
			e.Own, e.Description = true, "Minutes: https://alesco.example.org/minutes/"+m.ID+".md"
		}
		if expand || e.Own || m.Status != alesco.MeetingScheduled || m.SeriesID == "" {
			f.Events = append(f.Events, e)
		}
	}
	return f, ms
}

func decode(t testing.TB, b []byte) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("re-parse: %v\n%s", err, b)
	}
	return cal
}

// TestBuildRoundTrip: both feed forms re-parse (go-ical) to exactly the
// meetings that are not cancelled, with their summaries and own text.
func TestBuildRoundTrip(t *testing.T) {
	for _, expand := range []bool{false, true} {
		name := map[bool]string{false: "recurring", true: "expanded"}[expand]
		t.Run(name, func(t *testing.T) {
			f, ms := testFeed(t, expand)
			out, err := calendar.Build(f)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := calendar.Build(f)
			if !bytes.Equal(out, again) {
				t.Fatal("two builds of the same data differ")
			}
			checkFolded(t, out)
			ins, err := icaltest.Expand(decode(t, out), time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			var want []alesco.Meeting
			for _, m := range ms {
				if m.Status != alesco.MeetingCancelled {
					want = append(want, m)
				}
			}
			if len(ins) != len(want) {
				t.Fatalf("re-parsed %d occurrences, want %d", len(ins), len(want))
			}
			for i, m := range want {
				in := ins[i]
				if !in.Start.Equal(m.Start) || !in.End.Equal(m.End) || in.Summary != m.Title {
					t.Errorf("occurrence %d = %s %s %q, want %s %s %q", i, in.Start, in.End, in.Summary, m.Start, m.End, m.Title)
				}
				if m.Status == alesco.MeetingHeld && !strings.Contains(in.Description, "/minutes/"+m.ID+".md") {
					t.Errorf("held meeting %s: description %q lacks its minutes link", m.ID, in.Description)
				}
			}
			if !expand {
				for _, want := range []string{
					"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20260205T170000Z\r\n",
					"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH\r\n",
					"DTSTART;TZID=America/New_York:20250904T120000\r\n",
					"EXDATE;TZID=America/New_York:20261203T120000\r\n",
					"RECURRENCE-ID;TZID=America/New_York:20270114T120000\r\n",
					"RECURRENCE-ID;TZID=America/New_York:20260604T120000\r\n",
					"UID:alesco-2027-02-02@alesco.example.org\r\n",
					"SUMMARY:Extra\\; RFC vote\\, part 2\r\n",
				} {
					if !bytes.Contains(out, []byte(want)) {
						t.Errorf("feed lacks %q", want)
					}
				}
			}
		})
	}
}

func checkFolded(t testing.TB, out []byte) {
	t.Helper()
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		t.Fatal("output does not end with CRLF")
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\r\n")), []byte("\r\n")) {
		if len(line) > calendar.MaxLineOctets {
			t.Fatalf("line %d has %d octets: %q", i+1, len(line), line)
		}
	}
}

// TestVTimezone: every observance of the generated VTIMEZONE starts at the
// instant Go's database changes offset, with the offsets on both sides, and
// the RRULE tail follows US rules (second Sunday of March, first of
// November).
func TestVTimezone(t *testing.T) {
	from, to := time.Date(2025, 9, 4, 16, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tz := calendar.VTimezone(newYork, from, to, false)
	if len(tz.Children) != 4 {
		t.Fatalf("%d observances, want 4 (EDT in force since 2025-03-09, then 3 changes)", len(tz.Children))
	}
	for _, o := range tz.Children {
		local, err := time.Parse("20060102T150405", o.Props.Get(ical.PropDateTimeStart).Value)
		if err != nil {
			t.Fatal(err)
		}
		fromOff, _ := parseOffset(o.Props.Get(ical.PropTimezoneOffsetFrom).Value)
		toOff, _ := parseOffset(o.Props.Get(ical.PropTimezoneOffsetTo).Value)
		at := local.Add(-time.Duration(fromOff) * time.Second)
		_, before := at.Add(-time.Second).In(newYork).Zone()
		_, after := at.In(newYork).Zone()
		if before != fromOff || after != toOff {
			t.Errorf("%s at %s: offsets %d->%d, Go says %d->%d", o.Name, at, fromOff, toOff, before, after)
		}
		if (o.Name == ical.CompTimezoneDaylight) != at.In(newYork).IsDST() {
			t.Errorf("%s at %s: wrong kind", o.Name, at)
		}
	}
	open := calendar.VTimezone(newYork, from, to, true)
	var rules []string
	for _, o := range open.Children {
		if r := o.Props.Get(ical.PropRecurrenceRule); r != nil {
			rules = append(rules, o.Name+" "+o.Props.Get(ical.PropDateTimeStart).Value+" "+r.Value)
		}
	}
	want := []string{"DAYLIGHT 20270314T020000 FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "STANDARD 20271107T020000 FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"}
	if strings.Join(rules, "|") != strings.Join(want, "|") {
		t.Fatalf("rules = %v, want %v", rules, want)
	}
	// UTC and zones without DST: one observance, no rules.
	for _, name := range []string{"UTC", "Asia/Tokyo"} {
		loc := alescotest.Location(name)
		if z := calendar.VTimezone(loc, from, to, true); len(z.Children) != 1 || z.Children[0].Props.Get(ical.PropRecurrenceRule) != nil {
			t.Errorf("%s: %d observances", name, len(z.Children))
		}
	}
}

func TestBuildEmptyAndUTC(t *testing.T) {
	out, err := calendar.Build(calendar.Feed{Name: "Empty", Host: "h.example"})
	if err != nil {
		t.Fatal(err)
	}
	if ins, err := icaltest.Expand(decode(t, out), time.Unix(0, 0), alescotest.Epoch.AddDate(10, 0, 0)); err != nil || len(ins) != 0 {
		t.Fatalf("empty feed: %v %v", ins, err)
	}
	if _, err := calendar.Build(calendar.Feed{Name: "No host"}); err == nil {
		t.Fatal("a feed without a host for its UIDs built")
	}
	m := alesco.Meeting{ID: "x-2026-01-01", Title: "UTC meeting", Start: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 1, 13, 0, 0, 0, time.UTC), Location: time.UTC}
	m.OriginalStart = m.Start
	out, err = calendar.Build(calendar.Feed{Name: "UTC", Host: "h.example", Expand: true, Events: []calendar.Event{{Meeting: m}}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("DTSTART:20260101T120000Z\r\n")) {
		t.Fatalf("UTC meeting not written in UTC form:\n%s", out)
	}
}

// FuzzBuild: any titles, reasons and descriptions (any bytes, any length),
// and any shift of the moved meeting, give a feed whose every line is at
// most 75 octets and that re-parses to the same meetings and texts.
func FuzzBuild(f *testing.F) {
	f.Add("ALESCo meeting", "Agenda: RFC 0012 — vote ✓\nsecond line, with; specials\\", int64(90), false)
	f.Add(strings.Repeat("é", 100), strings.Repeat("😀", 60), int64(-30), true)
	f.Add("\x00\r\n\xff", "\r\n\r\n", int64(60*24*30), false)
	f.Fuzz(func(t *testing.T, title, desc string, shiftMinutes int64, expand bool) {
		if shiftMinutes < -60*24*60 || shiftMinutes > 60*24*60 {
			t.Skip()
		}
		feed, ms := testFeed(t, expand)
		for i := range feed.Events {
			e := &feed.Events[i]
			if e.SeriesID == "" {
				e.Title = title
			}
			if e.Status == alesco.MeetingMoved {
				e.Start = e.OriginalStart.Add(time.Duration(shiftMinutes) * time.Minute)
				e.End = e.Start.Add(time.Hour)
			}
			e.Description = desc
			e.Own = true
		}
		out, err := calendar.Build(feed)
		if err != nil {
			t.Fatal(err)
		}
		checkFolded(t, out)
		from, to := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
		ins, err := icaltest.Expand(decode(t, out), from, to)
		if err != nil {
			t.Fatal(err)
		}
		// The expected meetings: from the events given, others from the
		// series (recurring form only).
		given := map[string]calendar.Event{}
		for _, e := range feed.Events {
			given[e.ID] = e
		}
		n := 0
		for _, m := range ms {
			if e, ok := given[m.ID]; ok {
				m = e.Meeting
			} else if expand {
				continue
			}
			if m.Status == alesco.MeetingCancelled {
				continue
			}
			n++
			found := false
			for _, in := range ins {
				if in.Start.Equal(m.Start) && in.End.Equal(m.End) {
					found = true
					if _, ok := given[m.ID]; ok && in.Description != calendar.CleanText(desc) {
						t.Fatalf("%s: description %q, want %q", m.ID, in.Description, calendar.CleanText(desc))
					}
					if m.SeriesID == "" && in.Summary != calendar.CleanText(title) && !(title == "" && in.Summary == feed.Name) {
						t.Fatalf("%s: summary %q, want %q", m.ID, in.Summary, calendar.CleanText(title))
					}
				}
			}
			if !found {
				t.Fatalf("meeting %s at %s missing after re-parse", m.ID, m.Start)
			}
		}
		if len(ins) != n {
			t.Fatalf("re-parsed %d occurrences, want %d", len(ins), n)
		}
	})
}

func BenchmarkBuild(b *testing.B) {
	for _, expand := range []bool{false, true} {
		name := map[bool]string{false: "recurring", true: "expanded"}[expand]
		b.Run(name, func(b *testing.B) {
			f, _ := testFeed(b, expand)
			b.ReportAllocs()
			var size int
			for b.Loop() {
				out, err := calendar.Build(f)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "bytes/feed")
		})
	}
}

// parseOffset reads an RFC 5545 UTC-OFFSET ("-0500") as seconds east of UTC.
func parseOffset(s string) (int, error) {
	if len(s) < 5 {
		return 0, fmt.Errorf("bad UTC offset %q", s)
	}
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[3:5])
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad UTC offset %q", s)
	}
	sec := h*3600 + m*60
	if s[0] == '-' {
		sec = -sec
	}
	return sec, nil
}

// TestAllDayAndPlace: a meeting whose time is not on record is an all-day
// event (DATE values, no time zone, not blocking time); a meeting's place
// is its LOCATION and its join link a CONFERENCE (RFC 7986).
func TestAllDayAndPlace(t *testing.T) {
	c := alescoCommittee()
	day := alescotest.Date("2024-07-24")
	imported := alesco.Meeting{ID: "alesco-2024-07-24", CommitteeID: "alesco", Title: "ALESCo meeting", AllDay: true,
		Start: day.Midnight(c.Location), End: day.AddDays(1).Midnight(c.Location), Location: c.Location, Status: alesco.MeetingHeld}
	imported.OriginalStart = imported.Start
	start := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	placed := alesco.Meeting{ID: "alesco-2026-12-03", CommitteeID: "alesco", Title: "ALESCo meeting", Start: start, End: start.Add(time.Hour),
		OriginalStart: start, Location: c.Location, Status: alesco.MeetingScheduled,
		Place: alesco.Place{Venue: "~alesco; on chat", JoinURL: "https://meet.example.org/alesco?x=1"}}
	out, err := calendar.Build(calendar.Feed{Name: "ALESCo", Host: "h.example", Expand: true, Events: []calendar.Event{{Meeting: imported}, {Meeting: placed}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DTSTART;VALUE=DATE:20240724\r\n", "DTEND;VALUE=DATE:20240725\r\n", "TRANSP:TRANSPARENT\r\n",
		"LOCATION:~alesco\\; on chat\r\n", "CONFERENCE;VALUE=URI:https://meet.example.org/alesco?x=1\r\n"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("feed lacks %q:\n%s", want, out)
		}
	}
	if bytes.Contains(out, []byte("DTSTART;TZID=America/New_York:20240724")) {
		t.Errorf("the all-day meeting has a time:\n%s", out)
	}
	ins, err := icaltest.Expand(decode(t, out), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || len(ins) != 2 {
		t.Fatalf("%d events, %v", len(ins), err)
	}
	if !ins[0].AllDay || ins[0].Start.Format(time.DateOnly) != "2024-07-24" || ins[1].AllDay ||
		ins[1].Location != "~alesco; on chat" || ins[1].Conference != "https://meet.example.org/alesco?x=1" {
		t.Fatalf("re-parsed %+v", ins)
	}
}
