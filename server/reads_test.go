package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/internal/alescotest"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// TestWarmReadsTouchNoStore: every public read, asked a second time with
// the data unchanged, is answered from the cache without opening a
// snapshot; after a write the next one reads again, once.
func TestWarmReadsTouchNoStore(t *testing.T) {
	var store alescotest.CountingStore
	env := alescotest.New(t, alescotest.WithCounting(&store), alescotest.WithGitHub(""))
	ctx := context.Background()
	admin := alescotest.Admin(ctx)
	if _, err := env.App.SyncProposals(admin, "alesco"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.ImportMinutes(admin, "alesco", "2026-06-04.md", alescotest.WikiFixtures(t)["2026-06-04.md"]); err != nil {
		t.Fatal(err)
	}
	ms := alescotest.Meetings(t, 2)
	get := connect.WithHTTPGet()
	meetings := v1.NewMeetingServiceClient(env.Client, env.URL, get)
	minutes := v1.NewMinutesServiceClient(env.Client, env.URL, get)
	proposals := v1.NewProposalServiceClient(env.Client, env.URL, get)
	year := &alescov1.ListMeetingsRequest{CommitteeId: "alesco",
		StartTime: timestamppb.New(env.Now()), EndTime: timestamppb.New(env.Now().AddDate(1, 0, 0))}
	feed := env.Fetch(http.MethodGet, "/calendar/alesco.ics")
	reads := map[string]func() error{
		"feed": func() error { return status(env.Fetch(http.MethodGet, "/calendar/alesco.ics"), 200) },
		"feed 304": func() error {
			return status(env.Fetch(http.MethodGet, "/calendar/alesco.ics", "If-None-Match", feed.Header.Get("ETag")), 304)
		},
		"expanded feed":    func() error { return status(env.Fetch(http.MethodGet, "/calendar/alesco.ics?expand=true"), 200) },
		"meeting ics":      func() error { return status(env.Fetch(http.MethodGet, "/calendar/alesco/"+ms[0].ID+".ics"), 200) },
		"agenda markdown":  func() error { return status(env.Fetch(http.MethodGet, "/agenda/"+ms[0].ID+".md"), 200) },
		"minutes markdown": func() error { return status(env.Fetch(http.MethodGet, "/minutes/alesco-2026-06-04.md"), 200) },
		"index page":       func() error { return status(env.Fetch(http.MethodGet, "/"), 200) },
		"committee page":   func() error { return status(env.Fetch(http.MethodGet, "/alesco"), 200) },
		"meeting page":     func() error { return status(env.Fetch(http.MethodGet, "/alesco/meetings/alesco-2026-06-04"), 200) },
		"proposals page":   func() error { return status(env.Fetch(http.MethodGet, "/alesco/proposals"), 200) },
		"minutes page":     func() error { return status(env.Fetch(http.MethodGet, "/alesco/minutes"), 200) },
		"GetMinutes": func() error {
			_, err := minutes.GetMinutes(ctx, connect.NewRequest(&alescov1.GetMinutesRequest{MeetingId: "alesco-2026-06-04"}))
			return err
		},
		"ListMinutes": func() error {
			_, err := minutes.ListMinutes(ctx, connect.NewRequest(&alescov1.ListMinutesRequest{CommitteeId: "alesco"}))
			return err
		},
		"ListMeetings": func() error {
			_, err := meetings.ListMeetings(ctx, connect.NewRequest(year))
			return err
		},
		"GetMeeting": func() error {
			_, err := meetings.GetMeeting(ctx, connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: ms[0].ID}))
			return err
		},
		"GetNextMeeting": func() error {
			_, err := meetings.GetNextMeeting(ctx, connect.NewRequest(&alescov1.GetNextMeetingRequest{CommitteeId: "alesco"}))
			return err
		},
		"ListProposals": func() error {
			_, err := proposals.ListProposals(ctx, connect.NewRequest(&alescov1.ListProposalsRequest{CommitteeId: "alesco"}))
			return err
		},
		"GetProposal": func() error {
			_, err := proposals.GetProposal(ctx, connect.NewRequest(&alescov1.GetProposalRequest{CommitteeId: "alesco", Number: 16}))
			return err
		},
	}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			if err := read(); err != nil { // cold, or warmed by an earlier read
				t.Fatal(err)
			}
			store.Counts()
			for range 3 {
				if err := read(); err != nil {
					t.Fatal(err)
				}
			}
			if views, updates := store.Counts(); views != 0 || updates != 0 {
				t.Errorf("warm reads opened %d snapshots and %d write transactions, want none", views, updates)
			}
		})
	}
	// A write changes the version: the next read of the feed reads the
	// store again, and the one after is warm again.
	if _, err := env.App.CancelMeeting(admin, ms[1].ID, "Holidays"); err != nil {
		t.Fatal(err)
	}
	store.Counts()
	if err := reads["feed"](); err != nil {
		t.Fatal(err)
	}
	if views, _ := store.Counts(); views != 1 {
		t.Errorf("the feed after a write read %d snapshots, want 1", views)
	}
	if err := reads["ListMeetings"](); err != nil {
		t.Fatal(err)
	}
	if views, _ := store.Counts(); views != 1 {
		t.Errorf("ListMeetings after a write read %d snapshots, want 1", views)
	}
}

func status(f alescotest.Fetched, want int) error {
	if f.Status != want {
		return fmt.Errorf("status %d, want %d: %s", f.Status, want, f.Body)
	}
	return nil
}

