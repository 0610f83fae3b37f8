package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/sqlite"
)

// benchServer is a server on a real SQLite file with a few meeting changes.
func benchServer(b *testing.B) *Server {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "alesco.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	cs, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Options{Committees: alesco.NewCommittees(cs), Store: db, BaseURL: "https://alesco.example.org",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	c, _ := s.committees.Get("alesco")
	for _, id := range []string{"alesco-2026-12-03", "alesco-2027-01-28"} {
		_, m, err := s.meeting(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		ch, err := alesco.CancelMeeting(m, "bench", now)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.SaveMeetingChange(ctx, ch); err != nil {
			b.Fatal(err)
		}
	}
	ch, err := c.AddMeeting(now.Add(30*24*time.Hour), 0, "Extra", now, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.SaveMeetingChange(ctx, ch); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkFeed measures a committee feed: rendering it (store reads,
// schedule, go-ical encoding, folding) and serving it from the cache over
// the full HTTP handler, with and without a matching If-None-Match.
func BenchmarkFeed(b *testing.B) {
	for _, path := range []string{"/calendar/alesco.ics", "/calendar/alesco.ics?expand=true"} {
		expand := path != "/calendar/alesco.ics"
		b.Run("render/expand="+map[bool]string{false: "false", true: "true"}[expand], func(b *testing.B) {
			s := benchServer(b)
			ctx := context.Background()
			c, _ := s.committees.Get("alesco")
			b.ReportAllocs()
			for b.Loop() {
				st, err := s.feedState(ctx, c)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.buildFeed(ctx, c, expand, st); err != nil {
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
				s := benchServer(b)
				first := httptest.NewRecorder()
				s.ServeHTTP(first, httptest.NewRequest(http.MethodGet, path, nil))
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
					s.ServeHTTP(w, req)
					if w.Code != want {
						b.Fatalf("status %d, want %d", w.Code, want)
					}
				}
			})
		}
	}
}

// TestFeedCacheRebuildsOnlyOnChange: a second request is served from the
// cache (the build is not called), a write makes the next one rebuild.
func TestFeedCacheRebuildsOnlyOnChange(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	cs, _ := config.Default()
	s, err := New(Options{Committees: alesco.NewCommittees(cs), Store: db, BaseURL: "https://alesco.example.org",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	get := func() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/calendar/alesco.ics", nil))
		if w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
	}
	version := func() string {
		s.cache.mu.Lock()
		defer s.cache.mu.Unlock()
		return s.cache.entries["feed/alesco/false"].version
	}
	get()
	v1 := version()
	get()
	if v2 := version(); v2 != v1 || v1 == "" {
		t.Fatalf("cache version %q then %q: want one stable version", v1, v2)
	}
	_, m, err := s.meeting(ctx, "alesco-2026-12-03")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := alesco.CancelMeeting(m, "x", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveMeetingChange(ctx, ch); err != nil {
		t.Fatal(err)
	}
	get()
	if v3 := version(); v3 == v1 {
		t.Fatal("a write did not change the cached feed's version")
	}
	// When the next meeting has ended, the following one becomes next: the
	// version changes without a write (its agenda summary is the one shown).
	v3 := version()
	now = time.Date(2026, 12, 17, 18, 30, 0, 0, time.UTC)
	get()
	if version() == v3 {
		t.Fatal("the next meeting changed but the cached feed did not")
	}
}
