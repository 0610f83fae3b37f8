package pages

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
)

// pullLink is "#15" linked to the committee's pull request 15.
func pullLink(c *Committee, n int) template.HTML {
	label := "#" + strconv.Itoa(n)
	if u := c.PullURL(n); u != "" {
		return template.HTML(`<a href="` + template.HTMLEscapeString(u) + `">` + label + `</a>`)
	}
	return template.HTML(label)
}

// topicLinks reports whether a topic already links its pull request (so
// the heading need not add "(#15)").
func topicLinks(g NoteGroup) bool {
	return g.ProposalNumber > 0 && strings.Contains(g.Topic, "/pull/"+strconv.Itoa(g.ProposalNumber))
}

// itemTitle writes an agenda item's title: an action item's text is
// Markdown (the secretary's), a pull request's or a motion's title is
// plain text, shown as written (`Build for <arch>` keeps its <arch>).
func itemTitle(c *Committee, it agenda.Item) template.HTML {
	if it.Kind == agenda.KindActionItem {
		return MarkdownInline(c, it.Title)
	}
	return template.HTML(template.HTMLEscapeString(it.Title))
}

// carriedFrom says where a carried-over item comes from, as a link text,
// naming the meeting once: "Action item from the meeting of Thursday, 3
// December 2026", "Tabled at the meeting of Thursday, 19 November 2026".
func carriedFrom(it agenda.Item) string {
	day := lastDate(it.SourceMeetingID)
	kind, at := "Left open", " at the meeting of "
	if it.Kind == agenda.KindActionItem {
		kind, at = "Action item", " from the meeting of "
	} else if note := strings.TrimSuffix(sentence(it.Note), "."); note != "" {
		kind = strings.TrimSuffix(note, " on "+day) // the meeting says when
	}
	if date, err := alesco.ParseDate(day); err == nil {
		return kind + at + longDate(date)
	}
	return kind + at + it.SourceMeetingID
}

// lastDate finds the YYYY-MM-DD in a meeting id ("alesco-2026-12-03",
// "core-sig-2026-12-03-2").
func lastDate(id string) string {
	for i := 0; i+10 <= len(id); i++ {
		if _, err := time.Parse(time.DateOnly, id[i:i+10]); err == nil {
			return id[i : i+10]
		}
	}
	return ""
}

// weekdays as the schedule sentence says them.
var every = map[int]string{1: "every", 2: "every other"}

// Schedule describes each of a committee's running meeting series as a
// person would: "every other Thursday at 12:00 New York time (17:00 UTC)".
// The UTC time is the next meeting's (it moves with daylight saving time).
func Schedule(c *Committee) []string {
	loc := location(c.TimeZone)
	today := c.On
	var out []string
	for _, s := range c.Series {
		if !s.Last.IsZero() && s.Last.Before(today) {
			continue
		}
		if s.First.IsZero() || s.IntervalWeeks <= 0 {
			continue
		}
		// The series' next date on or after today keeps DST right.
		next := s.First
		if next.Before(today) {
			weeks := (next.DaysUntil(today) + 7*s.IntervalWeeks - 1) / (7 * s.IntervalWeeks)
			next = next.AddDays(weeks * 7 * s.IntervalWeeks)
		}
		at := next.At(s.Hour, s.Minute, loc)
		how, ok := every[s.IntervalWeeks]
		if !ok {
			how = "every " + strconv.Itoa(s.IntervalWeeks) + " weeks on a"
		}
		text := how + " " + at.Weekday().String() + " at " + at.Format("15:04") + " " + zoneName(c.TimeZone) + " time"
		if loc != time.UTC {
			text += " (" + at.UTC().Format("15:04") + " UTC)"
		}
		out = append(out, text)
	}
	return out
}

// zoneName is how people call an IANA zone: "America/New_York" -> "New York".
func zoneName(zone string) string {
	if zone == "" || zone == "UTC" {
		return "UTC"
	}
	city := zone[strings.LastIndex(zone, "/")+1:]
	return strings.ReplaceAll(city, "_", " ")
}

// days counts whole days from a to b (0 when a is unset or later).
func days(a, b time.Time) int {
	if a.IsZero() || b.IsZero() {
		return 0
	}
	d := b.Sub(a)
	if d < 0 {
		return 0
	}
	return int(d / (24 * time.Hour))
}

// proposalFacts is an RFC's dashboard line, as rfcbot shows it: how long
// it has been open, how long in its final comment period, and the meeting
// that will vote on it.
func proposalFacts(p alesco.Proposal, now time.Time, next *Meeting) []string {
	var out []string
	open := p.Closed.IsZero() && p.MergedAt.IsZero()
	if n := days(p.Created, now); open && !p.Created.IsZero() {
		out = append(out, "opened "+ago(n))
	}
	if p.State == alesco.ProposalFCP {
		if !p.FCPTime.IsZero() {
			out = append(out, plural(days(p.FCPTime, now), "day", "days")+" in final comment period")
		} else {
			// It entered FCP before alesco first synced: when is not known.
			out = append(out, "in final comment period")
		}
		if next != nil {
			out = append(out, "to be voted on "+dateOnly(next.Start, next.TimeZone))
		}
	}
	if !open {
		if t := p.MergedAt; !t.IsZero() {
			out = append(out, "merged "+dateOnly(t, "UTC"))
		} else if t := p.Closed; !t.IsZero() {
			out = append(out, "closed "+dateOnly(t, "UTC"))
		}
	}
	return out
}

func ago(n int) string {
	switch n {
	case 0:
		return "today"
	case 1:
		return "yesterday"
	}
	return plural(n, "day", "days") + " ago"
}
