package server

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/sqlite"
)

// TestAgendaSummary checks the text calendar events carry: the live agenda
// for the next meeting only, the agenda on record once it started.
func TestAgendaSummary(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cs := alesco.NewCommittees(cfg)
	s, err := New(Options{Committees: cs, Store: db, Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	err = db.SaveSync(ctx, sqlite.SyncRecord{CommitteeID: "alesco", Pulls: []sqlite.StoredPull{{Tracked: true, Proposal: alesco.Proposal{
		CommitteeID: "alesco", Number: 17, Title: "RFC: Add alternative signed newer kernels", State: alesco.ProposalFCP, Open: true,
		Created: time.Date(2026, 8, 20, 16, 0, 0, 0, time.UTC),
	}}}})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := cs.Get("alesco")
	summary := func(id string) string {
		t.Helper()
		_, m, err := s.meeting(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.agendaSummary(ctx, c, m)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := summary("alesco-2026-12-03"); !strings.Contains(got, "Votes:\n- #17 Add alternative signed newer kernels") || !strings.Contains(got, "Chair election due.") {
		t.Fatalf("next meeting summary:\n%s", got)
	}
	if got := summary("alesco-2026-12-17"); got != "" {
		t.Fatalf("a later meeting carries %q, want nothing", got)
	}
	if got := summary("alesco-2026-11-19"); got != "" {
		t.Fatalf("a past meeting without an agenda on record carries %q", got)
	}
	// Once the meeting started and its agenda is on record, the event keeps it.
	now = time.Date(2026, 12, 3, 17, 30, 0, 0, time.UTC)
	if err := s.FreezeStartedAgendas(ctx); err != nil {
		t.Fatal(err)
	}
	if got := summary("alesco-2026-12-03"); !strings.Contains(got, "#17") {
		t.Fatalf("summary on record:\n%s", got)
	}
}
