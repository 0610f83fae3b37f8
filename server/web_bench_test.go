package server_test

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
	"github.com/almalinux/alesco/server"
	"github.com/almalinux/alesco/sqlite"
)

// BenchmarkWebPage serves the committee page in-process: "cached" is the
// steady state (same data, same minute), "render" rebuilds it every time
// (the clock moves a minute per request), calling the services in-process.
func BenchmarkWebPage(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "alesco.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cs, err := config.Default()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	srv, err := server.New(server.Options{Committees: alesco.NewCommittees(cs), Store: db, BaseURL: "https://alesco.example.org",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	get := func(b *testing.B) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/alesco", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET /alesco: %d", rec.Code)
		}
	}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			get(b)
		}
	})
	b.Run("render", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			now = now.Add(time.Minute)
			get(b)
		}
	})
}
