package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/live"
	"github.com/almalinux/alesco/sqlite"
)

// beforeSeals is the store as the release before sealing every final record
// wrote: endmeeting's audit row carried no seal.
type beforeSeals struct{ *sqlite.DB }

func (s beforeSeals) Update(ctx context.Context, fn func(alesco.Tx) (alesco.Change, error)) error {
	return s.DB.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		ch, err := fn(tx)
		sqlite.WithoutSeal(tx)
		return ch, err
	})
}

// runLive runs a meeting through the command language on store, as the
// chair, ending with endmeeting; it returns the meeting's id.
func runLive(t *testing.T, store app.Store, clock *alescotest.Clock) string {
	t.Helper()
	a, err := app.New(app.Options{Committees: alescotest.Committees(t), Store: store, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	mt := alescotest.NextMeeting(t)
	clock.Set(mt.Start.Add(5 * time.Minute))
	ctx := alesco.NewContext(context.Background(), alesco.Principal{Role: alesco.RoleChair, CommitteeID: "alesco", Name: "test chair"})
	for _, l := range []string{"startmeeting", "present andrew, ben, jonathan, neal", "topic Open floor", "motion Adopt the seal",
		"vote andrew +1", "vote ben +1", "vote jonathan -1", "vote neal +1", "close", "endmeeting"} {
		if _, err := live.Run(ctx, a, mt.ID, l); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
	return mt.ID
}

// TestLiveFinalizedMinutesSealedOnUpgrade: a database where endmeeting
// finalized minutes without a seal (as the release before this one wrote
// them) is sealed when this release first opens it; audit verify says
// when, and from then on a vote flipped in the file is caught, naming the
// meeting. Opening it again seals nothing more.
func TestLiveFinalizedMinutesSealedOnUpgrade(t *testing.T) {
	ctx := alescotest.Admin(context.Background())
	clock := alescotest.NewClock(alescotest.Epoch)
	path := filepath.Join(t.TempDir(), "alesco.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = clock.Now
	id := runLive(t, beforeSeals{db}, clock)
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var detail string
	if err := raw.QueryRow(`SELECT detail FROM audit_log WHERE action = 'minutes.finalize'`).Scan(&detail); err != nil || strings.Contains(detail, "sha256") {
		t.Fatalf("the old endmeeting's row: %q, %v", detail, err)
	}
	for _, name := range sqlite.Upgrades() {
		if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE name = ?`, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	open := func() (*app.App, *sqlite.DB) {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		a, err := app.New(app.Options{Committees: alescotest.Committees(t), Store: db, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return a, db
	}
	a, _ := open()
	rep, err := a.VerifyAudit(ctx, nil)
	if err != nil || rep.Sealed != 1 || rep.OnUpgrade != 1 || rep.UpgradedAt == "" {
		t.Fatalf("verify after the upgrade: %+v, %v; want the live minutes sealed on upgrade", rep, err)
	}
	es, err := a.AuditLog(ctx, rep.Head.Rows-1, 10)
	if err != nil || len(es) != 1 || es[0].Action != alesco.SealAction || es[0].Subject != "meeting/"+id || es[0].At != rep.UpgradedAt {
		t.Fatalf("the upgrade's row: %+v, %v", es, err)
	}
	a, _ = open()
	if again, err := a.VerifyAudit(ctx, nil); err != nil || again.Head != rep.Head {
		t.Fatalf("opened again: %+v, %v; want nothing sealed twice", again, err)
	}
	if _, err := raw.Exec(`DROP TRIGGER votes_final_update; UPDATE votes SET value = 1 WHERE value = -1`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.VerifyAudit(ctx, nil); err == nil || !strings.Contains(alesco.ErrorMessage(err), "the record of "+id+" (revision 1") {
		t.Fatalf("verify after a vote was flipped: %v", err)
	}
}

// TestEveryFinalizeSeals: endmeeting through the language seals the
// minutes in its audit row like FinalizeMinutes does; the store, not the
// use case, writes the seal.
func TestEveryFinalizeSeals(t *testing.T) {
	ctx := alescotest.Admin(context.Background())
	clock := alescotest.NewClock(alescotest.Epoch)
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = clock.Now
	id := runLive(t, db, clock)
	a, err := app.New(app.Options{Committees: alescotest.Committees(t), Store: db, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.VerifyAudit(ctx, nil)
	if err != nil || rep.Sealed != 1 || rep.OnUpgrade != 0 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	es, err := a.AuditLog(ctx, rep.Head.Rows-1, 10)
	if err != nil || len(es) != 1 || es[0].Action != "minutes.finalize" || es[0].Subject != "meeting/"+id {
		t.Fatalf("the last row: %+v, %v", es, err)
	}
	if s, ok := alesco.SealIn(es[0].Detail); !ok || s.Revision != 1 || s.Record == "" || !strings.Contains(es[0].Detail, `"recorded_by"`) {
		t.Fatalf("endmeeting's row carries no seal: %s", es[0].Detail)
	}
}

// TestFinalWithoutItsSealIsRefused: a write that makes minutes final
// commits only with the seal in the meeting's own audit row; the store
// refuses a change that would put it anywhere else.
func TestFinalWithoutItsSealIsRefused(t *testing.T) {
	ctx := alescotest.Admin(context.Background())
	mt := alescotest.NextMeeting(t)
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return mt.Start.Add(time.Hour) }
	c := alescotest.Committee(t)
	final := func() *alesco.Minutes {
		m := alesco.NewMinutes(alesco.Meeting{ID: mt.ID, CommitteeID: c.ID, Start: mt.Start, Location: c.Location})
		if err := m.Finalize(c, []string{"Andrew Lukoshko"}, nil, mt.Start.Add(time.Hour), func(*alesco.Minutes) string { return "# Minutes\n" }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for subject, detail := range map[string]any{"token": nil, "meeting/" + mt.ID: "not an object"} {
		err := db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
			return alesco.Change{Action: "minutes.finalize", Subject: subject, Detail: detail}, tx.SaveMinutes(final())
		})
		if err == nil {
			t.Errorf("final minutes saved by a change to %s with detail %v: no error", subject, detail)
		}
	}
	if err := db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		return alesco.Change{Action: "minutes.finalize", Subject: "meeting/" + mt.ID, Detail: map[string]any{"by": "test"}}, tx.SaveMinutes(final())
	}); err != nil {
		t.Fatal(err)
	}
	var detail string
	err = db.View(ctx, func(tx alesco.ReadTx) error {
		es, err := tx.AuditLog(0, 10)
		if len(es) != 1 {
			t.Fatalf("audit rows: %+v", es)
		}
		detail = es[0].Detail
		return err
	})
	if s, ok := alesco.SealIn(detail); err != nil || !ok || s.Revision != 1 || !strings.Contains(detail, `"by":"test"`) {
		t.Fatalf("the finalize row: %s, %v", detail, err)
	}
}
