package alesco_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
)

// TestEventDrift: which event is a meeting's (its day in the committee's
// zone, the match text in its title, case-insensitive; another group's
// event that day is not it) and how they drift: missing, at another time,
// still listed after the meeting was cancelled.
func TestEventDrift(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	c := &alesco.Committee{ID: "alesco", ShortName: "ALESCo", Location: ny, TimeZone: "America/New_York"}
	at := func(day string, h int) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15", day+" "+itoa(h), ny)
		return t
	}
	meeting := func(id string, start time.Time, st alesco.MeetingStatus) alesco.Meeting {
		return alesco.Meeting{ID: id, CommitteeID: "alesco", Start: start, End: start.Add(time.Hour), Location: ny, TimeZone: "America/New_York", Status: st}
	}
	ms := []alesco.Meeting{
		meeting("alesco-2026-12-03", at("2026-12-03", 12), alesco.MeetingScheduled), // matches
		meeting("alesco-2026-12-17", at("2026-12-17", 12), alesco.MeetingScheduled), // an hour off
		meeting("alesco-2026-12-31", at("2026-12-31", 12), alesco.MeetingScheduled), // only another group's event
		meeting("alesco-2027-01-14", at("2027-01-14", 12), alesco.MeetingCancelled), // still listed
		meeting("alesco-2027-01-28", at("2027-01-28", 12), alesco.MeetingCancelled), // cancelled there too
		meeting("alesco-2027-02-11", at("2027-02-11", 12), alesco.MeetingScheduled), // late in the evening UTC: same local day
	}
	events := []alesco.SiteEvent{
		{UID: "1", Title: "ALESCo meeting", URL: "https://events.example.org/event/1/", Start: at("2026-12-03", 12)},
		{UID: "2", Title: "Marketing SIG", URL: "https://events.example.org/event/2/", Start: at("2026-12-03", 12)},
		{UID: "3", Title: "alesco meeting", URL: "https://events.example.org/event/3/", Start: at("2026-12-17", 13)},
		{UID: "4", Title: "Cloud SIG", URL: "https://events.example.org/event/4/", Start: at("2026-12-31", 12)},
		{UID: "5", Title: "ALESCo meeting", URL: "https://events.example.org/event/5/", Start: at("2027-01-14", 12)},
		{UID: "6", Title: "ALESCo meeting", URL: "https://events.example.org/event/6/", Start: at("2027-01-28", 12), Cancelled: true},
		{UID: "7", Title: "ALESCo meeting", URL: "https://events.example.org/event/7/", Start: at("2027-02-11", 23)},
		{UID: "8", Title: "ALESCo meeting, no time", Start: time.Time{}},
	}
	site := c.SiteEvents(events)
	if e, ok := site.For(ms[0]); !ok || e.UID != "1" {
		t.Errorf("first meeting: %+v %v, want its own event, not the Marketing SIG's", e, ok)
	}
	var got []string
	for _, p := range alesco.EventDrift(ms, site) {
		got = append(got, p.Meeting.ID+" "+string(p.Kind)+" "+p.Event.UID)
	}
	want := []string{
		"alesco-2026-12-17 time 3",
		"alesco-2026-12-31 missing ",
		"alesco-2027-01-14 still-listed 5",
		"alesco-2027-02-11 time 7",
	}
	if !slices.Equal(got, want) {
		t.Errorf("drift:\n got %q\nwant %q", got, want)
	}
	p := alesco.EventDrift(ms[1:2], site)[0]
	if d := p.Describe(); d != "the event is at another time: Thu 2026-12-17 13:00 EST" {
		t.Errorf("describe: %q", d)
	}

	// A match text picks a group out of a shared category.
	c.EventSite.Match = "marketing"
	if e, ok := c.SiteEvents(events).For(ms[0]); !ok || e.UID != "2" {
		t.Errorf("match marketing: %+v %v", e, ok)
	}
	if c.EventMatch() != "marketing" {
		t.Errorf("EventMatch %q", c.EventMatch())
	}
}

// TestEventProblemEffects: the chat post is opt-in and keyed by meeting
// and kind, so it is said once.
func TestEventProblemEffects(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	c := &alesco.Committee{ID: "alesco", ShortName: "ALESCo", Location: ny}
	m := alesco.Meeting{ID: "alesco-2026-12-17", Start: time.Date(2026, 12, 17, 17, 0, 0, 0, time.UTC), Location: ny}
	ps := []alesco.EventProblem{{Meeting: m, Kind: alesco.DriftMissing}}
	page := func(alesco.Meeting) string { return "https://alesco.example.org/alesco/meetings/" + m.ID }
	if got := c.EventProblemEffects(ps, page, fakeEventNotices{}); len(got) != 0 {
		t.Errorf("without notify.chat events: %+v", got)
	}
	c.Notify.Chat = []alesco.Announcement{alesco.AnnounceEvents}
	got := c.EventProblemEffects(ps, page, fakeEventNotices{})
	if len(got) != 1 || got[0].Key != "chat:events:alesco-2026-12-17:missing" || got[0].Kind != alesco.EffectChat || !strings.Contains(got[0].Chat.Text, "missing") {
		t.Errorf("effects: %+v", got)
	}
}

type fakeEventNotices struct{}

func (fakeEventNotices) EventDriftPost(c *alesco.Committee, p alesco.EventProblem, page string) string {
	return string(p.Kind) + " " + page
}

func itoa(n int) string {
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}
