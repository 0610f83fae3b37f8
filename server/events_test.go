package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/indico"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/internal/eventstest"
	"github.com/almalinux/alesco/internal/icaltest"
	"github.com/emersion/go-ical"
)

// newEventsEnv is the real server with ALESCo reading the fake events
// site's export (timeout and cap small, so the slow and the huge site do
// not hold the test; the huge one sends 6 MB, over either cap).
func newEventsEnv(t testing.TB, site *eventstest.Server, opts ...alescotest.Option) *alescotest.Env {
	t.Helper()
	opts = append(opts, alescotest.WithApp(func(o *app.Options) {
		o.Committees.List()[0].EventSite.ICS = site.URL()
		o.Events = indico.New(indico.Options{Timeout: 2 * time.Second, MaxBytes: 1 << 20})
	}))
	return alescotest.New(t, opts...)
}

// feedEvents decodes a feed's VEVENTs by UID (masters and overrides alike:
// each has its own entry, the override's UID suffixed with its
// RECURRENCE-ID).
func feedEvents(t *testing.T, body []byte) map[string]*ical.Component {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("feed does not parse: %v\n%s", err, body)
	}
	out := map[string]*ical.Component{}
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		uid, _ := c.Props.Text(ical.PropUID)
		if p := c.Props.Get(ical.PropRecurrenceID); p != nil {
			uid += "/" + p.Value
		}
		out[uid] = c
	}
	return out
}

