package sqlite_test

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/sqlite"
)

// releaseDB is a database written by the release before the application
// layer (commit cfbc906), through its API: the eight wiki minutes
// imported, a meeting recorded live (attendance, a tie decided by the
// chair, a punted async vote, action items, finalized, amended, an item
// completed), a meeting under way (a draft with an open motion), meeting
// changes (a cancel, a move, an added meeting), tokens (one revoked),
// proposals synced from the fake GitHub plus a webhook delivery, and an
// agenda on record. Every later schema change must open it and keep all.
const releaseDB = "testdata/release-cfbc906.db"

// openRelease copies the old database and opens it with this release,
// which applies the pending migrations in place.
func openRelease(t *testing.T, clock *alescotest.Clock) *app.App {
	t.Helper()
	a, _ := openReleaseAt(t, clock)
	return a
}

// openReleaseAt is openRelease, also returning the copy's path.
func openReleaseAt(t *testing.T, clock *alescotest.Clock) (*app.App, string) {
	t.Helper()
	src, err := os.Open(releaseDB)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "alesco.db")
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("the release database does not open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = clock.Now
	a, err := app.New(app.Options{Committees: alescotest.Committees(t), Store: db, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return a, path
}

func TestReleaseDatabaseUpgrades(t *testing.T) {
	// The release database is history: written on 2026-12-03 while that
	// meeting was under way, it is opened at that moment, whatever the
	// tests' today.
	clock := alescotest.NewClock(time.Date(2026, 12, 3, 17, 40, 0, 0, time.UTC))
	a := openRelease(t, clock)
	ctx := alescotest.Admin(context.Background())

	rep, err := a.VerifyAudit(ctx, nil)
	if err != nil || rep.Head.Rows != 47+10 || rep.Sealed != 10 || rep.OnUpgrade != 10 {
		t.Fatalf("audit: %+v, %v; want the release's 47 rows verifying and its 10 frozen texts sealed on upgrade (10 rows more)", rep, err)
	}
	n := rep.Head.Rows
	toks, err := a.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	revoked := 0
	for _, tok := range toks {
		if !tok.Revoked.IsZero() {
			revoked++
		}
	}
	if len(toks) != 5 || revoked != 1 {
		t.Fatalf("tokens: %d, %d revoked; want 5, 1", len(toks), revoked)
	}

	c, all, err := a.ListMinutes(ctx, "alesco")
	if err != nil || len(all) != 10 {
		t.Fatalf("minutes: %d, %v; want 10", len(all), err)
	}
	_, live, err := a.GetMinutes(ctx, "alesco-2026-11-19")
	if err != nil {
		t.Fatal(err)
	}
	if live.Status != alesco.MinutesFinal || live.Revision != 2 || len(live.Revisions) != 1 || len(live.Motions) != 2 ||
		len(live.Decisions) != 1 || len(live.ActionItems) != 2 || !live.ActionItems[1].Done || live.Motions[0].Deciding == nil {
		t.Fatalf("live minutes of 2026-11-19: %v rev %d, %d revisions, %d motions, %d decisions, %d items",
			live.Status, live.Revision, len(live.Revisions), len(live.Motions), len(live.Decisions), len(live.ActionItems))
	}
	if q, present := live.Quorum(c); present != 4 || !q.Met(present) {
		t.Fatalf("2026-11-19: %d present", present)
	}
	_, imported, err := a.GetMinutes(ctx, "alesco-2025-10-16")
	if err != nil || imported.Source != alesco.SourceMarkdown || imported.ImportHash == "" {
		t.Fatalf("imported minutes: %v, %v", imported, err)
	}

	for id, want := range map[string]alesco.MeetingStatus{
		"alesco-2026-12-17": alesco.MeetingCancelled, "alesco-2026-12-31": alesco.MeetingMoved,
		"alesco-2027-01-21": alesco.MeetingScheduled, "alesco-2024-07-24": alesco.MeetingHeld,
	} {
		if m, err := a.GetMeeting(ctx, id); err != nil || m.Status != want {
			t.Errorf("%s: %v, %v; want %v", id, m.Status, err, want)
		}
	}
	// A meeting added by an import of the old release had a made-up time:
	// it is all day now.
	if m, err := a.GetMeeting(ctx, "alesco-2024-07-24"); err != nil || !m.AllDay || m.Start.In(m.Location).Hour() != 0 || m.End.Sub(m.Start) != 24*time.Hour {
		t.Errorf("alesco-2024-07-24: all day %v, %s to %s, %v", m.AllDay, m.Start, m.End, err)
	}
	ps, st, err := a.ListProposals(ctx, "alesco")
	if err != nil || len(ps) == 0 || st.LastSynced.IsZero() {
		t.Fatalf("proposals: %d, synced %v, %v", len(ps), st.LastSynced, err)
	}
	if p, err := a.GetProposal(ctx, "alesco", 16); err != nil || p.State != alesco.ProposalFCP {
		t.Fatalf("#16 after the webhook: %v, %v", p.State, err)
	}
	if ag, err := a.Agenda(ctx, "alesco-2026-11-19", ""); err != nil || !ag.Frozen {
		t.Fatalf("agenda on record of 2026-11-19: frozen %v, %v", ag.Frozen, err)
	}

	// The meeting under way goes on where the old release left it.
	_, draft, err := a.GetMinutes(ctx, "alesco-2026-12-03")
	if err != nil || draft.Status != alesco.MinutesDraft || len(draft.Motions) != 1 || draft.Motions[0].Status != alesco.MotionOpen {
		t.Fatalf("draft of 2026-12-03: %v", err)
	}
	motion := draft.Motions[0].ID
	for _, id := range []string{"andrew-lukoshko", "ben-thomas", "jonathan-wright"} {
		if _, err := a.CastVote(ctx, app.VoteRequest{MotionID: motion, MemberID: id, Value: alesco.VoteYes}); err != nil {
			t.Fatal(err)
		}
	}
	if mo, err := a.CloseMotion(ctx, motion, alesco.OutcomeNone); err != nil || mo.Outcome != alesco.OutcomePassed || !mo.Unanimous {
		t.Fatalf("close: %v unanimous %v, %v", mo.Outcome, mo.Unanimous, err)
	}
	if _, m, err := a.FinalizeMinutes(ctx, "alesco-2026-12-03", []string{"Andrew Lukoshko"}, nil); err != nil || m.Status != alesco.MinutesFinal {
		t.Fatalf("finalize: %v", err)
	}
	if after, err := a.VerifyAudit(ctx, nil); err != nil || after.Head.Rows != n+5 || after.Sealed != 11 || after.OnUpgrade != 10 {
		t.Fatalf("audit after the new writes: %+v, %v; want %d rows, the new final text sealed", after, err, n+5)
	}
}

// TestReleaseDatabaseGetsSearchIndex: the 0801 migration fills the search
// index from what an earlier release stored.
func TestReleaseDatabaseGetsSearchIndex(t *testing.T) {
	a := openRelease(t, alescotest.NewClock(alescotest.Epoch))
	_, hits, err := a.SearchMinutes(context.Background(), "alesco", "secure boot", 50)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[alesco.SearchKind]bool{}
	var oct bool
	for _, h := range hits {
		kinds[h.Kind] = true
		oct = oct || (h.MeetingID == "alesco-2025-10-16" && strings.Contains(h.SnippetText(), "Secure Boot"))
	}
	if !oct || !kinds[alesco.SearchProposal] {
		t.Fatalf("the upgraded database's search index lacks the 2025-10-16 minutes or the proposals: %+v", hits)
	}
}

// TestReleaseDatabaseSealedOnUpgrade: the release kept no seals; its ten
// frozen texts (eight imports, and the 2026-11-19 minutes finalized live,
// then amended) are sealed when this release first opens it, each in a row
// of its own saying so. From then on an edit of them in the file shows.
func TestReleaseDatabaseSealedOnUpgrade(t *testing.T) {
	ctx := alescotest.Admin(context.Background())
	a, path := openReleaseAt(t, alescotest.NewClock(alescotest.Epoch))
	es, err := a.AuditLog(ctx, 47, 100)
	if err != nil || len(es) != 10 {
		t.Fatalf("rows after the release's 47: %d, %v; want 10 seals", len(es), err)
	}
	for _, e := range es {
		if s, ok := alesco.SealIn(e.Detail); e.Action != alesco.SealAction || e.Actor != "upgrade (alesco)" || !ok || !strings.HasPrefix(e.Subject, "meeting/") ||
			(s.Record == "") != (e.Subject == "meeting/alesco-2026-11-19" && s.Revision == 1) {
			t.Errorf("upgrade row %d: %s %s %s %s", e.ID, e.Actor, e.Action, e.Subject, e.Detail)
		}
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, c := range []struct{ name, sql, want string }{
		{"a vote flipped", `DROP TRIGGER votes_final_update;
			UPDATE votes SET value = 1 WHERE member_id = 'neal-gompa' AND motion_id = 1`,
			"the record of alesco-2026-11-19 (revision 2: attendance, decisions, notes, motions, votes or action items) was edited after it was frozen"},
		{"the amended revision's text", `DROP TRIGGER minutes_revisions_no_update;
			UPDATE minutes_revisions SET markdown = markdown || 'forged' WHERE meeting_id = 'alesco-2026-11-19'`,
			"revision 1 of the minutes of alesco-2026-11-19 was edited or removed after it was frozen"},
	} {
		if _, err := raw.Exec(c.sql); err != nil {
			t.Fatal(err)
		}
		if _, err := a.VerifyAudit(ctx, nil); err == nil || !strings.Contains(alesco.ErrorMessage(err), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