// TestBeyondHorizonNotFound: meetings more than two years ahead
// (alesco.MaxScheduleAhead) are not on the calendar: their pages, agendas,
// calendar files and RPCs answer NotFound, nothing is cached for them, and
// listings end at the horizon. The last meeting before it is served.
func TestBeyondHorizonNotFound(t *testing.T) {
	env := alescotest.New(t)
	ctx := context.Background()
	c, err := env.App.Committee(ctx, "alesco")
	if err != nil {
		t.Fatal(err)
	}
	horizon := c.HorizonDay(env.Now())
	all := c.Schedule(env.Now(), horizon.AddDays(60).Midnight(c.Location), nil, nil, env.Now())
	var last, beyond alesco.Meeting
	for _, m := range all {
		if m.LocalDate().After(horizon) {
			beyond = m
			break
		}
		last = m
	}
	if last.ID == "" || beyond.ID == "" {
		t.Fatalf("no meetings around the horizon %s: %v", horizon, all)
	}
	client := v1.NewMeetingServiceClient(env.Client, env.URL)
	before := env.App.Cache.Stats()
	for _, id := range []string{beyond.ID, "alesco-9998-12-24"} {
		for _, path := range []string{"/alesco/meetings/" + id, "/agenda/" + id + ".md", "/calendar/alesco/" + id + ".ics", "/minutes/" + id + ".md"} {
			if f := env.Fetch(http.MethodGet, path); f.Status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, f.Status)
			}
		}
		_, err := client.GetMeeting(ctx, connect.NewRequest(&alescov1.GetMeetingRequest{MeetingId: id}))
		if alescotest.CodeOf(err) != connect.CodeNotFound || !strings.Contains(err.Error(), "two years ahead") {
			t.Errorf("GetMeeting %s: %v, want NotFound (two years ahead)", id, err)
		}
	}
	if after := env.App.Cache.Stats(); after.Entries != before.Entries {
		t.Errorf("requests beyond the horizon left %d cache entries, want none", after.Entries-before.Entries)
	}
	if f := env.Fetch(http.MethodGet, "/alesco/meetings/"+last.ID); f.Status != http.StatusOK {
		t.Errorf("the last meeting before the horizon, %s: %d", last.ID, f.Status)
	}
	resp, err := client.ListMeetings(ctx, connect.NewRequest(&alescov1.ListMeetingsRequest{CommitteeId: "alesco",
		StartTime: timestamppb.New(last.Start.Add(-time.Hour)), EndTime: timestamppb.New(beyond.Start.AddDate(1, 0, 0))}))
	if err != nil {
		t.Fatal(err)
	}
	if ms := resp.Msg.Meetings; len(ms) != 1 || ms[0].Id != last.ID {
		t.Errorf("ListMeetings across the horizon: %v, want only %s", ms, last.ID)
	}
}

// TestCacheStaysWithinBudget: distinct pages, feeds and agendas of every
// meeting on the calendar, asked by anyone, fill the cache only up to its
// byte budget; the least recently used go first, the feed asked all along
// stays.
func TestCacheStaysWithinBudget(t *testing.T) {
	const budget = 256 << 10
	env := alescotest.New(t, alescotest.WithApp(func(o *app.Options) { o.CacheBytes = budget }))
	c, _ := env.App.Committee(context.Background(), "alesco")
	ms := c.Schedule(c.Series[0].First.Midnight(c.Location), c.HorizonDay(env.Now()).AddDays(1).Midnight(c.Location), nil, nil, env.Now())
	if len(ms) < 60 {
		t.Fatalf("only %d meetings on the calendar", len(ms))
	}
	for _, m := range ms {
		for _, path := range []string{"/alesco/meetings/" + m.ID, "/agenda/" + m.ID + ".md", "/calendar/alesco/" + m.ID + ".ics", "/calendar/alesco.ics"} {
			if f := env.Fetch(http.MethodGet, path); f.Status != http.StatusOK && f.Status != http.StatusNotFound {
				t.Fatalf("GET %s: %d %s", path, f.Status, f.Body)
			}
		}
		// Ids that are no meeting are answered, never kept.
		if f := env.Fetch(http.MethodGet, "/alesco/meetings/"+m.ID+"-7"); f.Status != http.StatusNotFound {
			t.Fatalf("GET a numbered id that does not exist: %d", f.Status)
		}
	}
	st := env.App.Cache.Stats()
	if st.Bytes > budget || st.Bytes < budget/2 {
		t.Errorf("cache holds %d bytes in %d entries, want between half the budget and the budget (%d)", st.Bytes, st.Entries, budget)
	}
	hits := st.Hits
	env.Fetch(http.MethodGet, "/calendar/alesco.ics")
	if env.App.Cache.Stats().Hits != hits+1 {
		t.Error("the feed asked for all along was evicted")
	}
}

// TestRequestBodiesCapped: a request body over server.MaxRequestBytes is
// refused, whichever route it is sent to; bodiless GETs pass untouched.
func TestRequestBodiesCapped(t *testing.T) {
	env := alescotest.New(t)
	big := `{"committeeId":"alesco","fileName":"x.md","markdown":"` + strings.Repeat("x", 2<<20) + `"}`
	r := env.Post("/alesco.v1.MinutesService/ImportMinutes", big, "Content-Type", "application/json")
	// 413 for HTTP clients (a 429 invites a retry), resource_exhausted for
	// Connect clients, which read the code from the body.
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.Body), `"code":"resource_exhausted"`) {
		t.Errorf("a %d-byte request: %d %s, want 413 and resource_exhausted", len(big), r.Status, r.Body)
	}
	if f := env.Fetch(http.MethodGet, "/calendar/alesco.ics"); f.Status != http.StatusOK {
		t.Errorf("GET after it: %d", f.Status)
	}
}