// TestEventsSiteDoneWhen is the acceptance: against an export
// built from the next three meetings (the first's event, the second's an
// hour off, none for the third, another group's event on the first day),
// the first meeting links its event in the feed, on its page, in the API
// and its agenda; the check names the second and third; the pages warn.
func TestEventsSiteDoneWhen(t *testing.T) {
	sc := eventstest.NextThree(t)
	site := eventstest.New(t, sc.Events)
	env := newEventsEnv(t, site)
	ctx := alescotest.Admin(context.Background())
	if err := env.App.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	first, second, third := sc.Meetings[0], sc.Meetings[1], sc.Meetings[2]
	line := "Event page: " + sc.FirstEventURL

	t.Run("feeds", func(t *testing.T) {
		r := env.Fetch("GET", "/calendar/alesco.ics?expand=true")
		if r.Status != 200 {
			t.Fatalf("expanded feed: %d", r.Status)
		}
		evs := feedEvents(t, r.Body)
		host := "@alesco.example.org"
		// The second meeting's event is its own (that day, its title), an
		// hour off: linked, and the check names it. The third has none.
		wants := map[string]string{first.ID: line, second.ID: "Event page: " + sc.Events[2].URL, third.ID: ""}
		for _, m := range sc.Meetings {
			ev := evs[m.ID+host]
			if ev == nil {
				t.Fatalf("no event %s in the expanded feed", m.ID)
			}
			d, _ := ev.Props.Text(ical.PropDescription)
			if w := wants[m.ID]; (w == "" && strings.Contains(d, "Event page:")) || !strings.Contains(d, w) {
				t.Errorf("%s's description, want %q:\n%s", m.ID, w, d)
			}
		}
		// The recurring feed: the next meeting has its own text, the link in it.
		r = env.Fetch("GET", "/calendar/alesco.ics")
		found := false
		for _, in := range expandFeed(t, r.Body, first.Start.Add(-time.Minute), third.End) {
			if in.Start.Equal(first.Start) {
				found = strings.Contains(in.Description, line)
			} else if in.Start.Equal(third.Start) && strings.Contains(in.Description, "Event page:") {
				t.Errorf("%s links an event: %q", in.Start, in.Description)
			}
		}
		if !found {
			t.Errorf("the recurring feed's first meeting does not link its event:\n%s", r.Body)
		}
		r = env.Fetch("GET", "/calendar/alesco/"+first.ID+".ics")
		if !bytes.Contains(unfold(r.Body), []byte(sc.FirstEventURL)) {
			t.Errorf("the meeting's .ics does not link its event:\n%s", r.Body)
		}
	})

	t.Run("API, page and agenda", func(t *testing.T) {
		client := v1.NewMeetingServiceClient(env.Client, env.URL)
		for _, m := range sc.Meetings {
			res, err := client.GetMeeting(context.Background(), connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: m.ID}))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{first.ID: sc.FirstEventURL, second.ID: sc.Events[2].URL}[m.ID]
			if got := res.Msg.Meeting.EventUrl; got != want {
				t.Errorf("%s: event_url %q, want %q", m.ID, got, want)
			}
		}
		page := env.Fetch("GET", "/alesco/meetings/"+first.ID)
		if page.Status != 200 || !strings.Contains(string(page.Body), `<a href="`+sc.FirstEventURL+`">Event page on the events site</a>`) {
			t.Errorf("the meeting page does not link the event:\n%s", page.Body)
		}
		if strings.Contains(string(page.Body), "events site disagrees") {
			t.Errorf("the first meeting agrees, its page warns")
		}
		ag := env.Fetch("GET", "/agenda/"+first.ID+".md")
		if !strings.Contains(string(ag.Body), "\n"+line+"\n") {
			t.Errorf("the agenda does not link the event:\n%s", ag.Body)
		}
	})

	t.Run("check", func(t *testing.T) {
		from, to := app.CheckAhead(env.App.Committees().List()[0], env.Now())
		chk, err := env.App.CheckEvents(context.Background(), "alesco", from, to)
		if err != nil {
			t.Fatal(err)
		}
		if !chk.Site.Readable() || len(chk.Problems) < 2 {
			t.Fatalf("check: %+v", chk)
		}
		p0, p1 := chk.Problems[0], chk.Problems[1]
		if p0.Meeting.ID != second.ID || p0.Kind != alesco.DriftTime || !p0.Event.Start.Equal(second.Start.Add(time.Hour)) ||
			p1.Meeting.ID != third.ID || p1.Kind != alesco.DriftMissing {
			t.Errorf("problems: %+v %+v", p0, p1)
		}
		for _, p := range chk.Problems {
			if p.Meeting.ID == first.ID {
				t.Errorf("the first meeting agrees with its event: %+v", p)
			}
		}
	})

	t.Run("warnings", func(t *testing.T) {
		want := "the event is at another time: " + second.Start.Add(time.Hour).In(alescotest.NewYork).Format("Mon 2006-01-02 15:04 MST")
		page := env.Fetch("GET", "/alesco/meetings/"+second.ID)
		if !strings.Contains(string(page.Body), "The events site disagrees with this meeting") || !strings.Contains(string(page.Body), want) {
			t.Errorf("the second meeting's page does not warn %q:\n%s", want, page.Body)
		}
		console := env.Fetch("GET", "/alesco/meetings/"+third.ID+"/console")
		if !strings.Contains(string(console.Body), "no event on the events site") {
			t.Errorf("the console does not warn:\n%s", console.Body)
		}
	})

	t.Run("alarm", func(t *testing.T) {
		for _, path := range []string{"/calendar/alesco.ics?alarm=15m", "/calendar/alesco.ics?expand=true&alarm=15m", "/calendar/alesco/" + first.ID + ".ics?alarm=15m"} {
			r := env.Fetch("GET", path)
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", path, r.Status, r.Body)
			}
			evs := feedEvents(t, r.Body)
			if len(evs) == 0 {
				t.Fatalf("%s: no events", path)
			}
			for uid, ev := range evs {
				var triggers []string
				for _, a := range ev.Children {
					if a.Name == ical.CompAlarm {
						tr := a.Props.Get(ical.PropTrigger)
						act, _ := a.Props.Text(ical.PropAction)
						desc, _ := a.Props.Text(ical.PropDescription)
						if tr == nil || act != "DISPLAY" || desc == "" {
							t.Errorf("%s %s: VALARM without TRIGGER, ACTION:DISPLAY or DESCRIPTION", path, uid)
							continue
						}
						triggers = append(triggers, tr.Value)
					}
				}
				if len(triggers) != 1 || triggers[0] != "-PT15M" {
					t.Errorf("%s %s: triggers %v, want [-PT15M]", path, uid, triggers)
				}
			}
			plain := env.Fetch("GET", strings.TrimSuffix(strings.TrimSuffix(path, "?alarm=15m"), "&alarm=15m"))
			if bytes.Contains(plain.Body, []byte("VALARM")) || plain.Header.Get("ETag") == r.Header.Get("ETag") {
				t.Errorf("%s: the feed without alarm= carries it too (cache key)", path)
			}
		}
		for _, bad := range []string{"banana", "0m", "30s", "8d", "-15m", "1.5m", ""} {
			r := env.Fetch("GET", "/calendar/alesco.ics?alarm="+bad)
			if r.Status != 400 || !strings.Contains(string(r.Body), "alarm=15m") {
				t.Errorf("alarm=%s: %d %s, want 400 saying what to write", bad, r.Status, r.Body)
			}
		}
		if r := env.Fetch("GET", "/calendar/alesco/"+first.ID+".ics?alarm=banana"); r.Status != 400 {
			t.Errorf("meeting .ics alarm=banana: %d", r.Status)
		}
		if r := env.Fetch("GET", "/calendar/alesco.ics?alarm=1d"); r.Status != 200 || !bytes.Contains(r.Body, []byte("TRIGGER:-P1D\r\n")) {
			t.Errorf("alarm=1d: %d", r.Status)
		}
		committee := env.Fetch("GET", "/alesco")
		if !strings.Contains(string(committee.Body), "/calendar/alesco.ics?alarm=15m") {
			t.Errorf("the committee page offers no reminder feed")
		}
	})
}

