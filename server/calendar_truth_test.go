package server_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/emersion/go-ical"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// published is one event of a feed as a client stores it.
type published struct {
	sequence     int
	lastModified time.Time
	description  string
}

// eventIn reads the event with the given UID (its master, not an
// override) from a feed.
func eventIn(t *testing.T, feed []byte, uid string) published {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(feed)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range cal.Events() {
		if u, _ := ev.Props.Text(ical.PropUID); u != uid || ev.Props.Get(ical.PropRecurrenceID) != nil {
			continue
		}
		var p published
		p.sequence, _ = ev.Props.Get(ical.PropSequence).Int()
		p.lastModified, _ = ev.Props.Get(ical.PropLastModified).DateTime(time.UTC)
		p.description, _ = ev.Props.Text(ical.PropDescription)
		return p
	}
	t.Fatalf("no event %s in\n%s", uid, feed)
	return published{}
}

// TestSequenceRisesWithText: whenever an event's text changes (the agenda
// of the next meeting, the link to its minutes once held), its SEQUENCE
// and LAST-MODIFIED rise, so calendar clients fetch it again; whether a
// write changed it or only the clock, and the same before and after the
// background loop records the change.
func TestSequenceRisesWithText(t *testing.T) {
	env := newRFCEnv(t)
	ctx := context.Background()
	env.mustSync()
	feed := func(path string) []byte {
		t.Helper()
		r := env.Fetch("GET", path)
		if r.Status != 200 {
			t.Fatalf("%s: %d", path, r.Status)
		}
		return r.Body
	}
	// 2026-12-03 and 12-17 on the default today.
	ms := alescotest.Meetings(t, 2)
	dec3, dec17 := ms[0].ID+"@alesco.example.org", ms[1].ID+"@alesco.example.org"
	const master = "alesco-thursdays@alesco.example.org"
	before3 := eventIn(t, feed("/calendar/alesco.ics?expand=true"), dec3)
	before17 := eventIn(t, feed("/calendar/alesco.ics?expand=true"), dec17)
	beforeMaster := eventIn(t, feed("/calendar/alesco.ics"), master)
	if !strings.Contains(before3.description, "#17") || strings.Contains(before17.description, "#17") {
		t.Fatalf("the next meeting's event has the agenda, a later one not:\n%s\n---\n%s", before3.description, before17.description)
	}

	// A write changes the next meeting's agenda: #16 is relabelled.
	page2 := env.GitHub.File("pulls-page-2.json")
	env.GitHub.SetFile("pulls-page-2.json", bytes.Replace(page2, []byte(`"title": "RFC: Adding proposal for github org management"`),
		[]byte(`"title": "RFC: GitHub org management"`), 1))
	env.Clock.Set(alescotest.Epoch.Add(time.Hour))
	env.mustSync()
	after3 := eventIn(t, feed("/calendar/alesco.ics?expand=true"), dec3)
	if after3.description == before3.description || after3.sequence <= before3.sequence || !after3.lastModified.After(before3.lastModified) {
		t.Fatalf("agenda changed: sequence %d -> %d, last modified %s -> %s\n%s", before3.sequence, after3.sequence, before3.lastModified, after3.lastModified, after3.description)
	}

	// The clock alone: once 12-03 is over, 12-17 is next and shows the
	// agenda. No write happened, yet its SEQUENCE is higher already...
	env.Clock.Set(ms[0].End.Add(30 * time.Minute))
	next17 := eventIn(t, feed("/calendar/alesco.ics?expand=true"), dec17)
	if !strings.Contains(next17.description, "#17") || next17.sequence <= before17.sequence || !next17.lastModified.After(before17.lastModified) {
		t.Fatalf("12-17 became next: sequence %d -> %d, last modified %s -> %s\n%s", before17.sequence, next17.sequence, before17.lastModified, next17.lastModified, next17.description)
	}
	if m := eventIn(t, feed("/calendar/alesco.ics"), master); m.sequence <= beforeMaster.sequence {
		t.Fatalf("series master: sequence %d -> %d", beforeMaster.sequence, m.sequence)
	}
	// ...and recording it (the background loop) keeps the same SEQUENCE.
	if err := env.App.PublishEventTexts(ctx); err != nil {
		t.Fatal(err)
	}
	if again := eventIn(t, feed("/calendar/alesco.ics?expand=true"), dec17); again != next17 {
		t.Fatalf("after publishing: %+v, before %+v", again, next17)
	}

	// The minutes of 12-17, recorded once it started, swap the agenda for
	// the minutes link: higher again.
	env.Clock.Set(ms[1].Start.Add(5 * time.Minute))
	started := eventIn(t, feed("/calendar/alesco.ics?expand=true"), dec17)
	staff := v1.NewMinutesServiceClient(env.Client, env.URL, alescotest.WithToken(env.Token(alesco.RoleSecretary, "alesco", "")))
	ok(staff.AddNote(ctx, connect.NewRequest(&alescov1.AddNoteRequest{MeetingId: ms[1].ID, Topic: "Open floor", Text: "Nothing"})))(t)
	held := eventIn(t, feed("/calendar/alesco.ics?expand=true"), dec17)
	if !strings.Contains(held.description, "/minutes/"+ms[1].ID+".md") || held.sequence <= started.sequence || held.sequence <= next17.sequence {
		t.Fatalf("held: sequence %d (started %d)\n%s", held.sequence, started.sequence, held.description)
	}
}

