package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/sqlite"
)

func openTest(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	db := alescotest.Store(t, alescotest.NewClock(alescotest.Epoch))
	return db, db.Path()
}

// createToken stores a token through a write transaction.
func createToken(ctx context.Context, db *sqlite.DB, tok alesco.Token) (alesco.Token, string, error) {
	var secret string
	err := db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		var err error
		tok, secret, err = tx.CreateToken(tok)
		return alesco.Change{Action: "token.create", Subject: "token"}, err
	})
	return tok, secret, err
}

func revokeToken(ctx context.Context, db *sqlite.DB, id int64) error {
	return db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		return alesco.Change{Action: "token.revoke", Subject: "token"}, tx.RevokeToken(id)
	})
}

// read runs fn on one snapshot and fails the test on error.
func read[T any](t testing.TB, db *sqlite.DB, fn func(tx alesco.ReadTx) (T, error)) T {
	t.Helper()
	var out T
	if err := db.View(context.Background(), func(tx alesco.ReadTx) error {
		var err error
		out, err = fn(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func tokens(t testing.TB, db *sqlite.DB) []alesco.Token {
	return read(t, db, func(tx alesco.ReadTx) ([]alesco.Token, error) { return tx.Tokens() })
}

func auditLog(t testing.TB, db *sqlite.DB) []alesco.AuditEntry {
	return read(t, db, func(tx alesco.ReadTx) ([]alesco.AuditEntry, error) { return tx.AuditLog(0, 1<<30) })
}

func lookupToken(db *sqlite.DB, secret string) (alesco.Token, error) {
	var tok alesco.Token
	err := db.View(context.Background(), func(tx alesco.ReadTx) error {
		var err error
		tok, err = tx.Token(secret)
		return err
	})
	return tok, err
}

func TestMigrationsReopen(t *testing.T) {
	db, path := openTest(t)
	ctx := context.Background()
	if _, _, err := createToken(ctx, db, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	ts, err := tokens(t, db2), error(nil)
	if err != nil || len(ts) != 1 {
		t.Fatalf("tokens after reopen = %v, %v", ts, err)
	}
}

func TestTokens(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	tok, secret, err := createToken(ctx, db, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleMember, MemberID: "neal-gompa", Label: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, sqlite.TokenPrefix) || len(secret) < 40 {
		t.Fatalf("secret %q", secret)
	}
	got, err := lookupToken(db, secret)
	if err != nil || got.ID != tok.ID || got.Role != alesco.RoleMember || got.MemberID != "neal-gompa" {
		t.Fatalf("lookup = %+v, %v", got, err)
	}
	// Only the hash is stored.
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM tokens WHERE instr(CAST(hash AS TEXT), ?) > 0`, secret).Scan(&n); err != nil || n != 0 {
		t.Errorf("secret stored in clear (%d rows, %v)", n, err)
	}
	for _, bad := range []string{"", "alesco_", secret + "x", strings.ToUpper(secret)} {
		if _, err := lookupToken(db, bad); alesco.ErrorCode(err) != alesco.EUNAUTHENTICATED {
			t.Errorf("LookupToken(%q) err = %v", bad, err)
		}
	}
	if err := revokeToken(ctx, db, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := lookupToken(db, secret); alesco.ErrorCode(err) != alesco.EUNAUTHENTICATED {
		t.Fatalf("revoked token err = %v", err)
	}
	if err := revokeToken(ctx, db, tok.ID); alesco.ErrorCode(err) != alesco.ENOTFOUND {
		t.Fatalf("second revoke err = %v", err)
	}
}

func TestAuditChain(t *testing.T) {
	db, path := openTest(t)
	ctx := alesco.NewContext(context.Background(), alesco.Principal{Name: "tester"})
	for i := 0; i < 5; i++ {
		if _, _, err := createToken(ctx, db, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleChair}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := db.VerifyAudit(ctx, nil)
	if err != nil || head.Rows != 5 {
		t.Fatalf("verify = %v, %v", head, err)
	}
	rows := auditLog(t, db)
	if len(rows) != 5 || rows[0].Actor != "tester" || rows[0].Action != "token.create" {
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
	_, err = db.VerifyAudit(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "row 3") {
		t.Fatalf("tampered chain: err = %v, want it to name row 3", err)
	}
}

// TestAuditTruncation: rows deleted from the end of the log leave a chain
// that still links up, but not to its head; writing on does not hide it,
// and a published head catches a log rewritten to match.
func TestAuditTruncation(t *testing.T) {
	db, path := openTest(t)
	ctx := alesco.NewContext(context.Background(), alesco.Principal{Name: "tester"})
	for i := 0; i < 6; i++ {
		if _, _, err := createToken(ctx, db, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleChair}); err != nil {
			t.Fatal(err)
		}
	}
	published, err := db.VerifyAudit(ctx, nil)
	if err != nil || published.Rows != 6 {
		t.Fatalf("verify = %v, %v", published, err)
	}
	if h, err := db.VerifyAudit(ctx, &published); err != nil || h != published {
		t.Fatalf("verify against its own head: %v, %v", h, err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE audit_head SET row_count = 4`); err == nil {
		t.Fatal("audit_head went backwards")
	}
	if _, err := raw.Exec(`DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id > 4`); err != nil {
		t.Fatal(err)
	}
	_, err = db.VerifyAudit(ctx, nil)
	if alesco.ErrorCode(err) != alesco.EPRECONDITION || !strings.Contains(err.Error(), "audit log cut short: its head records 6 rows") ||
		!strings.Contains(err.Error(), "the log ends at row 4 (2 rows deleted from the end)") {
		t.Fatalf("truncated log: %v", err)
	}
	// Writing on leaves the gap where it is.
	if _, _, err := createToken(ctx, db, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleChair}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.VerifyAudit(ctx, nil); err == nil || !strings.Contains(err.Error(), "row 5 is missing") {
		t.Fatalf("after a new write: %v", err)
	}
	// Whoever also rewinds the head is caught by the head published before.
	if _, err := raw.Exec(`DELETE FROM audit_log WHERE id > 4; DROP TRIGGER audit_head_forward;
		UPDATE audit_head SET row_count = 4, hash = (SELECT hash FROM audit_log WHERE id = 4)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.VerifyAudit(ctx, nil); err != nil {
		t.Fatalf("a consistently rewound log verifies on its own: %v", err)
	}
	if _, err := db.VerifyAudit(ctx, &published); err == nil || !strings.Contains(err.Error(), "does not contain the published head 6:") {
		t.Fatalf("against the published head: %v", err)
	}
}

// A failed write leaves neither its change nor an audit row.
func TestUpdateIsAtomic(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	err := db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		if _, _, err := tx.CreateToken(alesco.Token{CommitteeID: "a", Role: alesco.RoleAdmin}); err != nil {
			return alesco.Change{}, err
		}
		return alesco.Change{}, alesco.Errorf(alesco.EINVALID, "changed my mind")
	})
	if alesco.ErrorCode(err) != alesco.EINVALID {
		t.Fatalf("err = %v", err)
	}
	ts, rows := tokens(t, db), auditLog(t, db)
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
			_, _, err := createToken(ctx, db, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleChair})
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
	if h, err := db.VerifyAudit(ctx, nil); err != nil || h.Rows != 40 {
		t.Fatalf("verify = %v, %v", h, err)
	}
}

func TestBackup(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if _, _, err := createToken(ctx, db, alesco.Token{CommitteeID: "alesco", Role: alesco.RoleChair}); err != nil {
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
	if h, err := b.VerifyAudit(ctx, nil); err != nil || h.Rows != 1 {
		t.Fatalf("backup audit = %v, %v", h, err)
	}
	if ts, err := tokens(t, b), error(nil); err != nil || len(ts) != 1 {
		t.Fatalf("backup tokens = %v, %v", ts, err)
	}
}

// TestDeriveRunsOnChanges: the derived-data hook (OnWrite) runs in a write
// that changed what it may depend on (a meeting change), and not in one
// that only kept books (a token, the outbox, event texts).
func TestDeriveRunsOnChanges(t *testing.T) {
	db, _ := openTest(t)
	ctx := testCtx()
	runs := 0
	db.OnWrite(func(context.Context, alesco.Tx) error { runs++; return nil })
	if _, _, err := createToken(ctx, db, alesco.Token{Role: alesco.RoleChair, CommitteeID: "alesco"}); err != nil {
		t.Fatal(err)
	}
	enqueue(t, db, alesco.Effect{Key: "chat:test", Kind: alesco.EffectChat, CommitteeID: "alesco", Chat: &alesco.ChatEffect{Text: "hello"}})
	if err := db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		return alesco.Change{Action: "calendar.publish", Subject: "calendar"},
			tx.SaveEventTexts([]alesco.EventText{{MeetingID: alescotest.DecisionMeeting, CommitteeID: "alesco", Hash: "h"}})
	}); err != nil {
		t.Fatal(err)
	}
	if runs != 0 {
		t.Fatalf("the hook ran %d times for bookkeeping writes", runs)
	}
	if err := db.Update(ctx, func(tx alesco.Tx) (alesco.Change, error) {
		_, err := tx.SaveMeetingChange(alesco.MeetingChange{MeetingID: alescotest.DecisionMeeting, CommitteeID: "alesco", Kind: alesco.ChangeCancel, Cancelled: true, Reason: "holidays"})
		return alesco.Change{Action: "meeting.cancel", Subject: alescotest.DecisionMeeting}, err
	}); err != nil {
		t.Fatal(err)
	}
	if runs != 1 {
		t.Fatalf("the hook ran %d times for a meeting change, want 1", runs)
	}
}
