// Package icaltest reads iCalendar feeds as a calendar client would, to
// check what alesco publishes: occurrences expanded from RRULEs, EXDATEs and
// RECURRENCE-ID overrides.
package icaltest

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// Instance is one occurrence of an event as a client would show it.
type Instance struct {
	UID          string
	Start, End   time.Time
	Summary      string
	Description  string
	Sequence     int
	RecurrenceID time.Time // zero for an occurrence that is no override
	// AllDay: DTSTART is a DATE (Start is that day's midnight UTC).
	AllDay   bool
	Location string
	// Conference is the CONFERENCE link (RFC 7986), if any.
	Conference string
	// LastModified is the event's LAST-MODIFIED.
	LastModified time.Time
	// Alarms are the minutes before the start its DISPLAY alarms
	// (VALARM) trigger.
	Alarms []int
}

// Expand lists the occurrences of cal's events that start in [from, to),
// sorted by start, as a client would show them: RRULE expanded, EXDATEs
// removed, RECURRENCE-ID overrides replacing their occurrence, cancelled
// events left out.
//
// go-ical's own Component.RecurrenceSet adds every EXDATE again as an RDATE
// (it reads PropExceptionDates twice) and knows nothing of RECURRENCE-ID,
// so Expand builds the rrule-go set itself. TZIDs are resolved with Go's
// time-zone database, like go-ical does.
func Expand(cal *ical.Calendar, from, to time.Time) ([]Instance, error) {
	masters := map[string]*ical.Component{}
	overrides := map[string][]*ical.Component{}
	var uids []string
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		uid, err := c.Props.Text(ical.PropUID)
		if err != nil || uid == "" {
			return nil, fmt.Errorf("calendar: event without UID: %v", err)
		}
		if c.Props.Get(ical.PropRecurrenceID) != nil {
			overrides[uid] = append(overrides[uid], c)
			continue
		}
		if _, dup := masters[uid]; dup {
			return nil, fmt.Errorf("calendar: two events with UID %q and no RECURRENCE-ID", uid)
		}
		masters[uid] = c
		uids = append(uids, uid)
	}
	var out []Instance
	for _, uid := range uids {
		m := masters[uid]
		set, err := recurrenceSet(m)
		if err != nil {
			return nil, fmt.Errorf("calendar: event %s: %w", uid, err)
		}
		base, err := instance(m, uid)
		if err != nil {
			return nil, err
		}
		if set == nil {
			if !cancelled(m) && inRange(base.Start, from, to) {
				out = append(out, base)
			}
			continue
		}
		length := base.End.Sub(base.Start)
		overridden := map[int64]bool{}
		for _, o := range overrides[uid] {
			rid, err := o.Props.DateTime(ical.PropRecurrenceID, time.UTC)
			if err != nil {
				return nil, fmt.Errorf("calendar: event %s: RECURRENCE-ID: %w", uid, err)
			}
			// An override counts only for an occurrence the set has.
			if len(set.Between(rid, rid, true)) == 0 {
				continue
			}
			overridden[rid.Unix()] = true
			in, err := instance(o, uid)
			if err != nil {
				return nil, err
			}
			in.RecurrenceID = rid
			if !cancelled(o) && inRange(in.Start, from, to) {
				out = append(out, in)
			}
		}
		for _, t := range set.Between(from, to, true) {
			if !t.Before(to) || overridden[t.Unix()] {
				continue
			}
			in := base
			in.Start, in.End = t, t.Add(length)
			if !cancelled(m) {
				out = append(out, in)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].UID < out[j].UID
	})
	return out, nil
}

func inRange(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

func cancelled(c *ical.Component) bool {
	s, _ := c.Props.Text(ical.PropStatus)
	return strings.EqualFold(s, "CANCELLED")
}

func instance(c *ical.Component, uid string) (Instance, error) {
	in := Instance{UID: uid}
	var err error
	if in.Start, err = c.Props.DateTime(ical.PropDateTimeStart, time.UTC); err != nil {
		return in, fmt.Errorf("calendar: event %s: DTSTART: %w", uid, err)
	}
	in.End = in.Start
	if c.Props.Get(ical.PropDateTimeEnd) != nil {
		if in.End, err = c.Props.DateTime(ical.PropDateTimeEnd, time.UTC); err != nil {
			return in, fmt.Errorf("calendar: event %s: DTEND: %w", uid, err)
		}
	} else if p := c.Props.Get(ical.PropDuration); p != nil {
		d, err := p.Duration()
		if err != nil {
			return in, fmt.Errorf("calendar: event %s: DURATION: %w", uid, err)
		}
		in.End = in.Start.Add(d)
	}
	in.AllDay = c.Props.Get(ical.PropDateTimeStart).ValueType() == ical.ValueDate
	in.Summary, _ = c.Props.Text(ical.PropSummary)
	in.Description, _ = c.Props.Text(ical.PropDescription)
	in.Location, _ = c.Props.Text(ical.PropLocation)
	if p := c.Props.Get(ical.PropConference); p != nil {
		in.Conference = p.Value
	}
	if p := c.Props.Get(ical.PropLastModified); p != nil {
		in.LastModified, _ = p.DateTime(time.UTC)
	}
	if p := c.Props.Get(ical.PropSequence); p != nil {
		in.Sequence, _ = p.Int()
	}
	for _, a := range c.Children {
		if a.Name != ical.CompAlarm {
			continue
		}
		act, _ := a.Props.Text(ical.PropAction)
		desc, _ := a.Props.Text(ical.PropDescription)
		tr := a.Props.Get(ical.PropTrigger)
		if !strings.EqualFold(act, "DISPLAY") || desc == "" || tr == nil {
			continue
		}
		tr.SetValueType(ical.ValueDuration)
		d, err := tr.Duration()
		if err != nil {
			return in, fmt.Errorf("calendar: event %s: VALARM TRIGGER: %w", uid, err)
		}
		in.Alarms = append(in.Alarms, int(-d/time.Minute))
	}
	return in, nil
}

// recurrenceSet is the event's RRULE with its EXDATEs (and RDATEs), or nil
// for an event that does not recur.
func recurrenceSet(c *ical.Component) (*rrule.Set, error) {
	opt, err := c.Props.RecurrenceRule()
	if err != nil || opt == nil {
		return nil, err
	}
	start, err := c.Props.DateTime(ical.PropDateTimeStart, time.UTC)
	if err != nil {
		return nil, fmt.Errorf("DTSTART: %w", err)
	}
	opt.Dtstart = start
	rule, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("RRULE: %w", err)
	}
	set := &rrule.Set{}
	set.RRule(rule)
	for _, name := range []string{ical.PropExceptionDates, ical.PropRecurrenceDates} {
		for _, p := range c.Props.Values(name) {
			for _, v := range strings.Split(p.Value, ",") {
				q := p
				q.Value = v
				t, err := q.DateTime(time.UTC)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				if name == ical.PropExceptionDates {
					set.ExDate(t)
				} else {
					set.RDate(t)
				}
			}
		}
	}
	return set, nil
}
