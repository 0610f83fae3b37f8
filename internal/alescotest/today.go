package alescotest

import (
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
)

// Reference is the day the fixtures' world is written for: the GitHub
// snapshot in package demo is of the day before, and the examples of the
// README and docs/ speak of 2026-12-03 as the next meeting.
var Reference = Date("2026-11-25")

// today is the tests' today, read once: ALESCO_TEST_TODAY or Reference.
var today = func() alesco.Date {
	v := os.Getenv("ALESCO_TEST_TODAY")
	if v == "" {
		return Reference
	}
	d, err := alesco.ParseDate(v)
	if err != nil {
		panic(fmt.Sprintf("alescotest: ALESCO_TEST_TODAY=%q is not a date: write YYYY-MM-DD", v))
	}
	return d
}()

// Today is the tests' today, the one place the suite's date comes from:
// Reference unless ALESCO_TEST_TODAY=YYYY-MM-DD moves it. No test reads
// the wall clock for a date; the suite passes on any day.
func Today() alesco.Date { return today }

// Epoch is the tests' "now": Today at 12:00 UTC. Every Env, every served
// or command-line alesco of the tests starts at it.
var Epoch = today.At(12, 0, time.UTC)

// Shift maps a date of the fixtures' world (written as of Reference) into
// the tests' world: a date from Reference on moves by the fewest whole
// fortnights (the committee's meeting cycle, so weekdays and the biweekly
// series keep their phase) that put Reference on or after Today; an
// earlier date is history (the wiki's minutes, the snapshot's pull
// requests) and stays. Under the default Today it changes nothing.
func Shift(d alesco.Date) alesco.Date {
	if d.Before(Reference) {
		return d
	}
	return d.AddDays(shiftDays())
}

func shiftDays() int {
	gap := Reference.DaysUntil(today)
	if gap <= 0 {
		return 0
	}
	return (gap + 13) / 14 * 14
}

var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}`)

// ShiftText applies Shift to every YYYY-MM-DD in s (meeting ids, flags):
// how a documented example written on Reference runs on Today.
func ShiftText(s string) string {
	return isoDate.ReplaceAllStringFunc(s, func(m string) string {
		d, err := alesco.ParseDate(m)
		if err != nil {
			return m
		}
		return Shift(d).String()
	})
}

// NewYork is ALESCo's time zone: a meeting's local times are written in
// it, and the UTC hour of a meeting changes with daylight saving (12:00 in
// New York is 17:00 UTC in winter, 16:00 in summer), so a test never
// writes the UTC hour of a meeting of the tests' world.
var NewYork = Location("America/New_York")

// NY returns hh:mm in New York on d.
func NY(d alesco.Date, hh, mm int) time.Time { return d.At(hh, mm, NewYork) }

// Meeting is one meeting of the real ALESCo's series in the tests' world.
type Meeting struct {
	ID         string
	Date       alesco.Date
	Start, End time.Time
}

// At returns hh:mm in New York on the meeting's day.
func (m Meeting) At(hh, mm int) time.Time { return NY(m.Date, hh, mm) }

// DayID is the meeting id alesco gives a day of ALESCo ("alesco-" and the
// date), whether or not the series meets on it.
func DayID(d alesco.Date) string { return "alesco-" + d.String() }

// Meetings returns the first n meetings of ALESCo's configured series that
// start after Epoch (computed by the domain from the embedded
// configuration, as the server does).
func Meetings(t testing.TB, n int) []Meeting {
	t.Helper()
	return nextMeetings(n)
}

func nextMeetings(n int) []Meeting {
	var out []Meeting
	for _, m := range committee().Schedule(Epoch, Epoch.AddDate(1, 0, 0), nil, nil, Epoch) {
		if len(out) == n {
			break
		}
		out = append(out, Meeting{ID: m.ID, Date: alesco.DateIn(m.Start, m.Location), Start: m.Start, End: m.End})
	}
	if len(out) < n {
		panic(fmt.Sprintf("alescotest: ALESCo has %d meetings in the year after %s, want %d", len(out), Today(), n))
	}
	return out
}

// PastMeetings returns the last n meetings of ALESCo's configured series
// that started before Epoch, oldest first: the recent past of the tests'
// world.
func PastMeetings(t testing.TB, n int) []Meeting {
	t.Helper()
	return pastMeetings(n)
}

// LastMeeting is the last meeting of ALESCo's series that started before
// Epoch (alesco-2026-11-19 on the default Today): a held meeting whose
// minutes may still be recorded.
var LastMeeting = pastMeetings(1)[0]

func pastMeetings(n int) []Meeting {
	var out []Meeting
	for _, m := range committee().Schedule(Epoch.AddDate(-1, 0, 0), Epoch, nil, nil, Epoch) {
		out = append(out, Meeting{ID: m.ID, Date: alesco.DateIn(m.Start, m.Location), Start: m.Start, End: m.End})
	}
	if len(out) < n {
		panic(fmt.Sprintf("alescotest: ALESCo has %d meetings in the year before %s, want %d", len(out), Today(), n))
	}
	return out[len(out)-n:]
}

// committee is the real ALESCo of the embedded configuration.
func committee() *alesco.Committee {
	cs, err := config.Default()
	if err != nil {
		panic(err)
	}
	return alesco.NewCommittees(cs).List()[0]
}

// NextMeeting is the first meeting of ALESCo's series after Epoch: the
// one the fixtures' scenarios decide (2026-12-03 on the default Today).
func NextMeeting(t testing.TB) Meeting {
	t.Helper()
	return Meetings(t, 1)[0]
}

// Deadline returns the wall-clock instant d from now: for timeouts of
// polling loops and connections, never for a date the code under test
// sees.
func Deadline(d time.Duration) time.Time { return time.Now().Add(d) }

// Eventually polls cond every 20 ms until it holds, and fails the test
// when it still does not after within (wall-clock time).
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := Deadline(within); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
	}
}

// Running returns a clock that shows start now and then runs with the
// wall clock: for a served alesco whose outbox retries and timers must see
// time pass, in the tests' world.
func Running(start time.Time) func() time.Time {
	t0 := time.Now()
	return func() time.Time { return start.Add(time.Since(t0)) }
}
