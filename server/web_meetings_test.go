package server_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/htmlcheck"
	"github.com/emersion/go-ical"
)

// TestWebMeetingsPage serves /alesco/meetings, the page the calendar
// feed's series link to ("Agendas and minutes: …"), with a meeting under
// way, a cancelled one and past meetings with minutes, and checks it
// against what ListMeetings and ListMinutes return.
func TestWebMeetingsPage(t *testing.T) {
	env := newWebEnv(t)
	ctx := alescotest.Admin(context.Background())
	next := alescotest.Meetings(t, 2)
	if _, err := env.App.CancelMeeting(ctx, next[1].ID, "Holiday week"); err != nil {
		t.Fatal(err)
	}
	added, err := env.App.AddMeeting(ctx, "alesco", env.Now().Add(time.Minute), time.Hour, "Extra vote", alesco.Place{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := env.App.StartMeeting(ctx, added.ID); err != nil {
		t.Fatal(err)
	}
	env.Clock.Set(env.Now().Add(10 * time.Minute)) // the added meeting is under way

	f := env.Fetch(http.MethodGet, "/alesco/meetings")
	if f.Status != http.StatusOK {
		t.Fatalf("GET /alesco/meetings: %d\n%s", f.Status, f.Body)
	}
	if err := htmlcheck.Check(f.Body); err != nil {
		t.Fatalf("not valid HTML: %v", err)
	}
	if !bytes.Contains(f.Body, []byte(`aria-current="page">Meetings`)) {
		t.Error("the Meetings navigation entry is not marked current")
	}
	upcoming, past := webSection(t, f.Body, "upcoming"), webSection(t, f.Body, "past")

	// Upcoming: every meeting ListMeetings has from now on, in its order.
	ms, err := v1.NewMeetingServiceClient(env.Client, env.URL, connect.WithHTTPGet()).ListMeetings(context.Background(),
		connect.NewRequest(&alescov1.ListMeetingsRequest{CommitteeId: "alesco"}))
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	for _, m := range ms.Msg.Meetings {
		if !m.EndTime.AsTime().After(env.Now()) {
			continue
		}
		webHasLink(t, f.Body, "/alesco/meetings/"+m.Id)
		i := strings.Index(string(f.Body), `href="/alesco/meetings/`+m.Id+`"`)
		if i < last {
			t.Errorf("upcoming meetings are not soonest first at %s", m.Id)
		}
		last = i
		if m.Status == alescov1.MeetingStatus_MEETING_STATUS_CANCELLED {
			webWantIn(t, "upcoming", upcoming, "Cancelled: "+m.CancelReason)
			if bytes.Contains(f.Body, []byte(`href="/agenda/`+m.Id+`.md"`)) {
				t.Errorf("the cancelled meeting %s links an agenda", m.Id)
			}
		} else {
			webHasLink(t, f.Body, "/agenda/"+m.Id+".md")
		}
	}
	webWantIn(t, "upcoming", upcoming, "Extra vote", "In progress")
	webHasLink(t, f.Body, "/alesco/meetings/"+added.ID+"/console")
	webHasLink(t, f.Body, "/minutes/"+added.ID+".md")

	// Past: the meetings with minutes link them; the others say so.
	w := webFetchWant(t, env)
	if len(w.minutes) == 0 {
		t.Fatal("no minutes to list")
	}
	for _, m := range w.minutes {
		webHasLink(t, f.Body, "/alesco/meetings/"+m.MeetingId)
		webHasLink(t, f.Body, "/minutes/"+m.MeetingId+".md")
	}
	webWantIn(t, "past", past, "Held", "Not recorded", "every meeting with minutes is under all minutes")
	if strings.Contains(past, "Extra vote") || strings.Contains(upcoming, "Not recorded") {
		t.Errorf("meetings in the wrong list:\nupcoming: %s\npast: %s", upcoming, past)
	}

	// Every link of the page answers.
	links, err := htmlcheck.Links(f.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if strings.HasPrefix(l.Href, "/") && !strings.HasPrefix(l.Href, "//") {
			if got := env.Fetch(http.MethodGet, strings.SplitN(l.Href, "#", 2)[0]); got.Status != http.StatusOK {
				t.Errorf("%s (%s) on the meetings page: %d", l.Href, l.Text, got.Status)
			}
		}
	}
}

// TestFeedSeriesLinkToMeetingsPage: the feed's series (one VEVENT for
// every meeting without an override) link to the meetings page, by URL and
// in their DESCRIPTION, and that page exists.
func TestFeedSeriesLinkToMeetingsPage(t *testing.T) {
	env := alescotest.New(t)
	f := env.Fetch(http.MethodGet, "/calendar/alesco.ics")
	cal, err := ical.NewDecoder(bytes.NewReader(f.Body)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	series := 0
	for _, e := range cal.Events() {
		if e.Props.Get(ical.PropRecurrenceRule) == nil {
			continue
		}
		series++
		const want = "https://alesco.example.org/alesco/meetings"
		if u := e.Props.Get(ical.PropURL); u == nil || u.Value != want {
			t.Errorf("series %s: URL %v, want %s", e.Props.Get(ical.PropUID).Value, u, want)
		}
		if d, _ := e.Props.Text(ical.PropDescription); !strings.Contains(d, "Agendas and minutes: "+want) {
			t.Errorf("series DESCRIPTION does not link the meetings page: %q", d)
		}
	}
	if series == 0 {
		t.Fatal("the feed has no series")
	}
	if got := env.Fetch(http.MethodGet, "/alesco/meetings"); got.Status != http.StatusOK {
		t.Errorf("GET /alesco/meetings: %d", got.Status)
	}
	if got := env.Fetch(http.MethodGet, "/nope/meetings"); got.Status != http.StatusNotFound {
		t.Errorf("GET /nope/meetings: %d, want 404", got.Status)
	}
}

// TestWebConsoleMinutesLink: a meeting's console links its minutes'
// Markdown once the minutes exist, and not before (it would be a 404).
func TestWebConsoleMinutesLink(t *testing.T) {
	env := alescotest.New(t)
	id := alescotest.NextMeeting(t).ID
	path := "/alesco/meetings/" + id + "/console"
	md := `href="/minutes/` + id + `.md"`
	if f := env.Fetch(http.MethodGet, path); f.Status != http.StatusOK || bytes.Contains(f.Body, []byte(md)) {
		t.Fatalf("console before the minutes: %d, links the minutes: %v", f.Status, bytes.Contains(f.Body, []byte(md)))
	}
	if got := env.Fetch(http.MethodGet, "/minutes/"+id+".md"); got.Status != http.StatusNotFound {
		t.Fatalf("minutes Markdown before the minutes: %d, want 404", got.Status)
	}
	env.Clock.Set(alescotest.NextMeeting(t).Start.Add(-30 * time.Minute)) // minutes may be taken an hour ahead
	if _, _, _, err := env.App.StartMeeting(alescotest.Admin(context.Background()), id); err != nil {
		t.Fatal(err)
	}
	f := env.Fetch(http.MethodGet, path)
	if f.Status != http.StatusOK || !bytes.Contains(f.Body, []byte(md)) {
		t.Fatalf("console once the minutes started: %d, does not link them", f.Status)
	}
	if got := env.Fetch(http.MethodGet, "/minutes/"+id+".md"); got.Status != http.StatusOK {
		t.Errorf("minutes Markdown once started: %d", got.Status)
	}
}
