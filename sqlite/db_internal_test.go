package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco"
)

// These tests look at the connections themselves, below the store's
// interface.

func openInternal(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Pragmas are set per connection through the DSN, so every pooled reader
// and the writer see them.
func TestPragmasOnEveryConnection(t *testing.T) {
	db := openInternal(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- inTx(ctx, db.read, func(tx *sql.Tx) error {
				var mode string
				var fk, busy int
				if err := tx.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
					return err
				}
				if mode != "wal" || fk != 1 || busy < 1000 {
					t.Errorf("reader: journal_mode=%s foreign_keys=%d busy_timeout=%d", mode, fk, busy)
				}
				time.Sleep(5 * time.Millisecond) // hold the connection so the pool opens several
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	err := inTx(ctx, db.write, func(tx *sql.Tx) error {
		var fk int
		if err := tx.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			return err
		}
		if fk != 1 {
			t.Errorf("writer: foreign_keys=%d", fk)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadersCannotWrite(t *testing.T) {
	db := openInternal(t)
	ctx := context.Background()
	err := inTx(ctx, db.read, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, committee_id, role, created_at) VALUES (x'00', 'a', 'admin', '')`)
		return err
	})
	if err == nil {
		t.Fatal("a read transaction wrote")
	}
}

// TestStringListAgreesWithJSON: the plain-case reader gives what
// encoding/json gives, for every list jsonList writes and for lists
// written by hand.
func TestStringListAgreesWithJSON(t *testing.T) {
	lists := [][]string{nil, {}, {""}, {"a"}, {"Jane Doe", "John Roe"}, {"", ""}, {",", `","`}, {`quote "x"`},
		{"tab\there"}, {"<b>&"}, {"café", "日本"}, {"a", "", "b"}, {"back\\slash"}}
	raw := []string{`[]`, `["a", "b"]`, `[ "a" ]`, `["a","b"]`, `["\u00e9"]`, "[\"\xff\"]", `not json`, `[""]`, `["a",","]`}
	for _, l := range lists {
		raw = append(raw, jsonList(l))
	}
	for _, s := range raw {
		got, gerr := stringList(s)
		var want []string
		werr := json.Unmarshal([]byte(s), &want)
		if (gerr != nil) != (werr != nil) || (werr == nil && !slices.Equal(got, want)) || (want != nil && got == nil) {
			t.Errorf("stringList(%q) = %q, %v; encoding/json: %q, %v", s, got, gerr, want, werr)
		}
	}
}

// TestParseStoredTime: the fast reader agrees with time.Parse on stored
// times and leaves anything else to it.
func TestParseStoredTime(t *testing.T) {
	for _, tm := range []time.Time{time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)} {
		got, err := ParseTime(FormatTime(tm))
		if err != nil || !got.Equal(tm) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%s) = %v, %v", FormatTime(tm), got, err)
		}
	}
	for _, s := range []string{"2026-02-30T00:00:00.000000000Z", "2026-13-01T00:00:00.000000000Z", "2026-01-01T24:00:00.000000000Z",
		"2026-01-01T00:00:00.00000000xZ", "2026-01-01T00:00:00Z", "2026-01-01 00:00:00.000000000Z", "+026-01-01T00:00:00.000000000Z"} {
		if _, ok := parseStoredTime(s); ok {
			t.Errorf("parseStoredTime(%q) accepted it", s)
		}
		if _, err := ParseTime(s); err == nil && s != "2026-01-01T00:00:00Z" {
			t.Errorf("ParseTime(%q) accepted it", s)
		}
	}
}

// TestProposalsMemoSeesEveryChange: the decoded proposals a snapshot
// reuses are always the stored ones: after a sync, a webhook, a write by
// another connection on the same file (another process), and not after a
// write that rolled back.
func TestProposalsMemoSeesEveryChange(t *testing.T) {
	db := openInternal(t)
	ctx := context.Background()
	pull := func(n int, title string, state alesco.ProposalState) alesco.Proposal {
		return alesco.Proposal{Tracked: true, CommitteeID: "c", Number: n, Title: title, State: state,
			Authors: []string{"Jane Doe"}, Labels: []string{"x"}}
	}
	titles := func(states ...alesco.ProposalState) string {
		t.Helper()
		var out []string
		err := db.View(ctx, func(tx alesco.ReadTx) error {
			ps, err := tx.Proposals("c", states...)
			for _, p := range ps {
				out = append(out, fmt.Sprintf("%d:%s", p.Number, p.Title))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, " ")
	}
	check := func(step, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s: proposals %q, want %q", step, got, want)
		}
	}
	if err := saveSync(ctx, db, pull(1, "one", alesco.ProposalFCP), pull(2, "two", alesco.ProposalSubmitted)); err != nil {
		t.Fatal(err)
	}
	check("first read", titles(), "2:two 1:one")
	check("warm read", titles(), "2:two 1:one")
	check("by state", titles(alesco.ProposalFCP), "1:one")

	if err := saveSync(ctx, db, pull(2, "two, renamed", alesco.ProposalSubmitted)); err != nil {
		t.Fatal(err)
	}
	check("after a sync", titles(), "2:two, renamed 1:one")

	if err := db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		if _, err := tx.RecordDelivery("d1", "c", "pull_request", "edited", 3); err != nil {
			return alesco.Change{}, err
		}
		return alesco.Change{Action: "proposals.webhook", Subject: "proposal/c/3"}, tx.SavePullRequest(pull(3, "three", alesco.ProposalDiscussion), "")
	}); err != nil {
		t.Fatal(err)
	}
	check("after a webhook", titles(), "3:three 2:two, renamed 1:one")

	other, err := Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := saveSync(ctx, other, pull(1, "one, elsewhere", alesco.ProposalFCP)); err != nil {
		t.Fatal(err)
	}
	check("after another connection's write", titles(), "3:three 2:two, renamed 1:one, elsewhere")

	// A write transaction reads its own change, then rolls back.
	boom := errors.New("boom")
	err = db.update(ctx, func(tx *txn) (alesco.Change, error) {
		if err := tx.SavePullRequest(pull(4, "never", alesco.ProposalFCP), ""); err != nil {
			return alesco.Change{}, err
		}
		ps, err := tx.Proposals("c")
		if err != nil || len(ps) != 4 {
			t.Errorf("the write transaction sees %d proposals (%v), want its own 4", len(ps), err)
		}
		return alesco.Change{}, boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	check("after a rolled-back write", titles(), "3:three 2:two, renamed 1:one, elsewhere")
}

// saveSync writes what a sync of committee "c" writes (app.SyncProposals):
// the changed pull requests and the sync state, in one transaction.
func saveSync(ctx context.Context, db *DB, pulls ...alesco.Proposal) error {
	return db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		for _, p := range pulls {
			if err := tx.SavePullRequest(p, ""); err != nil {
				return alesco.Change{}, err
			}
		}
		return alesco.Change{Action: "proposals.sync", Subject: "committee/c"}, tx.SaveSyncAttempt("c", "")
	})
}

// TestOwnWritesMoveVersionOnce: a write of this process moves the version
// once, at its commit; the poller, reading data_version on the writer
// connection, does not announce it again (which would throw away every
// cache entry built in between), but does announce another connection's.
func TestOwnWritesMoveVersionOnce(t *testing.T) {
	t.Parallel()
	db := openInternal(t)
	ctx := context.Background()
	time.Sleep(2 * pollInterval) // the poller has its baseline
	v := db.Version()
	if err := saveSync(ctx, db); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * pollInterval)
	if got := db.Version(); got != v+1 {
		t.Errorf("one write moved the version by %d, want 1", got-v)
	}
	other, err := Open(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	changed := db.Changed()
	if err := saveSync(ctx, other); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(30 * time.Second):
		t.Fatal("another connection's write was never noticed")
	}
}