// TestMeetingPlace: meetings take place where their series says (the
// ALESCo default: its chat channel); an added meeting may give its own
// place and join link, which the feed carries as LOCATION and CONFERENCE.
func TestMeetingPlace(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	chair := chairClient(env)
	const channel = "~alesco on chat.almalinux.org (https://chat.almalinux.org/almalinux/channels/alesco)"
	next := ok(meetingClient(env).GetMeeting(ctx, connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: alescotest.DecisionMeeting})))(t).Meeting
	if next.Location != channel || next.JoinUrl != "" {
		t.Fatalf("a series meeting takes place at %q, %q", next.Location, next.JoinUrl)
	}
	start := alescotest.NY(alescotest.Today().AddDays(41), 10, 0) // 2027-01-05 on the default today
	added := ok(chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(start),
		Title: "RFC 18 with the board", Location: "Jitsi", JoinUrl: "https://meet.example.org/alesco-rfc-18"})))(t).Meeting
	if added.Location != "Jitsi" || added.JoinUrl != "https://meet.example.org/alesco-rfc-18" {
		t.Fatalf("added meeting at %q, %q", added.Location, added.JoinUrl)
	}
	plain := ok(chair.AddMeeting(ctx, connect.NewRequest(&alescov1.AddMeetingRequest{CommitteeId: "alesco", StartTime: timestamppb.New(start.Add(48 * time.Hour))})))(t).Meeting
	if plain.Location != channel {
		t.Fatalf("an added meeting without a place takes %q, want the series'", plain.Location)
	}
	for _, bad := range []*alescov1.AddMeetingRequest{
		{CommitteeId: "alesco", StartTime: timestamppb.New(start), JoinUrl: "javascript:alert(1)"},
		{CommitteeId: "alesco", StartTime: timestamppb.New(start), Location: "Room 1\nBEGIN:VEVENT"},
	} {
		if _, err := chair.AddMeeting(ctx, connect.NewRequest(bad)); alescotest.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("AddMeeting %v: %v, want InvalidArgument", bad, err)
		}
	}
	r := env.Fetch("GET", "/calendar/alesco.ics")
	for _, want := range []string{"LOCATION:~alesco on chat.almalinux.org (https://chat.almalinux.org/almalinux/channels/alesco)\r\n",
		"LOCATION:Jitsi\r\n", "CONFERENCE;VALUE=URI:https://meet.example.org/alesco-rfc-18\r\n", "Join: https://meet.example.org/alesco-rfc-18"} {
		if !bytes.Contains(bytes.ReplaceAll(r.Body, []byte("\r\n "), nil), []byte(want)) {
			t.Errorf("feed lacks %q", want)
		}
	}
}

// TestImportedMeetingsAreAllDay: a meeting added from imported minutes has
// no made-up time: the API and the feed say it is all day.
func TestImportedMeetingsAreAllDay(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	if _, err := env.App.ImportMinutes(alescotest.Admin(ctx), "alesco", "2024-07-24.md", alescotest.WikiFixtures(t)["2024-07-24.md"]); err != nil {
		t.Fatal(err)
	}
	m := ok(meetingClient(env).GetMeeting(ctx, connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: "alesco-2024-07-24"})))(t).Meeting
	if !m.AllDay || m.LocalStart != "2024-07-24T00:00" || m.EndTime.AsTime().Sub(m.StartTime.AsTime()) != 24*time.Hour ||
		m.Status != alescov1.MeetingStatus_MEETING_STATUS_HELD {
		t.Fatalf("imported meeting: %v", m)
	}
	ics := env.Fetch("GET", "/calendar/alesco/alesco-2024-07-24.ics").Body
	for _, want := range []string{"DTSTART;VALUE=DATE:20240724\r\n", "DTEND;VALUE=DATE:20240725\r\n", "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\n", "not on record"} {
		if !bytes.Contains(ics, []byte(want)) {
			t.Errorf("calendar file lacks %q:\n%s", want, ics)
		}
	}
	// Minutes dated after today are of no meeting yet.
	day := alescotest.NextMeeting(t).Date.String()
	future := strings.ReplaceAll(string(alescotest.WikiFixtures(t)["2026-07-30.md"]), "2026-07-30", day)
	if _, err := env.App.ImportMinutes(alescotest.Admin(ctx), "alesco", day+".md", []byte(future)); alesco.ErrorCode(err) != alesco.EPRECONDITION {
		t.Fatalf("minutes of a meeting to come: %v", err)
	}
}
