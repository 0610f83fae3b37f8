package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// Alarm bounds: a reminder from a minute to a week before a meeting.
const (
	MinAlarm = time.Minute
	MaxAlarm = 7 * 24 * time.Hour
)

// ParseAlarm reads a feed's ?alarm= value: a Go duration (15m, 1h30m) or
// whole days (1d, 2d), from 1m to 7d, in whole minutes. The error says
// what to write.
func ParseAlarm(s string) (time.Duration, error) {
	in := strings.TrimSpace(strings.ToLower(s))
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(in, "d"); ok {
		n, perr := strconv.Atoi(days)
		if perr != nil {
			err = perr
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		d, err = time.ParseDuration(in)
	}
	if err != nil || d < MinAlarm || d > MaxAlarm || d%time.Minute != 0 {
		if len(s) > 40 {
			s = s[:40] + "…"
		}
		return 0, fmt.Errorf("bad alarm=%q: write how long before each meeting to be reminded, in whole minutes from 1m to 7d, e.g. alarm=15m, alarm=1h or alarm=1d", s)
	}
	return d, nil
}

// Trigger is an alarm d before the start as an iCalendar duration (RFC
// 5545 §3.3.6): 15m is -PT15M, 1d2h is -P1DT2H.
func Trigger(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	h := int(d % (24 * time.Hour) / time.Hour)
	m := int(d % time.Hour / time.Minute)
	s := "-P"
	if days > 0 {
		s += strconv.Itoa(days) + "D"
	}
	if h > 0 || m > 0 {
		s += "T"
		if h > 0 {
			s += strconv.Itoa(h) + "H"
		}
		if m > 0 {
			s += strconv.Itoa(m) + "M"
		}
	}
	if s == "-P" {
		s = "-PT0M"
	}
	return s
}

// addAlarm gives ev a display alarm d before its start (RFC 5545 §3.6.6:
// ACTION, TRIGGER and, for DISPLAY, DESCRIPTION).
func addAlarm(ev *ical.Component, d time.Duration) {
	a := &ical.Component{Name: ical.CompAlarm, Props: ical.Props{}}
	setRaw(a.Props, ical.PropAction, "DISPLAY")
	setRaw(a.Props, ical.PropTrigger, Trigger(d))
	desc := "Reminder"
	if p := ev.Props.Get(ical.PropSummary); p != nil {
		if t, err := p.Text(); err == nil && t != "" {
			desc = t
		}
	}
	setText(a.Props, ical.PropDescription, desc)
	ev.Children = append(ev.Children, a)
}
