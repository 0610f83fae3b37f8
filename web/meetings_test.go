package web

import (
	"strings"
	"testing"
	"time"

	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
)

// fixtureMeetingsPage is the meetings page of the fixture scenario at
// 2026-12-03 12:10 New York time: the meeting under way with its draft
// minutes, the next one cancelled, one after it, and two past meetings, one
// with minutes.
func fixtureMeetingsPage() *MeetingsPage {
	at := func(id, start string, st alescov1.MeetingStatus) *alescov1.Meeting {
		m := fixtureMeeting()
		s := ts(start)
		m.Id, m.StartTime, m.OriginalStartTime, m.EndTime, m.Status, m.SeriesId = id, s, s, ts(s.AsTime().Add(time.Hour).Format(time.RFC3339)), st, "thursdays"
		return m
	}
	live := at("alesco-2026-12-03", "2026-12-03T17:00:00Z", alescov1.MeetingStatus_MEETING_STATUS_HELD)
	live.Links = &alescov1.MeetingLinks{MinutesUrl: "https://alesco.example.org/minutes/alesco-2026-12-03.md"}
	cancelled := at("alesco-2026-12-17", "2026-12-17T17:00:00Z", alescov1.MeetingStatus_MEETING_STATUS_CANCELLED)
	cancelled.CancelReason = "Holiday week"
	added := at("alesco-2026-12-22", "2026-12-22T17:00:00Z", alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED)
	added.SeriesId, added.Title = "", "RFC vote"
	held := at("alesco-2026-07-30", "2026-07-30T16:00:00Z", alescov1.MeetingStatus_MEETING_STATUS_HELD)
	held.Links = &alescov1.MeetingLinks{MinutesUrl: "https://alesco.example.org/minutes/alesco-2026-07-30.md"}
	l := fixtureLayout("meetings")
	l.Now = ts("2026-12-03T17:10:00Z").AsTime()
	return &MeetingsPage{
		Layout: l, Upcoming: []*alescov1.Meeting{live, cancelled, added},
		Past:  []*alescov1.Meeting{at("alesco-2026-11-19", "2026-11-19T17:00:00Z", alescov1.MeetingStatus_MEETING_STATUS_SCHEDULED), held},
		Since: "2022-12-03", FeedURL: "https://alesco.example.org/calendar/alesco.ics",
	}
}

func TestMeetingsPage(t *testing.T) {
	doc := render(t, PageMeetings, fixtureMeetingsPage())
	up, past := section(t, doc, "upcoming"), section(t, doc, "past")
	contains(t, "upcoming", up,
		"Thursday, 3 December 2026, 12:00 EST In progress Agenda · Console · Minutes",
		"Thursday, 17 December 2026, 12:00 EST Cancelled: Holiday week",
		"Tuesday, 22 December 2026, 12:00 EST RFC vote Scheduled Agenda")
	absent(t, "upcoming", up, "Cancelled: Holiday week Agenda", "ALESCo meeting")
	contains(t, "past", past,
		"Thursday, 19 November 2026, 12:00 EST Not recorded",
		"Thursday, 30 July 2026, 12:00 EDT Held Minutes",
		"This list starts on Saturday, 3 December 2022; every meeting with minutes is under all minutes.")
	if strings.Index(past, "19 November") > strings.Index(past, "30 July") {
		t.Errorf("past meetings are not newest first: %s", past)
	}
	contains(t, "links", string(doc),
		`href="/alesco/meetings/alesco-2026-12-03"`, `href="/agenda/alesco-2026-12-03.md"`, `href="/alesco/meetings/alesco-2026-12-03/console"`,
		`href="/minutes/alesco-2026-12-03.md"`, `href="/minutes/alesco-2026-07-30.md"`, `href="/alesco/minutes"`,
		`href="https://alesco.example.org/calendar/alesco.ics"`, `href="/alesco#subscribe"`, `aria-current="page">Meetings`)
	absent(t, "links", string(doc), `href="/agenda/alesco-2026-12-17.md"`, `href="/agenda/alesco-2026-07-30.md"`, `href="/alesco/meetings/alesco-2026-12-22/console"`)
}

func TestMeetingsPageDegrades(t *testing.T) {
	for _, tc := range []struct {
		name string
		page *MeetingsPage
		want []string
	}{
		{"unavailable", &MeetingsPage{Layout: fixtureLayout("meetings"), Note: "Not available yet.", FeedURL: "/x.ics"}, []string{"Meetings of ALESCo", "Not available yet."}},
		{"none", &MeetingsPage{Layout: fixtureLayout("meetings"), FeedURL: "/x.ics"}, []string{"No meeting is scheduled.", "No meeting has taken place yet."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			contains(t, tc.name, mainText(t, render(t, PageMeetings, tc.page)), tc.want...)
		})
	}
}
