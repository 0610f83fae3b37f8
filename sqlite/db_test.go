package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/sqlite"
)

func openTest(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "alesco.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }
	return db, path
}

// Pragmas are set per connection through the DSN, so every pooled reader
// and the writer see them.
func TestPragmasOnEveryConnection(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.View(ctx, func(tx *sql.Tx) error {
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
	err := db.Update(ctx, "test", "pragmas", nil, func(tx *sql.Tx) error {
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
	db, _ := openTest(t)
	ctx := context.Background()
	err := db.View(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, committee_id, role, created_at) VALUES (x'00', 'a', 'admin', '')`)
		return err
	})
	if err == nil {
		t.Fatal("a read transaction wrote")
	}
}

func TestMigrationsReopen(t *testing.T) {
	db, path := openTest(t)
	ctx := context.Background()
	if _, _, err := db.CreateToken(ctx, sqlite.Token{CommitteeID: "alesco", Role: alesco.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	ts, err := db2.ListTokens(ctx)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens after reopen = %v, %v", ts, err)
	}
}

func TestTokens(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	tok, secret, err := db.CreateToken(ctx, sqlite.Token{CommitteeID: "alesco", Role: alesco.RoleMember, MemberID: "neal-gompa", Label: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, sqlite.TokenPrefix) || len(secret) < 40 {
		t.Fatalf("secret %q", secret)
	}
	got, err := db.LookupToken(ctx, secret)
	if err != nil || got.ID != tok.ID || got.Role != alesco.RoleMember || got.MemberID != "neal-gompa" {
		t.Fatalf("lookup = %+v, %v", got, err)
	}
	// Only the hash is stored.
	err = db.View(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tokens WHERE instr(CAST(hash AS TEXT), ?) > 0`, secret).Scan(&n); err != nil {
			return err
		}
		if n != 0 {
			t.Error("secret stored in clear")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "alesco_", secret + "x", strings.ToUpper(secret)} {
		if _, err := db.LookupToken(ctx, bad); alesco.ErrorCode(err) != alesco.EUNAUTHENTICATED {
			t.Errorf("LookupToken(%q) err = %v", bad, err)
		}
	}
	if err := db.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LookupToken(ctx, secret); alesco.ErrorCode(err) != alesco.EUNAUTHENTICATED {
		t.Fatalf("revoked token err = %v", err)
	}
	if err := db.RevokeToken(ctx, tok.ID); alesco.ErrorCode(err) != alesco.ENOTFOUND {
		t.Fatalf("second revoke err = %v", err)
	}
}

func TestAuditChain(t *testing.T) {
	db, path := openTest(t)
	ctx := alesco.NewContext(context.Background(), alesco.Principal{Name: "tester"})
	for i := 0; i < 5; i++ {
		if _, _, err := db.CreateToken(ctx, sqlite.Token{CommitteeID: "alesco", Role: alesco.RoleChair}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := db.VerifyAudit(ctx)
	if err != nil || n != 5 {
		t.Fatalf("verify = %d, %v", n, err)
	}
	rows, err := db.AuditLog(ctx, 0, 10)
	if err != nil || len(rows) != 5 || rows[0].Actor != "tester" || rows[0].Action != "token.create" {
		t.Fatalf("audit rows = %+v, %v", rows, err)
	}
	// The log refuses edits...
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_log SET actor = 'mallory' WHERE id = 3`); err == nil {
		t.Fatal("audit_log accepted an UPDATE")
	}
	if _, err := raw.Exec(`DELETE FROM audit_log WHERE id = 3`); err == nil {
		t.Fatal("audit_log accepted a DELETE")
	}
	// ...and whoever drops the trigger to tamper is caught by the chain.
	if _, err := raw.Exec(`DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE id = 3`); err != nil {
		t.Fatal(err)
	}
	_, err = db.VerifyAudit(ctx)
	if err == nil || !strings.Contains(err.Error(), "row 3") {
		t.Fatalf("tampered chain: err = %v, want it to name row 3", err)
	}
}

// A failed write leaves neither its change nor an audit row.
func TestUpdateIsAtomic(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	err := db.Update(ctx, "test", "x", nil, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, committee_id, role, created_at) VALUES (x'01', 'a', 'admin', '')`); err != nil {
			return err
		}
		return alesco.Errorf(alesco.EINVALID, "changed my mind")
	})
	if alesco.ErrorCode(err) != alesco.EINVALID {
		t.Fatalf("err = %v", err)
	}
	ts, _ := db.ListTokens(ctx)
	rows, _ := db.AuditLog(ctx, 0, 10)
	if len(ts) != 0 || len(rows) != 0 {
		t.Fatalf("rolled-back write left %d tokens, %d audit rows", len(ts), len(rows))
	}
}

// Concurrent writers queue on the one writer connection instead of failing
// with SQLITE_BUSY.
func TestConcurrentWrites(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := db.CreateToken(ctx, sqlite.Token{CommitteeID: "alesco", Role: alesco.RoleChair})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.VerifyAudit(ctx); err != nil || n != 40 {
		t.Fatalf("verify = %d, %v", n, err)
	}
}

func TestBackup(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if _, _, err := db.CreateToken(ctx, sqlite.Token{CommitteeID: "alesco", Role: alesco.RoleChair}); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, copyPath); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	b, err := sqlite.Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if n, err := b.VerifyAudit(ctx); err != nil || n != 1 {
		t.Fatalf("backup audit = %d, %v", n, err)
	}
	if ts, err := b.ListTokens(ctx); err != nil || len(ts) != 1 {
		t.Fatalf("backup tokens = %v, %v", ts, err)
	}
}
