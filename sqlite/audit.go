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

func (t *txn) appendAudit(actor, action, subject string, detail any) error {
	d, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("sqlite: audit detail: %w", err)
	}
	e := alesco.AuditEntry{At: FormatTime(t.now), Actor: actor, Action: action, Subject: subject, Detail: string(d)}
	err = t.queryRow(`SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&e.ID, &e.PrevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: audit tail: %w", err)
	}
	e.ID++
	e.Hash = auditHash(e)
	_, err = t.exec(`INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.At, e.Actor, e.Action, e.Subject, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("sqlite: audit append: %w", err)
	}
	return nil
}

func scanAudit(r scanner) (alesco.AuditEntry, error) {
	var e alesco.AuditEntry
	err := r.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash)
	return e, err
}

const auditColumns = `id, at, actor, action, subject, detail, prev_hash, hash`

// VerifyAudit walks the audit chain. It returns the number of rows checked
// and, when the chain is broken, an EPRECONDITION error naming the first
// bad row.
func (db *DB) VerifyAudit(ctx context.Context) (int, error) {
	n := 0
	err := db.View(ctx, func(rt alesco.ReadTx) error {
		t := rt.(*txn)
		prev, wantID := "", int64(1)
		return t.each(`SELECT `+auditColumns+` FROM audit_log ORDER BY id`, nil, func(r *sql.Rows) error {
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
			prev, wantID = e.Hash, e.ID+1
			n++
			return nil
		})
	})
	return n, err
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