// TestEventsSiteBadInput: whatever the events site does (unreachable,
// slow, huge, not iCalendar, events without times), feeds and pages keep
// working with the last good copy, and the check says the site could not
// be read.
func TestEventsSiteBadInput(t *testing.T) {
	sc := eventstest.NextThree(t)
	site := eventstest.New(t, sc.Events)
	env := newEventsEnv(t, site)
	ctx := alescotest.Admin(context.Background())
	if err := env.App.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	first := sc.Meetings[0]
	from, to := app.CheckAhead(env.App.Committees().List()[0], env.Now())
	for _, tc := range []struct{ mode, says string }{
		{eventstest.Down, "answered 503"},
		{eventstest.Unreachable, "cannot be reached"},
		{eventstest.Slow, "did not answer within"},
		{eventstest.Huge, "larger than 1 MiB"},
		{eventstest.HTML, "not iCalendar"},
		{eventstest.NoTimes, "has a start time"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			site.Mode(tc.mode)
			defer site.Mode(eventstest.OK)
			err := env.App.RefreshEvents(ctx)
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("refresh: %v, want %q", err, tc.says)
			}
			chk, err := env.App.CheckEvents(context.Background(), "alesco", from, to)
			if err != nil {
				t.Fatal(err)
			}
			if chk.Site.Readable() || !strings.Contains(chk.Site.Error, tc.says) || len(chk.Site.Events) != len(sc.Events) {
				t.Errorf("check: readable %v, error %q, %d events kept", chk.Site.Readable(), chk.Site.Error, len(chk.Site.Events))
			}
			if len(chk.Problems) < 2 || chk.Problems[0].Meeting.ID != sc.Meetings[1].ID {
				t.Errorf("the last good copy is not in use: %+v", chk.Problems)
			}
			feed := env.Fetch("GET", "/calendar/alesco.ics?expand=true")
			if feed.Status != 200 || !bytes.Contains(unfold(feed.Body), []byte(sc.FirstEventURL)) {
				t.Errorf("feed: %d, links the event of the last good copy: %v", feed.Status, bytes.Contains(unfold(feed.Body), []byte(sc.FirstEventURL)))
			}
			page := env.Fetch("GET", "/alesco/meetings/"+first.ID)
			if page.Status != 200 || !strings.Contains(string(page.Body), sc.FirstEventURL) || !strings.Contains(string(page.Body), "it could not be read: ") {
				t.Errorf("page: %d\n%s", page.Status, page.Body)
			}
		})
	}
	// Back to normal: readable again, nothing lost.
	if err := env.App.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	chk, err := env.App.CheckEvents(context.Background(), "alesco", from, to)
	if err != nil || !chk.Site.Readable() {
		t.Fatalf("after recovery: %+v %v", chk.Site, err)
	}
}

