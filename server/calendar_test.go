package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
)

// benchEnv is a server on a real SQLite file with a few meeting changes.
func benchEnv(b *testing.B) *alescotest.Env {
	b.Helper()
	env := alescotest.New(b)
	ctx := alescotest.Admin(context.Background())
	ms := alescotest.Meetings(b, 5)
	for _, m := range []alescotest.Meeting{ms[0], ms[4]} {
		if _, err := env.App.CancelMeeting(ctx, m.ID, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := env.App.AddMeeting(ctx, "alesco", env.Now().Add(30*24*time.Hour), 0, "Extra", alesco.Place{}); err != nil {
		b.Fatal(err)
	}
	return env
}

// BenchmarkFeed measures a committee feed: rendering it (store reads,
// schedule, go-ical encoding, folding) and serving it from the cache over
// the full HTTP handler, with and without a matching If-None-Match.
func BenchmarkFeed(b *testing.B) {
	for _, path := range []string{"/calendar/alesco.ics", "/calendar/alesco.ics?expand=true"} {
		expand := path != "/calendar/alesco.ics"
		b.Run("render/expand="+map[bool]string{false: "false", true: "true"}[expand], func(b *testing.B) {
			env := benchEnv(b)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				env.App.Cache.Clear()
				if _, err := env.App.Feed(ctx, "alesco", expand); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, conditional := range []bool{false, true} {
			name := "cached/expand=" + map[bool]string{false: "false", true: "true"}[expand]
			if conditional {
				name += "/304"
			}
			b.Run(name, func(b *testing.B) {
				env := benchEnv(b)
				first := httptest.NewRecorder()
				env.Server.ServeHTTP(first, httptest.NewRequest(http.MethodGet, path, nil))
				if first.Code != 200 {
					b.Fatalf("status %d", first.Code)
				}
				etag := first.Header().Get("ETag")
				want := http.StatusOK
				if conditional {
					want = http.StatusNotModified
				}
				b.ReportAllocs()
				for b.Loop() {
					req := httptest.NewRequest(http.MethodGet, path, nil)
					if conditional {
						req.Header.Set("If-None-Match", etag)
					}
					w := httptest.NewRecorder()
					env.Server.ServeHTTP(w, req)
					if w.Code != want {
						b.Fatalf("status %d, want %d", w.Code, want)
					}
				}
			})
		}
	}
}

// TestFeedCacheRebuildsOnlyOnChange: a second request is served from the
// cache without reading the store; a write makes the next one rebuild,
// from one snapshot; so does the next meeting's end.
func TestFeedCacheRebuildsOnlyOnChange(t *testing.T) {
	var store alescotest.CountingStore
	env := alescotest.New(t, alescotest.WithCounting(&store))
	get := func() (views int64) {
		t.Helper()
		w := httptest.NewRecorder()
		env.Server.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/calendar/alesco.ics", nil))
		if w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
		views, _ = store.Counts()
		return views
	}
	if v := get(); v != 1 {
		t.Fatalf("a cold feed read %d snapshots, want 1", v)
	}
	if v := get(); v != 0 {
		t.Fatalf("a warm feed read %d snapshots, want 0", v)
	}
	ms := alescotest.Meetings(t, 2)
	if _, err := env.App.CancelMeeting(alescotest.Admin(context.Background()), ms[0].ID, "x"); err != nil {
		t.Fatal(err)
	}
	store.Counts()
	if v := get(); v != 1 {
		t.Fatalf("after a write the feed read %d snapshots, want 1 (a rebuild)", v)
	}
	if v := get(); v != 0 {
		t.Fatalf("warm again: %d snapshots", v)
	}
	// When the next meeting has ended, the following one becomes next: the
	// feed is rebuilt without a write (its agenda summary is the one shown).
	env.Clock.Set(ms[1].End.Add(30 * time.Minute))
	if v := get(); v != 1 {
		t.Fatalf("the next meeting changed but the feed read %d snapshots, want a rebuild", v)
	}
}
