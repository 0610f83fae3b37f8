package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/almalinux/alesco"
)

// auditHash chains a row to its predecessor: SHA-256 over the previous hash
// and the row's fields, NUL-separated so no field can bleed into another.
func auditHash(e alesco.AuditEntry) string {
	h := sha256.New()
	for _, s := range []string{e.PrevHash, fmt.Sprint(e.ID), e.At, e.Actor, e.Action, e.Subject, e.Detail} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendAudit appends a row after the head of the chain and moves the
// head. The next row follows the head, not whatever the log ends with: a
// log cut short stays visibly cut (a row is missing) however much is
// written after.
func (t *txn) appendAudit(actor, action, subject string, detail any) error {
	d, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("sqlite: audit detail: %w", err)
	}
	e := alesco.AuditEntry{At: FormatTime(t.now), Actor: actor, Action: action, Subject: subject, Detail: string(d)}
	head, err := t.AuditHead()
	if err != nil {
		return err
	}
	e.ID, e.PrevHash = head.Rows+1, head.Hash
	e.Hash = auditHash(e)
	_, err = t.exec(`INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.At, e.Actor, e.Action, e.Subject, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("sqlite: audit append: %w", err)
	}
	if _, err := t.exec(`UPDATE audit_head SET row_count = ?, hash = ? WHERE id = 1`, e.ID, e.Hash); err != nil {
		return fmt.Errorf("sqlite: audit head: %w", err)
	}
	return nil
}

// AuditHead implements alesco.ReadTx.
func (t *txn) AuditHead() (alesco.AuditHead, error) {
	var h alesco.AuditHead
	err := t.queryRow(`SELECT row_count, hash FROM audit_head WHERE id = 1`).Scan(&h.Rows, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return h, alesco.Errorf(alesco.EINTERNAL, "the audit log's head is missing: the database was altered outside alesco (run alesco audit verify)")
	} else if err != nil {
		return h, fmt.Errorf("sqlite: audit head: %w", err)
	}
	return h, nil
}

func scanAudit(r scanner) (alesco.AuditEntry, error) {
	var e alesco.AuditEntry
	err := r.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash)
	return e, err
}

const auditColumns = `id, at, actor, action, subject, detail, prev_hash, hash`

// VerifyAudit walks the audit chain and checks it against its head (and,
// when published is set, against a head published earlier). It returns
// the head and, when the log was altered, an EPRECONDITION error naming
// the first broken row or the rows cut from the end.
func (db *DB) VerifyAudit(ctx context.Context, published *alesco.AuditHead) (alesco.AuditHead, error) {
	var head alesco.AuditHead
	err := db.View(ctx, func(rt alesco.ReadTx) error {
		t := rt.(*txn)
		prev, wantID := "", int64(1)
		var publishedHash string
		err := t.each(`SELECT `+auditColumns+` FROM audit_log ORDER BY id`, nil, func(r *sql.Rows) error {
			e, err := scanAudit(r)
			if err != nil {
				return err
			}
			switch {
			case e.ID != wantID:
				return alesco.Errorf(alesco.EPRECONDITION, "audit chain broken at row %d: row %d is missing", e.ID, wantID)
			case e.PrevHash != prev:
				return alesco.Errorf(alesco.EPRECONDITION, "audit chain broken at row %d: it does not follow row %d", e.ID, e.ID-1)
			case auditHash(e) != e.Hash:
				return alesco.Errorf(alesco.EPRECONDITION, "audit chain broken at row %d: its content was altered", e.ID)
			}
			if published != nil && e.ID == published.Rows {
				publishedHash = e.Hash
			}
			prev, wantID = e.Hash, e.ID+1
			return nil
		})
		if err != nil {
			return err
		}
		if head, err = t.AuditHead(); err != nil {
			return err
		}
		last := wantID - 1
		switch {
		case head.Rows > last:
			return alesco.Errorf(alesco.EPRECONDITION, "audit log cut short: its head records %d rows ending in %s, but the log ends at row %d (%d rows deleted from the end)",
				head.Rows, short(head.Hash), last, head.Rows-last)
		case head.Rows < last:
			return alesco.Errorf(alesco.EPRECONDITION, "audit log has %d rows past its head (row %d): rows were added outside alesco", last-head.Rows, head.Rows)
		case head.Hash != prev:
			return alesco.Errorf(alesco.EPRECONDITION, "audit head does not match the log: its last row %d hashes to %s, the head says %s", last, short(prev), short(head.Hash))
		}
		if published != nil && (publishedHash == "" || publishedHash != published.Hash) {
			return alesco.Errorf(alesco.EPRECONDITION, "audit log does not contain the published head %d:%s: it was rewritten or cut", published.Rows, short(published.Hash))
		}
		return nil
	})
	return head, err
}

// short is the start of a hash, as people compare them.
func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	if h == "" {
		return "(none)"
	}
	return h
}

// AuditLog implements alesco.ReadTx.
func (t *txn) AuditLog(afterID int64, limit int) ([]alesco.AuditEntry, error) {
	var out []alesco.AuditEntry
	err := t.each(`SELECT `+auditColumns+` FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`, []any{afterID, limit}, func(r *sql.Rows) error {
		e, err := scanAudit(r)
		out = append(out, e)
		return err
	})
	return out, err
}

// LastWrite implements alesco.ReadTx.
func (t *txn) LastWrite() (time.Time, error) {
	var at string
	err := t.queryRow(`SELECT at FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: last write: %w", err)
	}
	return ParseTime(at)
}

type scanner interface{ Scan(...any) error }