// TestEventsSiteConditional: an unchanged export is asked for with its
// validators and writes nothing; a changed one moves the feed on.
func TestEventsSiteConditional(t *testing.T) {
	sc := eventstest.NextThree(t)
	site := eventstest.New(t, sc.Events)
	env := newEventsEnv(t, site)
	ctx := alescotest.Admin(context.Background())
	if err := env.App.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	before := len(env.AuditLog())
	version := env.App.Version()
	if err := env.App.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	if len(env.AuditLog()) != before || env.App.Version() != version {
		t.Errorf("an unchanged export (304) wrote: %d audit rows, was %d", len(env.AuditLog()), before)
	}
	if site.Hits() != 2 {
		t.Errorf("hits %d", site.Hits())
	}
	// The second meeting's event moves to its time: its feed text changes.
	fixed := append([]alesco.SiteEvent(nil), sc.Events...)
	fixed[2].Start, fixed[2].End = sc.Meetings[1].Start, sc.Meetings[1].End
	site.Set(fixed)
	if err := env.App.RefreshEvents(ctx); err != nil {
		t.Fatal(err)
	}
	r := env.Fetch("GET", "/calendar/alesco.ics?expand=true")
	if !bytes.Contains(unfold(r.Body), []byte(fixed[2].URL)) {
		t.Errorf("the second meeting does not link its event once it is at its time")
	}
}

// TestEventsSiteChatPost: with notify.chat: [events], each problem of a
// meeting in the next two weeks is posted once, however often the site
// is read and whatever the clock adds; a meeting further ahead is not yet
// late.
func TestEventsSiteChatPost(t *testing.T) {
	sc := eventstest.NextThree(t)
	site := eventstest.New(t, sc.Events)
	env := newEventsEnv(t, site, alescotest.WithGitHub(""), alescotest.WithWriteBack())
	ctx := alescotest.Admin(context.Background())
	second, third := sc.Meetings[1], sc.Meetings[2]
	posts := func() []string {
		t.Helper()
		items, err := env.App.Outbox(ctx, alesco.OutboxFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, it := range items {
			if strings.HasPrefix(it.Key, "chat:events:") {
				keys = append(keys, it.Key)
				if !strings.Contains(it.Effect.Chat.Text, "The events site disagrees with the ALESCo meeting") {
					t.Errorf("post: %q", it.Effect.Chat.Text)
				}
			}
		}
		return keys
	}
	refresh := func(at time.Time) {
		t.Helper()
		env.Clock.Set(at)
		for range 3 {
			if err := env.App.RefreshEvents(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	refresh(second.Start.Add(-10 * 24 * time.Hour)) // the second is close, the third is not
	if got, want := posts(), []string{"chat:events:" + second.ID + ":time"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("posts %v, want %v", got, want)
	}
	refresh(third.Start.Add(-10 * 24 * time.Hour))
	if got, want := posts(), []string{"chat:events:" + second.ID + ":time", "chat:events:" + third.ID + ":missing"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("posts %v, want %v", got, want)
	}
}

// TestFeedAlarmParsersAgree: go-ical, python3-icalendar with
// recurring-ical-events and ical.js each read the ?alarm=15m feeds' VALARM
// on every occurrence, 15 minutes before.
func TestFeedAlarmParsersAgree(t *testing.T) {
	env := alescotest.New(t)
	next := alescotest.NextMeeting(t)
	from, to := next.Start.Add(-time.Hour), next.Start.AddDate(0, 3, 0)
	dir := t.TempDir()
	for _, feed := range []string{"/calendar/alesco.ics?alarm=15m", "/calendar/alesco.ics?expand=true&alarm=15m", "/calendar/alesco/" + next.ID + ".ics?alarm=15m"} {
		r := env.Fetch("GET", feed)
		if r.Status != 200 {
			t.Fatalf("%s: %d", feed, r.Status)
		}
		file := filepath.Join(dir, strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_").Replace(feed))
		if err := os.WriteFile(file, r.Body, 0o644); err != nil {
			t.Fatal(err)
		}
		check := func(t *testing.T, occ []alarmed) {
			if len(occ) == 0 {
				t.Fatal("no occurrences")
			}
			for _, o := range occ {
				if len(o.Alarms) != 1 || o.Alarms[0] != 15 {
					t.Errorf("%s %s: alarms %v, want [15]", o.UID, o.Start, o.Alarms)
				}
			}
		}
		t.Run("go-ical "+feed, func(t *testing.T) {
			cal, err := ical.NewDecoder(bytes.NewReader(r.Body)).Decode()
			if err != nil {
				t.Fatal(err)
			}
			ins, err := icaltest.Expand(cal, from, to)
			if err != nil {
				t.Fatal(err)
			}
			var occ []alarmed
			for _, in := range ins {
				occ = append(occ, alarmed{UID: in.UID, Start: in.Start.String(), Alarms: in.Alarms})
			}
			check(t, occ)
		})
		t.Run("python3-icalendar "+feed, func(t *testing.T) {
			if _, err := os.Stat("/usr/bin/python3"); err != nil {
				alescotest.External(t, "/usr/bin/python3 is not installed")
			}
			if out, err := exec.Command("/usr/bin/python3", "-c", "import icalendar, recurring_ical_events").CombinedOutput(); err != nil {
				alescotest.External(t, "python3-icalendar and python3-recurring-ical-events are not installed: "+string(out))
			}
			check(t, runAlarmed(t, "/usr/bin/python3", "../calendar/testdata/expand.py", file, from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339)))
		})
		t.Run("ical.js "+feed, func(t *testing.T) {
			node, err := exec.LookPath("node")
			if err != nil {
				alescotest.External(t, "node is not installed (apt-get install nodejs)")
			}
			if _, err := os.Stat("../calendar/testdata/icaljs/node_modules/ical.js"); err != nil {
				alescotest.External(t, "ical.js is not installed: run `npm ci` in calendar/testdata/icaljs")
			}
			check(t, runAlarmed(t, node, "../calendar/testdata/icaljs/expand.mjs", file, from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339)))
		})
	}
}

// alarmed is one occurrence as the external parsers print it.
type alarmed struct {
	UID    string `json:"uid"`
	Start  string `json:"start"`
	Alarms []int  `json:"alarms"`
}

func runAlarmed(t *testing.T, bin string, args ...string) []alarmed {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, stderr.String())
	}
	var occ []alarmed
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var o alarmed
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("bad output line %q: %v", sc.Text(), err)
		}
		occ = append(occ, o)
	}
	return occ
}

