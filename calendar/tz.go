package calendar

import (
	"fmt"
	"time"

	"github.com/emersion/go-ical"
)

// localLayout is an iCalendar local DATE-TIME (RFC 5545 §3.3.5, form #2).
const localLayout = "20060102T150405"

// transition is one change of a zone's UTC offset.
type transition struct {
	at         time.Time // instant of the change
	fromOffset int       // seconds east of UTC before
	toOffset   int       // seconds east of UTC after
	name       string    // abbreviation after ("EDT")
	dst        bool      // daylight saving time after
}

// transitions lists loc's offset changes in (from, to], and the zone in
// force at from as the first element (at = start of that zone, or from
// itself when the zone has no known start). It reads Go's time-zone database
// through Time.ZoneBounds, which follows the database's explicit
// transitions and then its POSIX rule for the future.
func transitions(loc *time.Location, from, to time.Time) []transition {
	from, to = from.In(loc), to.In(loc)
	name, off := from.Zone()
	start, end := from.ZoneBounds()
	first := transition{at: start, toOffset: off, fromOffset: off, name: name, dst: from.IsDST()}
	if start.IsZero() {
		first.at = from
	} else {
		_, first.fromOffset = start.Add(-time.Second).Zone()
	}
	out := []transition{first}
	for !end.IsZero() && !end.After(to) {
		t := end.In(loc)
		name, off := t.Zone()
		_, prev := t.Add(-time.Second).Zone()
		if off != prev || name != out[len(out)-1].name {
			out = append(out, transition{at: t, fromOffset: prev, toOffset: off, name: name, dst: t.IsDST()})
		}
		end = nextBound(t, to)
	}
	return out
}

// nextBound returns the end of the zone period that contains t (zero when
// none ends before limit). Time.ZoneBounds answers this, except that Go 1.26
// gets stuck at a pseudo-boundary on 30 December of leap years past the
// database's explicit table (it returns an end that is not after t); then
// the change is found by probing day by day and bisecting to the second.
func nextBound(t, limit time.Time) time.Time {
	if _, end := t.ZoneBounds(); end.IsZero() || end.After(t) {
		return end
	}
	name, off := t.Zone()
	same := func(u time.Time) bool { n, o := u.Zone(); return n == name && o == off }
	lo := t
	hi := t.Add(24 * time.Hour)
	for same(hi) {
		if hi.After(limit) {
			return time.Time{}
		}
		lo, hi = hi, hi.Add(24*time.Hour)
	}
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if same(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// VTimezone returns a VTIMEZONE component (RFC 5545 §3.6.5) for loc that is
// exact for every instant in [from, to]: one STANDARD or DAYLIGHT
// observance per offset change, generated from Go's time-zone database.
// When open is true the feed has events with no end, so the zone's
// current yearly rule is appended as RRULE observances (checked against the
// database for 20 years) and clients stay right beyond to.
func VTimezone(loc *time.Location, from, to time.Time, open bool) *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, loc.String())
	var tail []*ical.Component
	if open {
		if rules, ok := yearlyRules(loc, to); ok {
			// The rules start on 1 January after to; explicit observances
			// cover everything before.
			tail = rules
			to = time.Date(to.In(loc).Year()+1, 1, 1, 0, 0, 0, 0, loc)
		}
	}
	ts := transitions(loc, from, to)
	for _, t := range ts {
		tz.Children = append(tz.Children, observance(t))
	}
	tz.Children = append(tz.Children, tail...)
	return tz
}

func observance(t transition) *ical.Component {
	kind := ical.CompTimezoneStandard
	if t.dst {
		kind = ical.CompTimezoneDaylight
	}
	c := ical.NewComponent(kind)
	// DTSTART of an observance is the local time of the onset in the
	// offset in force before it (RFC 5545 §3.6.5).
	c.Props.Set(&ical.Prop{Name: ical.PropDateTimeStart, Params: ical.Params{},
		Value: t.at.In(time.FixedZone("", t.fromOffset)).Format(localLayout)})
	c.Props.Set(&ical.Prop{Name: ical.PropTimezoneOffsetFrom, Params: ical.Params{}, Value: utcOffset(t.fromOffset)})
	c.Props.Set(&ical.Prop{Name: ical.PropTimezoneOffsetTo, Params: ical.Params{}, Value: utcOffset(t.toOffset)})
	if t.name != "" && t.name[0] != '+' && t.name[0] != '-' {
		c.Props.SetText(ical.PropTimezoneName, t.name)
	}
	return c
}

// utcOffset formats seconds east of UTC as RFC 5545 §3.3.14 UTC-OFFSET.
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// yearlyRules derives the zone's yearly DST rule in force after year(to)
// as two RRULE observances ("BYMONTH=3;BYDAY=2SU"), and verifies them
// against Go's database for 20 years. It reports false for zones without
// DST or whose changes do not follow a weekday-of-month rule; callers then
// list onsets explicitly.
func yearlyRules(loc *time.Location, to time.Time) ([]*ical.Component, bool) {
	year := to.In(loc).Year() + 1
	ts := transitions(loc, time.Date(year, 1, 1, 0, 0, 0, 0, loc), time.Date(year+1, 1, 1, 0, 0, 0, 0, loc))
	ts = ts[1:] // the first entry is the zone in force on 1 January
	if len(ts) != 2 {
		return nil, false
	}
	var out []*ical.Component
	for _, t := range ts {
		local := t.at.In(time.FixedZone("", t.fromOffset))
		nth := (local.Day()-1)/7 + 1
		last := local.Day()+7 > daysIn(local.Month(), local.Year())
		byday := fmt.Sprintf("%d%s", nth, weekdayCode[local.Weekday()])
		if last {
			byday = "-1" + weekdayCode[local.Weekday()]
		}
		// Check the rule for the following years.
		for y := year + 1; y <= year+20; y++ {
			want := ruleDay(y, local.Month(), local.Weekday(), nth, last)
			got := transitions(loc, time.Date(y, 1, 1, 0, 0, 0, 0, loc), time.Date(y+1, 1, 1, 0, 0, 0, 0, loc))[1:]
			found := false
			for _, g := range got {
				gl := g.at.In(time.FixedZone("", g.fromOffset))
				if g.toOffset == t.toOffset && g.fromOffset == t.fromOffset && gl.Month() == local.Month() &&
					gl.Day() == want && gl.Hour() == local.Hour() && gl.Minute() == local.Minute() {
					found = true
				}
			}
			if len(got) != 2 || !found {
				return nil, false
			}
		}
		c := observance(t)
		c.Props.Set(&ical.Prop{Name: ical.PropRecurrenceRule, Params: ical.Params{},
			Value: fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%s", int(local.Month()), byday)})
		out = append(out, c)
	}
	return out, true
}

var weekdayCode = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// ruleDay returns the day of month of the nth (or last) weekday wd.
func ruleDay(year int, m time.Month, wd time.Weekday, nth int, last bool) int {
	if last {
		d := daysIn(m, year)
		for time.Date(year, m, d, 12, 0, 0, 0, time.UTC).Weekday() != wd {
			d--
		}
		return d
	}
	d := 1
	for time.Date(year, m, d, 12, 0, 0, 0, time.UTC).Weekday() != wd {
		d++
	}
	return d + 7*(nth-1)
}
