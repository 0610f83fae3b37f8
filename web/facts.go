package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// pullLink is "#15" linked to the committee's pull request 15.
func pullLink(c *alescov1.Committee, n int32) template.HTML {
	label := "#" + strconv.Itoa(int(n))
	if u := PullURL(c, n); u != "" {
		return template.HTML(`<a href="` + template.HTMLEscapeString(u) + `">` + label + `</a>`)
	}
	return template.HTML(label)
}

// topicLinks reports whether a topic already links its pull request (so
// the heading need not add "(#15)").
func topicLinks(g NoteGroup) bool {
	return g.ProposalNumber > 0 && strings.Contains(g.Topic, "/pull/"+strconv.Itoa(int(g.ProposalNumber)))
}

// itemTitle writes an agenda item's title: an action item's text is
// Markdown (the secretary's), a pull request's or a motion's title is
// plain text, shown as written (`Build for <arch>` keeps its <arch>).
func itemTitle(c *alescov1.Committee, it *alescov1.AgendaItem) template.HTML {
	if it.GetKind() == alescov1.AgendaItemKind_AGENDA_ITEM_KIND_ACTION_ITEM {
		return MarkdownInline(c, it.GetTitle())
	}
	return template.HTML(template.HTMLEscapeString(it.GetTitle()))
}

// carriedFrom says where a carried-over item comes from, as a link text,
// naming the meeting once: "Action item from the meeting of Thursday, 3
// December 2026", "Tabled at the meeting of Thursday, 19 November 2026".
func carriedFrom(it *alescov1.AgendaItem) string {
	day := lastDate(it.GetSourceMeetingId())
	kind, at := "Left open", " at the meeting of "
	if it.GetKind() == alescov1.AgendaItemKind_AGENDA_ITEM_KIND_ACTION_ITEM {
		kind, at = "Action item", " from the meeting of "
	} else if note := strings.TrimSuffix(sentence(it.GetNote()), "."); note != "" {
		kind = strings.TrimSuffix(note, " on "+day) // the meeting says when
	}
	if date, err := alesco.ParseDate(day); err == nil {
		return kind + at + longDate(date.String())
	}
	return kind + at + it.GetSourceMeetingId()
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
var every = map[int32]string{1: "every", 2: "every other"}

// Schedule describes each of a committee's running meeting series as a
// person would: "every other Thursday at 12:00 New York time (17:00 UTC)".
// The UTC time is the next meeting's (it moves with daylight saving time).
func Schedule(c *alescov1.Committee) []string {
	loc := location(c.GetTimeZone())
	today, err := alesco.ParseDate(c.GetAsOfDate())
	if err != nil {
		return nil
	}
	var out []string
	for _, s := range c.GetSeries() {
		if s.GetLastDate() != "" && s.GetLastDate() < today.String() {
			continue
		}
		first, err := alesco.ParseDate(s.GetFirstDate())
		hm, err2 := time.Parse("15:04", s.GetStartTime())
		if err != nil || err2 != nil || s.GetIntervalWeeks() <= 0 {
			continue
		}
		// The series' next date on or after today keeps DST right.
		next := first
		if next.Before(today) {
			weeks := (next.DaysUntil(today) + 7*int(s.GetIntervalWeeks()) - 1) / (7 * int(s.GetIntervalWeeks()))
			next = next.AddDays(weeks * 7 * int(s.GetIntervalWeeks()))
		}
		at := next.At(hm.Hour(), hm.Minute(), loc)
		how, ok := every[s.GetIntervalWeeks()]
		if !ok {
			how = "every " + strconv.Itoa(int(s.GetIntervalWeeks())) + " weeks on a"
		}
		text := how + " " + at.Weekday().String() + " at " + at.Format("15:04") + " " + zoneName(c.GetTimeZone()) + " time"
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
func days(a *timestamppb.Timestamp, b time.Time) int32 {
	if a == nil || b.IsZero() {
		return 0
	}
	d := b.Sub(a.AsTime())
	if d < 0 {
		return 0
	}
	return int32(d / (24 * time.Hour))
}

// proposalFacts is an RFC's dashboard line, as rfcbot shows it: how long
// it has been open, how long in its final comment period, and the meeting
// that will vote on it.
func proposalFacts(p *alescov1.Proposal, now time.Time, next *alescov1.Meeting) []string {
	var out []string
	open := p.GetClosedTime() == nil && p.GetMergedTime() == nil
	if n := days(p.GetCreatedTime(), now); open && p.GetCreatedTime() != nil {
		out = append(out, "opened "+ago(n))
	}
	if p.GetState() == alescov1.ProposalState_PROPOSAL_STATE_FCP {
		if p.GetFcpTime() != nil {
			out = append(out, plural(days(p.GetFcpTime(), now), "day", "days")+" in final comment period")
		} else {
			// It entered FCP before alesco first synced: when is not known.
			out = append(out, "in final comment period")
		}
		if next != nil {
			out = append(out, "to be voted on "+dateOnly(next.GetStartTime(), next.GetTimeZone()))
		}
	}
	if !open {
		if t := p.GetMergedTime(); t != nil {
			out = append(out, "merged "+dateOnly(t, "UTC"))
		} else if t := p.GetClosedTime(); t != nil {
			out = append(out, "closed "+dateOnly(t, "UTC"))
		}
	}
	return out
}

func ago(n int32) string {
	switch n {
	case 0:
		return "today"
	case 1:
		return "yesterday"
	}
	return plural(n, "day", "days") + " ago"
}
