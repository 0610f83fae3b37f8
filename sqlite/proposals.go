package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// The github adapter keeps pull requests, cached GitHub answers, the sync
// state and applied webhook deliveries here (the DB methods taking a
// context); use cases read proposals through alesco.ReadTx.

const pullColumns = `committee_id, number, tracked, files_sha, title, url, author_login, authors, rfc_number, rfc_path,
	header_status, trademark_approval, state, open, draft, merged, labels, needs_board_input, board_input_reason,
	board_input_recorded, created_at, updated_at, closed_at, merged_at, discussion_at, fcp_at, head_sha, abstract`

func scanPull(r scanner) (alesco.PullRecord, error) {
	var p alesco.PullRecord
	var authors, labels, state, created, updated, closed, merged, disc, fcp string
	err := r.Scan(&p.CommitteeID, &p.Number, &p.Tracked, &p.FilesSHA, &p.Title, &p.URL, &p.AuthorLogin, &authors,
		&p.RFCNumber, &p.RFCPath, &p.HeaderStatus, &p.TrademarkApproval, &state, &p.Open, &p.Draft, &p.Merged, &labels,
		&p.NeedsBoardInput, &p.BoardInputReason, &p.BoardInputRecorded, &created, &updated, &closed, &merged, &disc, &fcp,
		&p.HeadSHA, &p.Abstract)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(authors), &p.Authors); err != nil {
		return p, fmt.Errorf("sqlite: proposal %d authors: %w", p.Number, err)
	}
	if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
		return p, fmt.Errorf("sqlite: proposal %d labels: %w", p.Number, err)
	}
	if p.State, err = alesco.ParseProposalState(state); err != nil {
		return p, fmt.Errorf("sqlite: proposal %d: %w", p.Number, err)
	}
	for _, f := range []struct {
		s string
		t *time.Time
	}{{created, &p.Created}, {updated, &p.Updated}, {closed, &p.Closed}, {merged, &p.MergedAt}, {disc, &p.DiscussionTime}, {fcp, &p.FCPTime}} {
		if *f.t, err = ParseTime(f.s); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (t *txn) putPull(p alesco.PullRecord) error {
	_, err := t.exec(`INSERT OR REPLACE INTO proposals (`+pullColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.CommitteeID, p.Number, p.Tracked, p.FilesSHA, p.Title, p.URL, p.AuthorLogin, jsonList(p.Authors),
		p.RFCNumber, p.RFCPath, p.HeaderStatus, p.TrademarkApproval, p.State.String(), p.Open, p.Draft, p.Merged,
		jsonList(p.Labels), p.NeedsBoardInput, p.BoardInputReason, p.BoardInputRecorded, FormatTime(p.Created),
		FormatTime(p.Updated), FormatTime(p.Closed), FormatTime(p.MergedAt), FormatTime(p.DiscussionTime),
		FormatTime(p.FCPTime), p.HeadSHA, p.Abstract)
	if err != nil {
		return fmt.Errorf("sqlite: save proposal %d: %w", p.Number, err)
	}
	return nil
}

func (t *txn) getPull(committeeID string, number int) (alesco.PullRecord, bool, error) {
	p, err := scanPull(t.queryRow(`SELECT `+pullColumns+` FROM proposals WHERE committee_id = ? AND number = ?`, committeeID, number))
	if errors.Is(err, sql.ErrNoRows) {
		return alesco.PullRecord{}, false, nil
	}
	return p, err == nil, err
}

// Pulls returns every stored pull request of a committee, tracked or not,
// by number.
func (db *DB) Pulls(ctx context.Context, committeeID string) (map[int]alesco.PullRecord, error) {
	out := map[int]alesco.PullRecord{}
	err := db.View(ctx, func(rt alesco.ReadTx) error {
		return rt.(*txn).each(`SELECT `+pullColumns+` FROM proposals WHERE committee_id = ?`, []any{committeeID}, func(r *sql.Rows) error {
			p, err := scanPull(r)
			out[p.Number] = p
			return err
		})
	})
	return out, err
}

// Proposals implements alesco.ReadTx.
func (t *txn) Proposals(committeeID string, states ...alesco.ProposalState) ([]alesco.Proposal, error) {
	q := `SELECT ` + pullColumns + ` FROM proposals WHERE committee_id = ? AND tracked = 1`
	args := []any{committeeID}
	if len(states) > 0 {
		q += ` AND state IN (?` + strings.Repeat(", ?", len(states)-1) + `)`
		for _, s := range states {
			args = append(args, s.String())
		}
	}
	q += ` ORDER BY number DESC`
	var out []alesco.Proposal
	err := t.each(q, args, func(r *sql.Rows) error {
		p, err := scanPull(r)
		out = append(out, p.Proposal)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: proposals: %w", err)
	}
	return out, nil
}

// Proposal implements alesco.ReadTx.
func (t *txn) Proposal(committeeID string, number int) (alesco.Proposal, error) {
	p, ok, err := t.getPull(committeeID, number)
	if err != nil {
		return alesco.Proposal{}, err
	}
	if !ok || !p.Tracked {
		return alesco.Proposal{}, alesco.Errorf(alesco.ENOTFOUND, "no proposal #%d in %s (not synced yet, or not an RFC)", number, committeeID)
	}
	return p.Proposal, nil
}

// CachedResponses returns every cached GitHub answer by URL.
func (db *DB) CachedResponses(ctx context.Context) (map[string]alesco.CachedResponse, error) {
	out := map[string]alesco.CachedResponse{}
	err := db.View(ctx, func(rt alesco.ReadTx) error {
		return rt.(*txn).each(`SELECT url, etag, link, body, fetched_at FROM github_responses`, nil, func(r *sql.Rows) error {
			var c alesco.CachedResponse
			var at string
			if err := r.Scan(&c.URL, &c.ETag, &c.Link, &c.Body, &at); err != nil {
				return err
			}
			var err error
			c.FetchedAt, err = ParseTime(at)
			out[c.URL] = c
			return err
		})
	})
	return out, err
}

// SyncState implements alesco.ReadTx.
func (t *txn) SyncState(committeeID string) (alesco.SyncState, error) {
	var s alesco.SyncState
	var ok, attempt string
	err := t.queryRow(`SELECT last_synced_at, last_attempt_at, last_error FROM github_sync WHERE committee_id = ?`,
		committeeID).Scan(&ok, &attempt, &s.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return s, fmt.Errorf("sqlite: sync state: %w", err)
	}
	if s.LastSynced, err = ParseTime(ok); err != nil {
		return s, err
	}
	s.LastAttempt, err = ParseTime(attempt)
	return s, err
}

// SaveSync stores one reconciliation in one transaction: changed pull
// requests, new cached answers and the sync state. A failed sync keeps
// what is stored and records only its error and the attempt time.
func (db *DB) SaveSync(ctx context.Context, r alesco.SyncRecord) error {
	errText := ""
	if r.Err != nil {
		errText = r.Err.Error()
	}
	changed := make([]int, 0, len(r.Pulls))
	for _, p := range r.Pulls {
		changed = append(changed, p.Number)
	}
	detail := map[string]any{"changed": changed, "requests": r.Requests, "not_modified": r.NotModified}
	if errText != "" {
		detail["error"] = errText
	}
	change := alesco.Change{Action: "proposals.sync", Subject: "committee/" + r.CommitteeID, Detail: detail}
	return db.update(ctx, func(t *txn) (alesco.Change, error) {
		now := FormatTime(t.now)
		for _, p := range r.Pulls {
			if err := db.storePull(t, p); err != nil {
				return change, err
			}
		}
		for _, c := range r.Responses {
			if _, err := t.exec(`INSERT OR REPLACE INTO github_responses (url, etag, link, body, fetched_at)
				VALUES (?, ?, ?, ?, ?)`, c.URL, c.ETag, c.Link, c.Body, FormatTime(c.FetchedAt)); err != nil {
				return change, fmt.Errorf("sqlite: cache response: %w", err)
			}
		}
		var err error
		if r.Err == nil {
			_, err = t.exec(`INSERT INTO github_sync (committee_id, last_synced_at, last_attempt_at, last_error)
				VALUES (?, ?, ?, '') ON CONFLICT (committee_id) DO UPDATE SET last_synced_at = excluded.last_synced_at,
				last_attempt_at = excluded.last_attempt_at, last_error = ''`, r.CommitteeID, now, now)
		} else {
			_, err = t.exec(`INSERT INTO github_sync (committee_id, last_attempt_at, last_error)
				VALUES (?, ?, ?) ON CONFLICT (committee_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
				last_error = excluded.last_error`, r.CommitteeID, now, errText)
		}
		if err != nil {
			return change, fmt.Errorf("sqlite: sync state: %w", err)
		}
		return change, nil
	})
}

// storePull stores a pull request's row and enqueues the effects its
// change causes (PullEffects), in transaction t.
func (db *DB) storePull(t *txn, next alesco.PullRecord) error {
	var prev alesco.PullRecord
	found := false
	if db.PullEffects != nil {
		var err error
		if prev, found, err = t.getPull(next.CommitteeID, next.Number); err != nil {
			return err
		}
	}
	if err := t.putPull(next); err != nil {
		return err
	}
	if db.PullEffects == nil {
		return nil
	}
	effects, err := db.PullEffects(t, prev, found, next)
	if err != nil {
		return err
	}
	for _, e := range effects {
		if _, err := t.Enqueue(e); err != nil {
			return err
		}
	}
	return nil
}

// errDuplicate rolls back a redelivered webhook's transaction.
var errDuplicate = errors.New("sqlite: duplicate delivery")

// ApplyDelivery records a webhook delivery and applies it to one pull
// request in the same transaction: apply gets the stored row (found false
// when none) and returns the new row and whether to write it. A delivery
// already recorded changes nothing (applied false, no audit row).
func (db *DB) ApplyDelivery(ctx context.Context, d alesco.Delivery, apply func(prev alesco.PullRecord, found bool) (alesco.PullRecord, bool)) (applied bool, err error) {
	if d.ID == "" {
		return false, alesco.Errorf(alesco.EINVALID, "webhook delivery has no X-GitHub-Delivery id")
	}
	detail := map[string]any{"delivery": d.ID, "event": d.Event, "action": d.Action}
	subject := "proposal/" + d.CommitteeID + "/" + strconv.Itoa(d.Number)
	change := alesco.Change{Action: "proposals.webhook", Subject: subject, Detail: detail}
	err = db.update(ctx, func(t *txn) (alesco.Change, error) {
		res, err := t.exec(`INSERT INTO github_deliveries (delivery_id, committee_id, event, action, number, received_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
			d.ID, d.CommitteeID, d.Event, d.Action, d.Number, FormatTime(t.now))
		if err != nil {
			return change, fmt.Errorf("sqlite: record delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return change, errDuplicate
		}
		prev, found, err := t.getPull(d.CommitteeID, d.Number)
		if err != nil {
			return change, err
		}
		if next, write := apply(prev, found); write {
			return change, db.storePull(t, next)
		}
		return change, nil
	})
	if errors.Is(err, errDuplicate) {
		return false, nil
	}
	return err == nil, err
}

// AgendaSnapshot implements alesco.ReadTx.
func (t *txn) AgendaSnapshot(meetingID string) (body []byte, frozenAt time.Time, ok bool, err error) {
	var at string
	err = t.queryRow(`SELECT body, frozen_at FROM agenda_snapshots WHERE meeting_id = ?`, meetingID).Scan(&body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, false, nil
	} else if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("sqlite: agenda snapshot: %w", err)
	}
	frozenAt, err = ParseTime(at)
	return body, frozenAt, err == nil, err
}

// FreezeAgenda implements alesco.Tx.
func (t *txn) FreezeAgenda(committeeID, meetingID string, body []byte) (bool, error) {
	res, err := t.exec(`INSERT INTO agenda_snapshots (meeting_id, committee_id, frozen_at, body)
		VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id) DO NOTHING`, meetingID, committeeID, FormatTime(t.now), body)
	if err != nil {
		return false, fmt.Errorf("sqlite: freeze agenda: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
