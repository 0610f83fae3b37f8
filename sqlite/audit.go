package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/almalinux/alesco"
)

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID       int64
	At       string
	Actor    string
	Action   string
	Subject  string
	Detail   string
	PrevHash string
	Hash     string
}

// auditHash chains a row to its predecessor: SHA-256 over the previous hash
// and the row's fields, NUL-separated so no field can bleed into another.
func auditHash(e AuditEntry) string {
	h := sha256.New()
	for _, s := range []string{e.PrevHash, fmt.Sprint(e.ID), e.At, e.Actor, e.Action, e.Subject, e.Detail} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, action, subject string, detail any) error {
	d, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("sqlite: audit detail: %w", err)
	}
	e := AuditEntry{At: FormatTime(db.now()), Actor: alesco.ActorName(ctx), Action: action, Subject: subject, Detail: string(d)}
	err = tx.QueryRowContext(ctx, `SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&e.ID, &e.PrevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: audit tail: %w", err)
	}
	e.ID++
	e.Hash = auditHash(e)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.At, e.Actor, e.Action, e.Subject, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("sqlite: audit append: %w", err)
	}
	return nil
}

// VerifyAudit walks the audit chain. It returns the number of rows checked
// and, when the chain is broken, an EPRECONDITION error naming the first
// bad row.
func (db *DB) VerifyAudit(ctx context.Context) (int, error) {
	n := 0
	err := db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		prev, wantID := "", int64(1)
		for rows.Next() {
			var e AuditEntry
			if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
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
		}
		return rows.Err()
	})
	return n, err
}

// AuditLog returns audit rows after id afterID, oldest first, at most limit.
func (db *DB) AuditLog(ctx context.Context, afterID int64, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, at, actor, action, subject, detail, prev_hash, hash
			FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`, afterID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e AuditEntry
			if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// DataVersion returns a token that changes whenever anything is written
// (the id of the newest audit row): caches key rendered output on it.
func (db *DB) DataVersion(ctx context.Context) (string, error) {
	var id int64
	err := db.View(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit_log`).Scan(&id)
	})
	return fmt.Sprint(id), err
}
