package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/sqlite"
)

// emptyDB is a new database, as `alesco serve` leaves it when it first
// starts.
func emptyDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "alesco.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// importedDB is a new database holding two imported wiki minutes (frozen,
// sealed) and a token.
func importedDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "alesco.db")
	if _, _, err := runCLI(t, "minutes", "import", "--db", db, "../../demo/minutes/2026-06-04.md", "../../demo/minutes/2026-07-30.md"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "token", "create", "--db", db, "--committee", "alesco", "--role", "chair"); err != nil {
		t.Fatal(err)
	}
	return db
}

// tamper changes the database file the way someone with the file would,
// dropping whatever trigger stands in the way.
func tamper(t *testing.T, db, stmts string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(stmts); err != nil {
		t.Fatal(err)
	}
}

// TestAuditVerifyCatchesTampering: `alesco audit verify` fails, naming the
// cause, after rows are deleted from the end of the log and after a final
// minutes text is edited in SQLite; a published head catches a log rewound
// to match.
func TestAuditVerifyCatchesTampering(t *testing.T) {
	db := importedDB(t)
	out, _, err := runCLI(t, "audit", "verify", "--db", db)
	if err != nil || !strings.Contains(out, "audit log ok: 3 rows, chain intact") || !strings.Contains(out, "minutes ok: 2 frozen texts match their seals") {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
	head, _, err := runCLI(t, "audit", "head", "--db", db)
	if err != nil || !strings.HasPrefix(head, "3:") || len(strings.TrimSpace(head)) != 66 {
		t.Fatalf("audit head: %v %q", err, head)
	}
	if _, _, err := runCLI(t, "audit", "verify", "--db", db, "--head", strings.TrimSpace(head)); err != nil {
		t.Fatalf("verify against its own head: %v", err)
	}

	t.Run("rows deleted from the end", func(t *testing.T) {
		db := importedDB(t)
		tamper(t, db, `DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3`)
		_, _, err := runCLI(t, "audit", "verify", "--db", db)
		if err == nil || !strings.Contains(message(err), "audit log cut short: its head records 3 rows") {
			t.Fatalf("verify after deleting the last row: %v", err)
		}
		if exitCode(err) != exitFailed {
			t.Fatalf("exit code %d", exitCode(err))
		}
	})
	t.Run("a final text edited", func(t *testing.T) {
		db := importedDB(t)
		tamper(t, db, `DROP TRIGGER minutes_final_update;
			UPDATE minutes SET markdown = replace(markdown, 'Lance Albertson', 'Mallory') WHERE meeting_id = 'alesco-2026-06-04'`)
		_, _, err := runCLI(t, "audit", "verify", "--db", db)
		if err == nil || !strings.Contains(message(err), "the final text of alesco-2026-06-04 (revision 1) was edited after it was frozen") {
			t.Fatalf("verify after editing a final text: %v", err)
		}
	})
	t.Run("a final record edited", func(t *testing.T) {
		db := importedDB(t)
		tamper(t, db, `DROP TRIGGER minutes_attendees_final_update;
			UPDATE minutes_attendees SET absent = 1 WHERE meeting_id = 'alesco-2026-07-30' AND member_id = 'neal-gompa'`)
		_, _, err := runCLI(t, "audit", "verify", "--db", db)
		if err == nil || !strings.Contains(message(err), "the record of alesco-2026-07-30 (revision 1: attendance") {
			t.Fatalf("verify after editing a final record: %v", err)
		}
	})
	t.Run("a log rewound to match", func(t *testing.T) {
		db := importedDB(t)
		published, _, err := runCLI(t, "audit", "head", "--db", db)
		if err != nil {
			t.Fatal(err)
		}
		tamper(t, db, `DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3; DROP TRIGGER audit_head_forward;
			UPDATE audit_head SET row_count = 2, hash = (SELECT hash FROM audit_log WHERE id = 2)`)
		if _, _, err := runCLI(t, "audit", "verify", "--db", db, "--head", strings.TrimSpace(published)); err == nil ||
			!strings.Contains(message(err), "does not contain the published head 3:") {
			t.Fatalf("verify against the published head: %v", err)
		}
	})
}

// TestReadCommandsRefuseMissingDatabase: a mistyped --db is an error, and
// no empty database is left behind.
func TestReadCommandsRefuseMissingDatabase(t *testing.T) {
	typo := filepath.Join(t.TempDir(), "typo.db")
	for _, args := range [][]string{
		{"audit", "verify"}, {"audit", "head"}, {"token", "list"}, {"token", "create", "--committee", "alesco", "--role", "chair"},
		{"token", "revoke", "1"}, {"minutes", "list"}, {"minutes", "export", "alesco-2026-07-30"}, {"meetings", "list"},
		{"agenda"}, {"proposals", "list"}, {"backup", filepath.Join(t.TempDir(), "b.db")},
		{"meetings", "cancel", alescotest.DecisionMeeting, "--reason", "x"},
	} {
		_, _, err := runCLI(t, append(args, "--db", typo)...)
		if err == nil || !strings.Contains(message(err), "no database at "+typo+": check --db") {
			t.Errorf("alesco %s --db typo.db: %v", strings.Join(args, " "), err)
		}
		if _, err := os.Stat(typo); err == nil {
			t.Fatalf("alesco %s created %s", strings.Join(args, " "), typo)
		}
	}
}

// TestTokenForFormerMemberCLI: `token create --member cody-robertson` is
// refused, saying why.
func TestTokenForFormerMemberCLI(t *testing.T) {
	db := importedDB(t)
	_, _, err := runCLI(t, "token", "create", "--db", db, "--committee", "alesco", "--role", "member", "--member", "cody-robertson")
	if err == nil || !strings.Contains(message(err), "cody-robertson (Cody Robertson) is not on the ALESCo roster on "+alescotest.Today().String()+": they left the committee on 2026-03-22") {
		t.Fatalf("token for a former member: %v", err)
	}
}

// TestAuditVerifyCatchesVoteFlippedInLiveMinutes: minutes finalized by
// endmeeting (here from the terminal, on the database) are sealed like any
// final record: a vote flipped by hand in SQLite afterwards makes
// `alesco audit verify` exit 1 naming the meeting.
func TestAuditVerifyCatchesVoteFlippedInLiveMinutes(t *testing.T) {
	mt := alescotest.NextMeeting(t)
	db := emptyDB(t)
	script := strings.Join([]string{"startmeeting", "present andrew, ben, jonathan, neal", "topic Open floor",
		"motion Adopt the tamper test", "vote andrew +1", "vote ben +1", "vote jonathan -1", "vote neal +1", "close", "endmeeting"}, "\n")
	var out, errs bytes.Buffer
	m := &Main{Stdin: strings.NewReader(script), Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" },
		Now: alescotest.Running(mt.Start.Add(5 * time.Minute))}
	if err := m.Run(context.Background(), []string{"meeting", "run", mt.ID, "--db", db}); err != nil || !strings.Contains(out.String(), "minutes of "+mt.ID+" are final") {
		t.Fatalf("meeting run: %v\n%s\n%s", err, out.String(), errs.String())
	}
	verify := func() (string, error) {
		var out, errs bytes.Buffer
		m := &Main{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Now: alescotest.Running(mt.End.Add(time.Hour))}
		err := m.Run(context.Background(), []string{"audit", "verify", "--db", db})
		return out.String(), err
	}
	if got, err := verify(); err != nil || !strings.Contains(got, "minutes ok: 1 frozen texts match their seals") || strings.Contains(got, "before seals") {
		t.Fatalf("audit verify of live-finalized minutes: %v\n%s", err, got)
	}
	tamper(t, db, `DROP TRIGGER votes_final_update; UPDATE votes SET value = 1 WHERE value = -1`)
	_, err := verify()
	if err == nil || exitCode(err) != exitFailed || !strings.Contains(message(err), "the record of "+mt.ID+" (revision 1") {
		t.Fatalf("audit verify after a vote was flipped in SQLite: %v", err)
	}
}
