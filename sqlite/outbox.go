package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/almalinux/alesco"
)

const outboxColumns = `id, key, kind, committee_id, payload, status, revision, attempts, next_attempt_at, last_error, result,
	created_at, updated_at, delivered_at`

func scanOutbox(r scanner) (alesco.OutboxItem, error) {
	var it alesco.OutboxItem
	var payload, status, next, created, updated, delivered string
	err := r.Scan(&it.ID, &it.Key, &it.Kind, &it.CommitteeID, &payload, &status, &it.Revision, &it.Attempts, &next,
		&it.LastError, &it.Result, &created, &updated, &delivered)
	if err != nil {
		return it, err
	}
	if err := json.Unmarshal([]byte(payload), &it.Effect); err != nil {
		return it, fmt.Errorf("sqlite: outbox item %d: %w", it.ID, err)
	}
	it.Status = alesco.OutboxStatus(status)
	if it.NextAttempt, err = ParseTime(next); err != nil {
		return it, err
	}
	if it.Created, err = ParseTime(created); err != nil {
		return it, err
	}
	if it.Updated, err = ParseTime(updated); err != nil {
		return it, err
	}
	it.Delivered, err = ParseTime(delivered)
	return it, err
}

// Outbox implements alesco.ReadTx.
func (t *txn) Outbox(f alesco.OutboxFilter) ([]alesco.OutboxItem, error) {
	q := `SELECT ` + outboxColumns + ` FROM outbox WHERE 1 = 1`
	var args []any
	if f.ID != 0 {
		q += ` AND id = ?`
		args = append(args, f.ID)
	}
	if f.Key != "" {
		q += ` AND key = ?`
		args = append(args, f.Key)
	}
	if len(f.Statuses) > 0 {
		q += ` AND status IN (?` + strings.Repeat(", ?", len(f.Statuses)-1) + `)`
		for _, s := range f.Statuses {
			args = append(args, string(s))
		}
	}
	order := ` ORDER BY id`
	if !f.DueBy.IsZero() {
		q += ` AND next_attempt_at <= ?`
		args = append(args, FormatTime(f.DueBy))
		order = ` ORDER BY next_attempt_at, id`
	}
	q += order
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	var out []alesco.OutboxItem
	err := t.each(q, args, func(r *sql.Rows) error {
		it, err := scanOutbox(r)
		out = append(out, it)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: outbox: %w", err)
	}
	return out, nil
}

// Enqueue implements alesco.Tx.
func (t *txn) Enqueue(e alesco.Effect) (bool, error) {
	defer t.quietly()()
	if e.Key == "" || e.Kind == "" {
		return false, fmt.Errorf("sqlite: an effect without its key or kind")
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return false, fmt.Errorf("sqlite: effect %s: %w", e.Key, err)
	}
	now := FormatTime(t.now)
	var stored string
	switch err := t.queryRow(`SELECT payload FROM outbox WHERE key = ?`, e.Key).Scan(&stored); {
	case errors.Is(err, sql.ErrNoRows):
		_, err := t.exec(`INSERT INTO outbox (key, kind, committee_id, payload, next_attempt_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, e.Key, string(e.Kind), e.CommitteeID, string(payload), now, now, now)
		if err != nil {
			return false, fmt.Errorf("sqlite: enqueue %s: %w", e.Key, err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("sqlite: enqueue %s: %w", e.Key, err)
	}
	var old alesco.Effect
	if err := json.Unmarshal([]byte(stored), &old); err != nil {
		return false, fmt.Errorf("sqlite: outbox %s: %w", e.Key, err)
	}
	if !e.Kind.Replaceable() || old.Same(e) {
		return false, nil
	}
	_, err = t.exec(`UPDATE outbox SET kind = ?, committee_id = ?, payload = ?, status = 'pending', revision = revision + 1, attempts = 0,
		next_attempt_at = ?, last_error = '', updated_at = ? WHERE key = ?`, string(e.Kind), e.CommitteeID, string(payload), now, now, e.Key)
	if err != nil {
		return false, fmt.Errorf("sqlite: replace %s: %w", e.Key, err)
	}
	return true, nil
}

// SaveOutboxItem implements alesco.Tx.
func (t *txn) SaveOutboxItem(it alesco.OutboxItem) (bool, error) {
	defer t.quietly()()
	if _, err := alesco.ParseOutboxStatus(string(it.Status)); err != nil {
		return false, err
	}
	res, err := t.exec(`UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, result = ?, delivered_at = ?,
		updated_at = ? WHERE id = ? AND revision = ?`, string(it.Status), it.Attempts, FormatTime(it.NextAttempt), it.LastError,
		it.Result, FormatTime(it.Delivered), FormatTime(t.now), it.ID, it.Revision)
	if err != nil {
		return false, fmt.Errorf("sqlite: save outbox item %d: %w", it.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