// expandFeed expands a feed with go-ical as a client would.
func expandFeed(t *testing.T, body []byte, from, to time.Time) []icaltest.Instance {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(body)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := icaltest.Expand(cal, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return ins
}

// unfold undoes iCalendar line folding (RFC 5545 §3.1).
func unfold(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n "), nil) }

// BenchmarkFeedEventsSite renders the expanded feed without an events
// site and with one of 500 events kept (every meeting of the year linked).
func BenchmarkFeedEventsSite(b *testing.B) {
	var events []alesco.SiteEvent
	for i, m := range alescotest.Meetings(b, 26) {
		events = append(events, alesco.SiteEvent{UID: fmt.Sprint(i), Title: "ALESCo Meeting", URL: fmt.Sprintf("https://events.almalinux.org/event/%d/", i), Start: m.Start, End: m.End})
	}
	for i := len(events); i < 500; i++ {
		at := alescotest.Epoch.Add(time.Duration(i) * 17 * time.Hour)
		events = append(events, alesco.SiteEvent{UID: fmt.Sprint(i), Title: "Another SIG", URL: fmt.Sprintf("https://events.almalinux.org/event/%d/", i), Start: at, End: at.Add(time.Hour)})
	}
	ctx := context.Background()
	render := func(b *testing.B, env *alescotest.Env) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := env.App.Feed(ctx, "alesco", true); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("none", func(b *testing.B) { render(b, alescotest.New(b)) })
	b.Run("500 events", func(b *testing.B) {
		env := newEventsEnv(b, eventstest.New(b, events))
		if err := env.App.RefreshEvents(alescotest.Admin(ctx)); err != nil {
			b.Fatal(err)
		}
		render(b, env)
	})
}
