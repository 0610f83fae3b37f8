package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/almalinux/alesco"
)

// Every final record is sealed where it becomes final: SaveMinutes notes
// the minutes a transaction makes final, and the audit row of the change
// carries their seal (alesco.Seal), however the use case came to finalize
// them (the API, endmeeting from the terminal, the console or chat, an
// import, an amendment with a new text). No path reaches FINAL unsealed.

// sealFrozen returns the audit detail of ch with the seal of the minutes
// the transaction made final, read back as stored (with the ids the store
// gave), which is what "alesco audit verify" checks it against. The seal
// belongs in the row of the meeting whose minutes it seals.
func (t *txn) sealFrozen(ch alesco.Change) (any, error) {
	switch len(t.frozen) {
	case 0:
		return ch.Detail, nil
	case 1:
	default:
		return nil, fmt.Errorf("sqlite: one write made the minutes of %s final: each needs its own sealed audit row", strings.Join(t.frozen, ", "))
	}
	id := t.frozen[0]
	if ch.Subject != "meeting/"+id {
		return nil, fmt.Errorf("sqlite: the minutes of %s were made final by a change to %s: the seal belongs in the meeting's audit row", id, ch.Subject)
	}
	m, err := t.Minutes(id)
	if err != nil {
		return nil, err
	}
	if m.Status != alesco.MinutesFinal {
		return ch.Detail, nil // made final and reopened again in the same write: nothing frozen
	}
	return withSeal(ch.Detail, alesco.SealOf(m))
}

// withSeal adds a seal's fields to an audit detail, which must be a JSON
// object (or nothing). The detail's other fields keep their exact JSON.
func withSeal(detail any, s alesco.Seal) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	b, err := json.Marshal(detail)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit detail: %w", err)
	}
	if string(b) != "null" {
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, fmt.Errorf("sqlite: the audit detail of a change that froze minutes is not an object: %w", err)
		}
	}
	for k, v := range map[string]any{"revision": s.Revision, "text_sha256": s.Text, "record_sha256": s.Record} {
		if out[k], err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// upgrades are the steps of an upgrade that SQL cannot take (a seal is
// hashed in Go, by the domain's alesco.SealOf). Each runs once, after every
// SQL migration (so it reads the schema this release reads), in a
// transaction with its record in schema_migrations under its name. Like the
// migrations, the list is append-only.
var upgrades = []struct {
	name string
	run  func(*txn) error
}{
	{"0901_seal_final_minutes", (*txn).sealUnsealedMinutes},
}

// upgradeActor is who the audit log says wrote an upgrade's rows.
const upgradeActor = "upgrade (alesco)"

// upgrade runs the upgrade steps this database has not had yet.
func (db *DB) upgrade(ctx context.Context) error {
	for _, u := range upgrades {
		err := inTx(ctx, db.write, func(tx *sql.Tx) error {
			var got string
			switch err := tx.QueryRowContext(ctx, `SELECT sha256 FROM schema_migrations WHERE name = ?`, u.name).Scan(&got); {
			case err == nil:
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			t := &txn{ctx: ctx, tx: tx, now: db.now(), db: db}
			if err := u.run(t); err != nil {
				return fmt.Errorf("sqlite: upgrade %s: %w", u.name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, sha256, applied_at) VALUES (?, ?, ?)`,
				u.name, "go", FormatTime(t.now))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// sealUnsealedMinutes seals every final revision of minutes that no audit
// row seals: minutes frozen by a release that kept no seals, or finalized
// live by one whose endmeeting did not seal. Each gets a SealAction row
// saying so; "alesco audit verify" reports them as sealed on upgrade. A
// revision kept as an earlier one is sealed by its text, the current one
// by its text and its record. Minutes finalized outside alesco stay
// visible: no row froze them, which verify counts.
func (t *txn) sealUnsealedMinutes() error {
	sealed := map[string]map[int]bool{} // meeting id -> revisions a row seals
	err := t.each(`SELECT subject, detail FROM audit_log WHERE subject LIKE 'meeting/%' ORDER BY id`, nil, func(r *sql.Rows) error {
		var subject, detail string
		if err := r.Scan(&subject, &detail); err != nil {
			return err
		}
		if s, ok := alesco.SealIn(detail); ok {
			id := strings.TrimPrefix(subject, "meeting/")
			if sealed[id] == nil {
				sealed[id] = map[int]bool{}
			}
			sealed[id][s.Revision] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	var ids []string
	err = t.each(`SELECT meeting_id FROM minutes WHERE status = 'final' OR revision > 1 ORDER BY meeting_date, meeting_id`, nil, func(r *sql.Rows) error {
		var id string
		ids = append(ids, id)
		return r.Scan(&ids[len(ids)-1])
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		m, err := t.Minutes(id)
		if err != nil {
			return err
		}
		var seals []alesco.Seal
		for _, rev := range m.Revisions {
			if !sealed[id][rev.Revision] {
				seals = append(seals, alesco.Seal{Revision: rev.Revision, Text: alesco.TextSHA256(rev.Markdown)})
			}
		}
		if m.Status == alesco.MinutesFinal && !sealed[id][m.Revision] {
			seals = append(seals, alesco.SealOf(m))
		}
		for _, s := range seals {
			if err := t.appendAudit(upgradeActor, alesco.SealAction, "meeting/"+id, map[string]any{
				"revision": s.Revision, "text_sha256": s.Text, "record_sha256": s.Record,
				"reason": "frozen by a release that kept no seals: sealed as stored when this release first opened the database",
			}); err != nil {
				return err
			}
		}
	}
	return nil
}
